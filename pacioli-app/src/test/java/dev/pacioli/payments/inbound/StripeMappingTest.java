package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.DocSamples.edited;
import static dev.pacioli.payments.inbound.DocSamples.map;
import static dev.pacioli.payments.inbound.DocSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import org.junit.jupiter.api.Test;

/** Stripe's events, from the samples of docs/payments-inbound.md. */
class StripeMappingTest {
    @Test
    void payoutPaidIsOurPayoutPaid() {
        InboundEvent event = map(InboundScheme.STRIPE, sample("stripe/payout.paid"));
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_PAID);
        assertThat(event.providerEventId()).isEqualTo("evt_1QkP7sLkdIwHu7ixqW3n5Ydm");
        assertThat(event.providerType()).isEqualTo("payout.paid");
        assertThat(event.payoutId()).isEqualTo("po_1001");
        assertThat(event.providerReference()).isEqualTo("po_1QkP2aLkdIwHu7ixR0dBq6vT");
        assertThat(event.metadata()).containsEntry("pacioli_ledger", "main");
        assertThat(event.transferId()).isNull();
        assertThat(event.amount()).isNull();
        assertThat(event.failureReason()).isNull();
    }

    @Test
    void payoutFailedCarriesStripesReason() {
        InboundEvent event = map(InboundScheme.STRIPE, sample("stripe/payout.failed"));
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_FAILED);
        assertThat(event.providerEventId()).isEqualTo("evt_1QkR0cLkdIwHu7ixe4Hq9WnB");
        assertThat(event.payoutId()).isEqualTo("po_1002");
        assertThat(event.providerReference()).isEqualTo("po_1QkQ9vLkdIwHu7ixS2fNc8Lp");
        assertThat(event.failureReason()).isEqualTo("account_closed: The bank account has been closed.");
    }

    @Test
    void paymentIntentSucceededIsADepositInMinorUnits() {
        InboundEvent event = map(InboundScheme.STRIPE, sample("stripe/payment_intent.succeeded"));
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.providerEventId()).isEqualTo("evt_3QkQ1bLkdIwHu7ix0x8N2hVe");
        assertThat(event.providerReference()).isEqualTo("pi_3QkQ0xLkdIwHu7ix1Jb0cT2u");
        assertThat(event.amount()).isEqualTo(new Amount("5000", true, "usd"));
        assertThat(event.amount().atScale(2)).hasValue(5000);
        assertThat(event.routingReference()).isEqualTo("cus_RdPq4x2sWmY7Ln");
        assertThat(event.metadata())
                .containsEntry("pacioli_ledger", "main")
                .containsEntry("pacioli_account", "users:42:wallet")
                .containsEntry("pacioli_deposit", "dep_2001");
        assertThat(event.payoutId()).isNull();
        assertThat(event.originator())
                .as("latest_charge is not expanded: no one named")
                .isNull();
    }

    @Test
    void anExpandedChargesBillingDetailsAreTheOriginator() {
        String expanded = edited(
                "stripe/payment_intent.succeeded",
                "\"latest_charge\": \"ch_3QkQ0xLkdIwHu7ix1c8ZbA9K\"",
                "\"latest_charge\": {\"id\": \"ch_3QkQ0xLkdIwHu7ix1c8ZbA9K\", \"object\": \"charge\","
                        + " \"billing_details\": {\"name\": \"Jenny Rosen\", \"email\": null,"
                        + " \"address\": {\"city\": \"Dublin\", \"country\": \"IE\", \"line1\": null}}}");
        assertThat(map(InboundScheme.STRIPE, expanded).originator()).isEqualTo(new Subject("Jenny Rosen", "IE", null));
        String embedded = edited(
                "stripe/payment_intent.succeeded",
                "\"latest_charge\": \"ch_3QkQ0xLkdIwHu7ix1c8ZbA9K\"",
                "\"charges\": {\"object\": \"list\", \"data\": [{\"id\": \"ch_1\", \"billing_details\":"
                        + " {\"name\": \"Jenny Rosen\", \"address\": {\"country\": \"IE\"}}}]}");
        assertThat(map(InboundScheme.STRIPE, embedded).originator()).isEqualTo(new Subject("Jenny Rosen", "IE", null));
    }

    @Test
    void amountReceivedIsPreferredAndAmountIsTheFallback() {
        String partial =
                edited("stripe/payment_intent.succeeded", "\"amount_received\": 5000", "\"amount_received\": 4200");
        assertThat(map(InboundScheme.STRIPE, partial).amount()).isEqualTo(new Amount("4200", true, "usd"));
        String none = edited("stripe/payment_intent.succeeded", "\"amount_received\": 5000", "\"amount_received\": 0");
        assertThat(map(InboundScheme.STRIPE, none).amount()).isEqualTo(new Amount("5000", true, "usd"));
    }

    @Test
    void aDepositWithoutAnAmountIsUnknownWithWhatWasRead() {
        String body = edited("stripe/payment_intent.succeeded", "\"amount\": 5000", "\"amount\": \"5000\"")
                .replace("\"amount_received\": 5000", "\"amount_received\": null");
        InboundEvent event = map(InboundScheme.STRIPE, body);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerEventId()).isEqualTo("evt_3QkQ1bLkdIwHu7ix0x8N2hVe");
        assertThat(event.providerReference()).isEqualTo("pi_3QkQ0xLkdIwHu7ix1Jb0cT2u");
        assertThat(event.metadata()).containsEntry("pacioli_account", "users:42:wallet");
    }

    @Test
    void otherTypesAreUnknownButKeepWhatTheySay() {
        String created = edited("stripe/payout.paid", "\"type\": \"payout.paid\"", "\"type\": \"payout.created\"");
        InboundEvent event = map(InboundScheme.STRIPE, created);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.providerType()).isEqualTo("payout.created");
        assertThat(event.payoutId()).isEqualTo("po_1001");
    }

    @Test
    void aPayoutWithoutAnObjectIdIsUnknown() {
        String body = edited("stripe/payout.paid", "\"id\": \"po_1QkP2aLkdIwHu7ixR0dBq6vT\",", "");
        assertThat(map(InboundScheme.STRIPE, body).kind()).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void paymentIntentProcessingIsThePendingDepositOfTheSameIntent() {
        InboundEvent pending = map(InboundScheme.STRIPE, sample("stripe/payment_intent.processing"));
        InboundEvent succeeded = map(InboundScheme.STRIPE, sample("stripe/payment_intent.succeeded"));
        assertThat(pending.kind()).isEqualTo(Kind.DEPOSIT_PENDING);
        assertThat(pending.providerEventId()).isEqualTo("evt_3QkS4dLkdIwHu7ix1T9bQe2r");
        assertThat(pending.amount())
                .as("amount_received is 0 until it succeeds")
                .isEqualTo(succeeded.amount());
        assertThat(pending.providerReference()).isEqualTo(succeeded.providerReference());
        assertThat(pending.metadata()).isEqualTo(succeeded.metadata());
    }

    @Test
    void paymentIntentPaymentFailedIsTheDepositFailedWithStripesReason() {
        InboundEvent failed = map(InboundScheme.STRIPE, sample("stripe/payment_intent.payment_failed"));
        assertThat(failed.kind()).isEqualTo(Kind.DEPOSIT_FAILED);
        assertThat(failed.providerReference()).isEqualTo("pi_3QkQ0xLkdIwHu7ix1Jb0cT2u");
        assertThat(failed.failureReason())
                .isEqualTo("payment_method_provider_decline: The bank returned the debit: insufficient funds.");
        assertThat(failed.amount()).isEqualTo(new Amount("5000", true, "usd"));
    }
}
