package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.Verdicts.assertBadSignature;
import static dev.pacioli.payments.inbound.Verdicts.assertStale;
import static dev.pacioli.payments.inbound.Verdicts.assertVerified;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The standard_webhooks scheme: the published Standard Webhooks test vector and signatures computed
 * here as the specification says, {@code v1,} + base64(HMAC-SHA256(base64-decoded secret,
 * "{id}.{timestamp}.{body}")).
 */
class StandardWebhooksVerificationTest {
    // The published test vector of the Standard Webhooks libraries.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final InboundSecrets SECRETS = InboundSecrets.ofSecret(SECRET);

    private static Map<String, String> headers(String id, String timestamp, String signature) {
        return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature);
    }

    private static Verification verify(InboundSecrets secrets, Map<String, String> headers, byte[] body, long now) {
        return InboundVerifier.verify(
                InboundScheme.STANDARD_WEBHOOKS, secrets, InboundHeaders.of(headers), body, Instant.ofEpochSecond(now));
    }

    private static Verification verify(Map<String, String> headers, byte[] body, long now) {
        return verify(SECRETS, headers, body, now);
    }

    /** The signature as the specification defines it, computed without our own signing code. */
    private static String sign(String secret, String id, long timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    @Test
    void thePublishedTestVectorVerifies() throws Exception {
        assertThat(sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
        Verification.Verified verified = assertVerified(verify(headers(ID, "1614265330", SIGNATURE), BODY, TIMESTAMP));
        assertThat(verified.scheme()).isEqualTo(InboundScheme.STANDARD_WEBHOOKS);
        assertThat(verified.signedAt()).contains(Instant.ofEpochSecond(TIMESTAMP));
        assertThat(verified.body()).isEqualTo(BODY);
    }

    @Test
    void headerNamesAreReadWithoutCase() {
        Map<String, String> shouted =
                Map.of("Webhook-Id", ID, "WEBHOOK-TIMESTAMP", Long.toString(TIMESTAMP), "Webhook-Signature", SIGNATURE);
        assertVerified(verify(shouted, BODY, TIMESTAMP));
    }

    @Test
    void aSignatureAmongSeveralVerifies() throws Exception {
        String previous = sign("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), ID, TIMESTAMP, BODY);
        String header = previous + " " + SIGNATURE;
        assertVerified(verify(headers(ID, Long.toString(TIMESTAMP), header), BODY, TIMESTAMP));
    }

    @Test
    void aTamperedBodyIdOrTimestampIsRefused() {
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertBadSignature(verify(headers(ID, Long.toString(TIMESTAMP), SIGNATURE), tampered, TIMESTAMP));
        assertBadSignature(verify(headers(ID + "x", Long.toString(TIMESTAMP), SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, Long.toString(TIMESTAMP + 1), SIGNATURE), BODY, TIMESTAMP));
    }

    @Test
    void aWrongSecretIsRefused() {
        InboundSecrets other =
                InboundSecrets.ofSecret("whsec_" + Base64.getEncoder().encodeToString(new byte[32]));
        var refused =
                assertBadSignature(verify(other, headers(ID, Long.toString(TIMESTAMP), SIGNATURE), BODY, TIMESTAMP));
        assertThat(refused.refusal().problemCode()).isEqualTo("invalid_signature");
        assertThat(refused.refusal().metricOutcome()).isEqualTo("bad_signature");
        assertThat(refused.refusal().status()).isEqualTo(401);
    }

    @Test
    void anOldTimestampIsStaleAfterFiveMinutes() {
        Map<String, String> headers = headers(ID, Long.toString(TIMESTAMP), SIGNATURE);
        assertVerified(verify(headers, BODY, TIMESTAMP + 300));
        var refused = assertStale(verify(headers, BODY, TIMESTAMP + 301));
        assertThat(refused.refusal().problemCode()).isEqualTo("stale_timestamp");
        assertThat(refused.refusal().metricOutcome()).isEqualTo("stale");
        assertThat(refused.refusal().status()).isEqualTo(401);
    }

    @Test
    void aFutureTimestampIsStaleBeyondOneMinute() {
        Map<String, String> headers = headers(ID, Long.toString(TIMESTAMP), SIGNATURE);
        assertVerified(verify(headers, BODY, TIMESTAMP - 60));
        assertStale(verify(headers, BODY, TIMESTAMP - 61));
    }

    @Test
    void anOldRequestWithABadSignatureIsAForgeryNotStale() {
        byte[] tampered = "{}".getBytes(StandardCharsets.UTF_8);
        assertBadSignature(verify(headers(ID, Long.toString(TIMESTAMP), SIGNATURE), tampered, TIMESTAMP + 3600));
    }

    @Test
    void eachMissingHeaderIsRefused() {
        String timestamp = Long.toString(TIMESTAMP);
        assertBadSignature(
                verify(Map.of("webhook-timestamp", timestamp, "webhook-signature", SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(Map.of("webhook-id", ID, "webhook-signature", SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(Map.of("webhook-id", ID, "webhook-timestamp", timestamp), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, timestamp, ""), BODY, TIMESTAMP));
    }

    @Test
    void malformedHeadersAreRefused() {
        String timestamp = Long.toString(TIMESTAMP);
        assertBadSignature(verify(headers(ID, "yesterday", SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, "-1614265330", SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, "1614265330.5", SIGNATURE), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, timestamp, "garbage"), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, timestamp, "v2," + SIGNATURE.substring(3)), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, timestamp, "v1,not base64!"), BODY, TIMESTAMP));
        assertBadSignature(verify(headers(ID, timestamp, (SIGNATURE + " ").repeat(11)), BODY, TIMESTAMP));
    }

    @Test
    void aRepeatedSignatureHeaderIsRefused() {
        InboundHeaders repeated = InboundHeaders.ofLists(Map.of(
                "webhook-id", List.of(ID),
                "webhook-timestamp", List.of(Long.toString(TIMESTAMP)),
                "webhook-signature", List.of(SIGNATURE, SIGNATURE)));
        var refused = assertBadSignature(InboundVerifier.verify(
                InboundScheme.STANDARD_WEBHOOKS, SECRETS, repeated, BODY, Instant.ofEpochSecond(TIMESTAMP)));
        assertThat(refused.detail()).contains("more than once");
    }

    @Test
    void aConnectorWithoutAUsableSecretRefusesEverything() {
        Map<String, String> headers = headers(ID, Long.toString(TIMESTAMP), SIGNATURE);
        assertBadSignature(verify(InboundSecrets.none(), headers, BODY, TIMESTAMP));
        assertBadSignature(verify(InboundSecrets.ofSecret(""), headers, BODY, TIMESTAMP));
        assertBadSignature(verify(InboundSecrets.ofSecret("   "), headers, BODY, TIMESTAMP));
        assertBadSignature(verify(InboundSecrets.ofSecret("whsec_!!not base64!!"), headers, BODY, TIMESTAMP));
    }
}
