package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.DocSamples.edited;
import static dev.pacioli.payments.inbound.DocSamples.map;
import static dev.pacioli.payments.inbound.DocSamples.sample;
import static dev.pacioli.payments.inbound.DocSamples.verified;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.payments.inbound.InboundEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The http rail protocol's events over Standard Webhooks, from the samples of docs/payments-inbound.md. */
class RailMappingTest {
    private static final String MESSAGE_ID = "msg_2Yh7cQ4mTn8pLw1Zx3Vb";

    private static InboundEvent overStandardWebhooks(String sample) {
        return InboundMapper.map(
                verified(InboundScheme.STANDARD_WEBHOOKS, Map.of("Webhook-Id", MESSAGE_ID), sample(sample)),
                InboundKind.EVENTS);
    }

    private static InboundEvent overStandardWebhooksBody(String body) {
        return InboundMapper.map(
                verified(
                        InboundScheme.STANDARD_WEBHOOKS,
                        Map.of("Webhook-Id", MESSAGE_ID),
                        body.getBytes(StandardCharsets.UTF_8)),
                InboundKind.EVENTS);
    }

    private static String text(String name) {
        return new String(sample(name), StandardCharsets.UTF_8);
    }

    @Test
    void transferPaidIsAPayoutPaidByTransferId() {
        InboundEvent event = overStandardWebhooks("http/transfer.paid");
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_PAID);
        assertThat(event.providerEventId()).isEqualTo(MESSAGE_ID);
        assertThat(event.providerType()).isEqualTo("transfer.paid");
        assertThat(event.transferId()).isEqualTo("main.po_1001");
        assertThat(event.providerReference()).isEqualTo("bank-tx-88123");
        assertThat(event.failureReason()).isNull();
        assertThat(event.amount()).isNull();
    }

    @Test
    void transferFailedCarriesItsReason() {
        InboundEvent event = overStandardWebhooks("http/transfer.failed");
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_FAILED);
        assertThat(event.transferId()).isEqualTo("main.po_1002");
        assertThat(event.failureReason()).isEqualTo("account_closed");
    }

    @Test
    void transferReturnedIsAPayoutReturned() {
        InboundEvent event = overStandardWebhooks("http/transfer.returned");
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_RETURNED);
        assertThat(event.transferId()).isEqualTo("main.po_1001");
        assertThat(event.failureReason()).isEqualTo("R02 account closed");
    }

    @Test
    void depositSucceededIsADepositInMinorUnits() {
        InboundEvent event = overStandardWebhooks("http/deposit.succeeded");
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.providerReference()).isEqualTo("dep-77102");
        assertThat(event.amount()).isEqualTo(new Amount("150000", true, "USD"));
        assertThat(event.amount().atScale(2)).hasValue(150_000);
        assertThat(event.routingReference()).isEqualTo("VA-000123");
        assertThat(event.metadata()).containsEntry("pacioli_ledger", "main").containsEntry("payer", "ACME Corp");
        assertThat(event.originator()).isEqualTo(new Subject("ACME Corp", "US", "US12345678901"));
    }

    @Test
    void anOriginatorIsReadOnlyAsFarAsItIsUsable() {
        String lower = edited("http/deposit.succeeded", "\"country\": \"US\"", "\"country\": \"us\"");
        assertThat(overStandardWebhooksBody(lower).originator().country()).isEqualTo("US");
        String odd = edited("http/deposit.succeeded", "\"country\": \"US\"", "\"country\": \"USA\"");
        assertThat(overStandardWebhooksBody(odd).originator())
                .isEqualTo(new Subject("ACME Corp", null, "US12345678901"));
        String none = edited(
                "http/deposit.succeeded",
                "\"originator\": {\"name\": \"ACME Corp\", \"country\": \"US\", \"address\": \"US12345678901\"}",
                "\"originator\": {}");
        assertThat(overStandardWebhooksBody(none).originator()).isNull();
        // A name longer than screening reads is cut, never dropped: it must not escape screening.
        String longName = "A".repeat(600);
        String cut = edited("http/deposit.succeeded", "\"name\": \"ACME Corp\"", "\"name\": \"" + longName + "\"");
        assertThat(overStandardWebhooksBody(cut).originator().name()).hasSize(Subject.NAME_LENGTH_MAX);
    }

    @Test
    void aStatusThatContradictsTheTypeHasNoEffect() {
        String body = edited("http/transfer.paid", "\"status\": \"paid\"", "\"status\": \"failed\"");
        InboundEvent event = InboundMapper.map(
                verified(
                        InboundScheme.STANDARD_WEBHOOKS,
                        Map.of("webhook-id", MESSAGE_ID),
                        body.getBytes(StandardCharsets.UTF_8)),
                InboundKind.EVENTS);
        assertThat(event.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(event.transferId()).isEqualTo("main.po_1001");
        String withoutStatus = edited("http/transfer.paid", "\"status\": \"paid\", ", "");
        assertThat(map(InboundScheme.STANDARD_WEBHOOKS, withoutStatus).kind()).isEqualTo(Kind.PAYOUT_PAID);
    }

    @Test
    void aDepositAmountMustBeAPositiveJsonInteger() {
        for (String amount : new String[] {"\"150000\"", "1500.00", "0", "-5", "null"}) {
            String body = edited("http/deposit.succeeded", "\"amount\": 150000", "\"amount\": " + amount);
            assertThat(map(InboundScheme.STANDARD_WEBHOOKS, body).kind())
                    .as(amount)
                    .isEqualTo(Kind.UNKNOWN);
        }
    }

    @Test
    void overHmacSha256HexTheEventIdIsTheBodys() {
        String body = text("http/transfer.paid").replaceFirst("\\{", "{\"id\": \"evt-upstream-42\", ");
        InboundEvent event = map(InboundScheme.HMAC_SHA256_HEX, body);
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_PAID);
        assertThat(event.providerEventId()).isEqualTo("evt-upstream-42");
        InboundEvent withoutId = map(InboundScheme.HMAC_SHA256_HEX, sample("http/transfer.paid"));
        assertThat(withoutId.providerEventId())
                .startsWith("sha256:")
                .isEqualTo(map(InboundScheme.HMAC_SHA256_HEX, sample("http/transfer.paid"))
                        .providerEventId());
    }

    @Test
    void aRequestSignedAsTheProtocolSaysVerifiesThenMaps() throws Exception {
        String secret = "whsec_"
                + Base64.getEncoder()
                        .encodeToString("a 32-byte key for this one test!".getBytes(StandardCharsets.UTF_8));
        long timestamp = 1_764_928_800L;
        byte[] body = sample("http/transfer.failed");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        mac.update((MESSAGE_ID + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        Verification verification = InboundVerifier.verify(
                InboundScheme.STANDARD_WEBHOOKS,
                InboundSecrets.ofSecret(secret),
                InboundHeaders.of(Map.of(
                        "webhook-id", MESSAGE_ID,
                        "webhook-timestamp", Long.toString(timestamp),
                        "webhook-signature", signature)),
                body,
                Instant.ofEpochSecond(timestamp + 2));
        InboundEvent event = InboundMapper.map(Verdicts.assertVerified(verification), InboundKind.EVENTS);
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_FAILED);
        assertThat(event.providerEventId()).isEqualTo(MESSAGE_ID);
        assertThat(event.transferId()).isEqualTo("main.po_1002");
    }

    @Test
    void depositPendingAndFailedAreTheDepositOfTheSameId() {
        InboundEvent pending = overStandardWebhooks("http/deposit.pending");
        assertThat(pending.kind()).isEqualTo(Kind.DEPOSIT_PENDING);
        assertThat(pending.providerReference()).isEqualTo("dep-77102");
        assertThat(pending.amount()).isEqualTo(new Amount("150000", true, "USD"));
        assertThat(pending.routingReference()).isEqualTo("VA-000123");
        InboundEvent failed = overStandardWebhooks("http/deposit.failed");
        assertThat(failed.kind()).isEqualTo(Kind.DEPOSIT_FAILED);
        assertThat(failed.providerReference()).isEqualTo("dep-77103");
        assertThat(failed.failureReason()).isEqualTo("R01 insufficient funds");
    }
}
