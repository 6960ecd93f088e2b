package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.DocSamples.edited;
import static dev.pacioli.payments.inbound.DocSamples.map;
import static dev.pacioli.payments.inbound.DocSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import org.junit.jupiter.api.Test;

/** Circle's transfers notifications, from the samples of docs/payments-inbound.md. */
class CircleMappingTest {
    @Test
    void aCompleteTransferFromOurWalletIsAPayoutPaid() {
        InboundEvent event = map(InboundScheme.CIRCLE, sample("circle/transfers.complete"));
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_PAID);
        assertThat(event.providerEventId()).isEqualTo("0f4a6a3e-8b4c-4e6b-9d55-4f0e2a7c1b90:complete");
        assertThat(event.providerType()).isEqualTo("transfers");
        assertThat(event.providerReference()).isEqualTo("0f4a6a3e-8b4c-4e6b-9d55-4f0e2a7c1b90");
        assertThat(event.transferId()).isNull();
        assertThat(event.payoutId()).isNull();
        assertThat(event.amount()).isNull();
    }

    @Test
    void aFailedTransferFromOurWalletIsAPayoutFailedWithCirclesCode() {
        InboundEvent event = map(InboundScheme.CIRCLE, sample("circle/transfers.failed"));
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_FAILED);
        assertThat(event.providerEventId()).isEqualTo("a3c9e0d2-6f1b-4c7a-8e5d-2b4f6a8c0e13:failed");
        assertThat(event.failureReason()).isEqualTo("blockchain_error");
    }

    @Test
    void aCompleteTransferFromAChainIsADepositInMajorUnits() {
        InboundEvent event = map(InboundScheme.CIRCLE, sample("circle/transfers.incoming"));
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.providerEventId()).isEqualTo("7e1d3c2b-5a4f-4b6e-8c9d-0a1b2c3d4e5f:complete");
        assertThat(event.amount()).isEqualTo(new Amount("3.14", false, "USD"));
        assertThat(event.amount().atScale(6)).hasValue(3_140_000);
        assertThat(event.routingReference()).isEqualTo("0x97de855690955e0da79ce5c1b6804847e7070c7f");
        assertThat(event.providerReference()).isEqualTo("7e1d3c2b-5a4f-4b6e-8c9d-0a1b2c3d4e5f");
    }

    @Test
    void anIncomingTransfersSourceAddressAndTravelRuleIdentityAreItsOriginator() {
        assertThat(map(InboundScheme.CIRCLE, sample("circle/transfers.incoming"))
                        .originator())
                .as("Circle named no one")
                .isNull();
        String identified = edited(
                "circle/transfers.incoming",
                "\"source\": {\"type\": \"blockchain\", \"chain\": \"ETH\"}",
                "\"source\": {\"type\": \"blockchain\", \"chain\": \"ETH\","
                        + " \"address\": \"0x7f367cc41522ce07553e823bf3be79a889debe1b\","
                        + " \"identities\": [{\"type\": \"individual\", \"name\": \"Satoshi Nakamoto\","
                        + " \"addresses\": [{\"line1\": \"1 Main St\", \"city\": \"Boston\", \"country\": \"us\"}]}]}");
        assertThat(map(InboundScheme.CIRCLE, identified).originator())
                .isEqualTo(new Subject("Satoshi Nakamoto", "US", "0x7f367cc41522ce07553e823bf3be79a889debe1b"));
    }

    @Test
    void aFailedIncomingTransferIsADepositFailed() {
        String failed = edited(
                "circle/transfers.incoming",
                "\"status\": \"complete\"",
                "\"status\": \"failed\", \"errorCode\": \"transfer_failed\"");
        InboundEvent event = map(InboundScheme.CIRCLE, failed);
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_FAILED);
        assertThat(event.failureReason()).isEqualTo("transfer_failed");
    }

    @Test
    void theV2EnvelopeIdempotencyKeyAndMetadataAreRead() {
        String body = """
                {"subscriptionId": "00000000-0000-0000-0000-000000000000",
                 "notificationId": "b2c3d4e5-f6a7-8901-bcde-f12345678901",
                 "notificationType": "transfers",
                 "notification": {"id": "0f4a6a3e", "source": {"type": "wallet", "id": "1000216185"},
                   "destination": {"type": "blockchain", "address": "0xabc", "chain": "ETH"},
                   "amount": {"amount": "25.00", "currency": "USD"}, "status": "complete",
                   "idempotencyKey": "main.po_1001", "metadata": {"pacioli_payout": "po_1001"}},
                 "timestamp": "2026-12-05T10:00:00.000000000Z", "version": 2}
                """;
        InboundEvent event = map(InboundScheme.CIRCLE, body);
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_PAID);
        assertThat(event.providerEventId()).isEqualTo("b2c3d4e5-f6a7-8901-bcde-f12345678901");
        assertThat(event.transferId()).isEqualTo("main.po_1001");
        assertThat(event.payoutId()).isEqualTo("po_1001");
    }

    @Test
    void aPendingTransferIsUnknownWithItsOwnEventId() {
        String pending = edited("circle/transfers.complete", "\"status\": \"complete\"", "\"status\": \"pending\"");
        InboundEvent event = map(InboundScheme.CIRCLE, pending);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerEventId()).isEqualTo("0f4a6a3e-8b4c-4e6b-9d55-4f0e2a7c1b90:pending");
    }

    @Test
    void aDepositWhoseAmountIsNotAPlainDecimalIsUnknown() {
        for (String amount : new String[] {"\"3,14\"", "\"-3.14\"", "\"1e3\"", "3.14", "\"0.00\""}) {
            String body = edited("circle/transfers.incoming", "\"amount\": \"3.14\"", "\"amount\": " + amount);
            assertThat(map(InboundScheme.CIRCLE, body).kind()).as(amount).isEqualTo(Kind.UNKNOWN);
        }
    }

    @Test
    void otherNotificationTypesAreUnknown() {
        String payments =
                "{\"clientId\": \"c60d2d5b\", \"notificationType\": \"payments\", \"payment\": {\"id\": \"p1\","
                        + " \"status\": \"confirmed\"}}";
        InboundEvent event = map(InboundScheme.CIRCLE, payments);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerType()).isEqualTo("payments");
        assertThat(event.providerEventId()).startsWith("sha256:");
    }

    @Test
    void aPendingTransferFromAChainIsThePendingDepositOfTheSameTransfer() {
        InboundEvent pending = map(InboundScheme.CIRCLE, sample("circle/transfers.incoming.pending"));
        InboundEvent complete = map(InboundScheme.CIRCLE, sample("circle/transfers.incoming"));
        assertThat(pending.kind()).isEqualTo(Kind.DEPOSIT_PENDING);
        assertThat(pending.providerEventId()).isEqualTo("7e1d3c2b-5a4f-4b6e-8c9d-0a1b2c3d4e5f:pending");
        assertThat(pending.providerReference()).isEqualTo(complete.providerReference());
        assertThat(pending.amount()).isEqualTo(complete.amount());
        assertThat(pending.routingReference()).isEqualTo(complete.routingReference());
    }
}
