package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.DocSamples.edited;
import static dev.pacioli.payments.inbound.DocSamples.map;
import static dev.pacioli.payments.inbound.DocSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import org.junit.jupiter.api.Test;

/** Coinbase Commerce's charge events, from the samples of docs/payments-inbound.md. */
class CoinbaseCommerceMappingTest {
    @Test
    void chargeConfirmedIsADepositOfTheSettlement() {
        InboundEvent event = map(InboundScheme.COINBASE_COMMERCE, sample("coinbase_commerce/charge:confirmed"));
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.providerEventId()).isEqualTo("d5f1a2b3-4c5d-4e6f-8a9b-0c1d2e3f4a5b");
        assertThat(event.providerType()).isEqualTo("charge:confirmed");
        assertThat(event.providerReference()).isEqualTo("2aee9dd1-67b8-43ef-8dfe-977959850f27");
        assertThat(event.amount()).isEqualTo(new Amount("50", false, "USDC"));
        assertThat(event.amount().atScale(6)).hasValue(50_000_000);
        assertThat(event.metadata())
                .containsEntry("pacioli_account", "users:42:wallet")
                .containsEntry("pacioli_deposit", "dep_2002");
    }

    @Test
    void withoutASettlementTheLocalPriceIsTheAmount() {
        String local = edited(
                "coinbase_commerce/charge:confirmed",
                ",\n        \"settlement\": {\"amount\": \"50\", \"currency\": \"USDC\"}",
                "");
        InboundEvent event = map(InboundScheme.COINBASE_COMMERCE, local);
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.amount()).isEqualTo(new Amount("50.00", false, "USD"));
    }

    @Test
    void chargeFailedIsADepositFailedWithTheLastTimelineStatus() {
        InboundEvent event = map(InboundScheme.COINBASE_COMMERCE, sample("coinbase_commerce/charge:failed"));
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_FAILED);
        assertThat(event.providerEventId()).isEqualTo("0b7e4c1a-2d3f-4a5b-9c6d-7e8f9a0b1c2d");
        assertThat(event.providerReference()).isEqualTo("6c2f0e3a-91b4-4d7e-a5c8-3f1e9b2d7a64");
        assertThat(event.failureReason()).isEqualTo("EXPIRED");
        String underpaid = edited(
                "coinbase_commerce/charge:failed",
                "\"status\": \"EXPIRED\"",
                "\"status\": \"UNRESOLVED\", \"context\": \"UNDERPAID\"");
        assertThat(map(InboundScheme.COINBASE_COMMERCE, underpaid).failureReason())
                .isEqualTo("UNRESOLVED (UNDERPAID)");
    }

    @Test
    void otherChargeEventsAreUnknown() {
        String delayed = edited("coinbase_commerce/charge:confirmed", "charge:confirmed", "charge:delayed");
        InboundEvent event = map(InboundScheme.COINBASE_COMMERCE, delayed);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerType()).isEqualTo("charge:delayed");
        assertThat(event.providerEventId()).isEqualTo("d5f1a2b3-4c5d-4e6f-8a9b-0c1d2e3f4a5b");
    }

    @Test
    void aConfirmedChargeWithoutPricingIsUnknown() {
        String body = "{\"id\": \"1\", \"event\": {\"id\": \"e1\", \"type\": \"charge:confirmed\", \"data\":"
                + " {\"id\": \"c1\", \"metadata\": {\"pacioli_account\": \"users:1:wallet\"}}}}";
        InboundEvent event = map(InboundScheme.COINBASE_COMMERCE, body);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerEventId()).isEqualTo("e1");
        assertThat(event.providerReference()).isEqualTo("c1");
    }

    @Test
    void chargePendingIsThePendingDepositOfTheSameCharge() {
        InboundEvent pending = map(InboundScheme.COINBASE_COMMERCE, sample("coinbase_commerce/charge:pending"));
        InboundEvent confirmed = map(InboundScheme.COINBASE_COMMERCE, sample("coinbase_commerce/charge:confirmed"));
        assertThat(pending.kind()).isEqualTo(Kind.DEPOSIT_PENDING);
        assertThat(pending.providerEventId()).isEqualTo("a8c3e1f0-5b2d-4c7e-9f1a-3d5e7f9b1c2d");
        assertThat(pending.providerReference()).isEqualTo(confirmed.providerReference());
        assertThat(pending.amount()).isEqualTo(confirmed.amount());
        assertThat(pending.metadata()).isEqualTo(confirmed.metadata());
    }
}
