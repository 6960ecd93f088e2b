package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.DocSamples.map;
import static dev.pacioli.payments.inbound.DocSamples.sample;
import static dev.pacioli.payments.inbound.DocSamples.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.payments.inbound.InboundEvent.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What holds for every scheme's mapping: an instruction is never read as an event, nothing verified
 * throws, unreadable bodies still get a stable event id, and what is kept fits storage.
 */
class InboundMapperTest {
    private static final List<String> SAMPLES = List.of(
            "stripe/payout.paid",
            "stripe/payout.failed",
            "stripe/payment_intent.succeeded",
            "circle/transfers.complete",
            "circle/transfers.failed",
            "circle/transfers.incoming",
            "coinbase_commerce/charge:confirmed",
            "coinbase_commerce/charge:failed",
            "http/transfer.paid",
            "http/transfer.failed",
            "http/transfer.returned",
            "http/deposit.succeeded");

    @Test
    void anInstructionIsVerifiedButNeverMappedAsAnEvent() {
        byte[] instruction = sample("instruction");
        Verification.Verified verified = verified(InboundScheme.HMAC_SHA256_HEX, Map.of(), instruction);
        assertThatThrownBy(() -> InboundMapper.map(verified, InboundKind.INSTRUCTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payout request");
        assertThat(verified.body()).isEqualTo(instruction);
    }

    @Test
    void theDocumentedOpensslSignatureIsTheOneWeVerify() throws Exception {
        byte[] instruction = sample("instruction");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cr3t-shared-with-upstream".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(instruction));
        assertThat(DocSamples.page())
                .contains("# " + signature)
                .contains("BODY='" + new String(instruction, StandardCharsets.UTF_8) + "'");
        Verification verification = InboundVerifier.verify(
                InboundScheme.HMAC_SHA256_HEX,
                InboundSecrets.ofSecret("s3cr3t-shared-with-upstream"),
                InboundHeaders.of(Map.of("X-Signature", signature)),
                instruction,
                Instant.EPOCH);
        Verdicts.assertVerified(verification);
    }

    @Test
    void bodiesThatAreNotEventsAreUnknownWithTheirDigestAsId() {
        List<String> bodies = List.of(
                "",
                "null",
                "[]",
                "\"text\"",
                "{",
                "{\"id\": 1}",
                "{\"id\": \"a\", \"id\": \"b\"}",
                "[".repeat(5_000),
                "{\"amount\": " + "9".repeat(5_000) + "}",
                "not json at all");
        for (InboundScheme scheme : InboundScheme.values()) {
            for (String body : bodies) {
                InboundEvent event = map(scheme, body);
                assertThat(event.kind()).as(scheme + " " + body).isEqualTo(Kind.UNKNOWN);
                assertThat(event.providerEventId())
                        .as(scheme + " " + body)
                        .isEqualTo(EventFields.digestId(body.getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(EventFields.digestId(new byte[0]))
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void metadataKeepsOnlyWhatTheLedgerCanHold() {
        StringBuilder pairs = new StringBuilder("\"pacioli_account\": \"users:42:wallet\", \"count\": 3,"
                + " \"vip\": true, \"nested\": {\"a\": 1}, \"list\": [1], \"none\": null, \"nul\": \"a\\u0000b\","
                + " \"long\": \"" + "x".repeat(513) + "\"");
        for (int i = 0; i < 70; i++) {
            pairs.append(", \"k").append(i).append("\": \"v\"");
        }
        String body = "{\"type\": \"deposit.succeeded\", \"data\": {\"id\": \"d1\", \"amount\": 1, \"asset\": \"USD\","
                + " \"metadata\": {" + pairs + "}}}";
        InboundEvent event = map(InboundScheme.STANDARD_WEBHOOKS, body);
        assertThat(event.kind()).isEqualTo(Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.metadata())
                .hasSize(64)
                .containsEntry("pacioli_account", "users:42:wallet")
                .containsEntry("count", "3")
                .containsEntry("vip", "true")
                .doesNotContainKeys("nested", "list", "none", "nul", "long", "k62");
    }

    @Test
    void longReasonsAreCutAndOverlongIdsAreNotIds() {
        String body = "{\"type\": \"transfer.failed\", \"data\": {\"id\": \"main.po_1\", \"failure_reason\": \""
                + "r".repeat(5_000) + "\", \"provider_reference\": \"" + "p".repeat(256) + "\"}}";
        InboundEvent event = map(InboundScheme.STANDARD_WEBHOOKS, body);
        assertThat(event.kind()).isEqualTo(Kind.PAYOUT_FAILED);
        assertThat(event.failureReason()).hasSize(1_024);
        assertThat(event.providerReference()).isNull();
        String longId = body.replace("main.po_1", "m".repeat(256));
        assertThat(map(InboundScheme.STANDARD_WEBHOOKS, longId).kind()).isEqualTo(Kind.UNKNOWN);
    }

    /**
     * Seeded random damage to every sample (bytes flipped, cut, duplicated) never makes a mapper
     * throw; a failure names the seed to replay.
     */
    @Test
    void damagedSamplesNeverThrow() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (String name : SAMPLES) {
            byte[] original = sample(name);
            for (int round = 0; round < 300; round++) {
                byte[] damaged = damage(original, random);
                for (InboundScheme scheme : InboundScheme.values()) {
                    try {
                        InboundEvent event = map(scheme, damaged);
                        assertThat(event.providerEventId()).isNotEmpty();
                    } catch (RuntimeException | AssertionError e) {
                        throw new AssertionError("seed " + seed + ", sample " + name + ", round " + round, e);
                    }
                }
            }
        }
    }

    private static byte[] damage(byte[] original, Random random) {
        byte[] damaged = original.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            default -> {
                int from = random.nextInt(damaged.length);
                String text = new String(damaged, StandardCharsets.ISO_8859_1);
                damaged = (text.substring(0, from) + text.substring(from / 2)).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return damaged;
    }
}
