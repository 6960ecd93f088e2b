package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.Verdicts.assertBadSignature;
import static dev.pacioli.payments.inbound.Verdicts.assertStale;
import static dev.pacioli.payments.inbound.Verdicts.assertVerified;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The stripe scheme, with the header built exactly as Stripe's "verify manually" steps describe:
 * {@code signed_payload = t + "." + body}, the expected signature is the hex HMAC-SHA256 of it keyed
 * by the endpoint's whole signing secret, and the header is {@code t=…,v1=…}.
 */
class StripeVerificationTest {
    private static final String SECRET = "whsec_5Xq2yD9kPzT3mVb7LwN1cR8hJ4fG6sA0";
    private static final long T = 1_764_000_000L;
    private static final byte[] BODY =
            "{\"id\":\"evt_1QfZ3rLkdIwHu7ixJmFx2c9b\",\"object\":\"event\",\"type\":\"payout.paid\"}"
                    .getBytes(StandardCharsets.UTF_8);

    private static String v1(String secret, long t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static String header(String secret, long t, byte[] body) throws Exception {
        return "t=" + t + ",v1=" + v1(secret, t, body);
    }

    private static Verification verify(InboundSecrets secrets, String header, byte[] body, long now) {
        return InboundVerifier.verify(
                InboundScheme.STRIPE,
                secrets,
                InboundHeaders.of(Map.of("Stripe-Signature", header)),
                body,
                Instant.ofEpochSecond(now));
    }

    private static Verification verify(String header, byte[] body, long now) {
        return verify(InboundSecrets.ofSecret(SECRET), header, body, now);
    }

    @Test
    void aHeaderBuiltAsStripeDocumentsVerifies() throws Exception {
        Verification.Verified verified = assertVerified(verify(header(SECRET, T, BODY), BODY, T));
        assertThat(verified.scheme()).isEqualTo(InboundScheme.STRIPE);
        assertThat(verified.signedAt()).contains(Instant.ofEpochSecond(T));
    }

    @Test
    void theHeaderNameIsReadWithoutCase() throws Exception {
        Verification verification = InboundVerifier.verify(
                InboundScheme.STRIPE,
                InboundSecrets.ofSecret(SECRET),
                InboundHeaders.of(Map.of("stripe-signature", header(SECRET, T, BODY))),
                BODY,
                Instant.ofEpochSecond(T));
        assertVerified(verification);
    }

    @Test
    void oneMatchingV1AmongSeveralVerifiesAndV0IsIgnored() throws Exception {
        String rolled = "t=" + T + ",v1=" + v1("whsec_old", T, BODY) + ",v1=" + v1(SECRET, T, BODY) + ",v0="
                + v1("whsec_test", T, BODY);
        assertVerified(verify(rolled, BODY, T));
        String onlyV0 = "t=" + T + ",v0=" + v1(SECRET, T, BODY);
        assertBadSignature(verify(onlyV0, BODY, T));
    }

    @Test
    void aTamperedBodyOrTimestampIsRefused() throws Exception {
        String header = header(SECRET, T, BODY);
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8)
                .replace("payout.paid", "payout.failed")
                .getBytes(StandardCharsets.UTF_8);
        assertBadSignature(verify(header, tampered, T));
        assertBadSignature(verify(header.replace("t=" + T, "t=" + (T + 1)), BODY, T));
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        assertBadSignature(verify(header("whsec_someone_else", T, BODY), BODY, T));
        // The secret is the whole string: keying by the part after whsec_ is another secret.
        assertBadSignature(verify(header(SECRET.substring("whsec_".length()), T, BODY), BODY, T));
    }

    @Test
    void anOldTimestampIsStaleAfterFiveMinutes() throws Exception {
        String header = header(SECRET, T, BODY);
        assertVerified(verify(header, BODY, T + 300));
        assertStale(verify(header, BODY, T + 301));
    }

    @Test
    void aFutureTimestampIsStaleBeyondOneMinute() throws Exception {
        String header = header(SECRET, T, BODY);
        assertVerified(verify(header, BODY, T - 60));
        assertStale(verify(header, BODY, T - 61));
    }

    @Test
    void anOldForgedHeaderIsABadSignature() throws Exception {
        assertBadSignature(verify(header("whsec_forger", T, BODY), BODY, T + 3600));
    }

    @Test
    void aMissingHeaderIsRefused() {
        Verification verification = InboundVerifier.verify(
                InboundScheme.STRIPE,
                InboundSecrets.ofSecret(SECRET),
                InboundHeaders.of(Map.of("X-Signature", "t=1")),
                BODY,
                Instant.ofEpochSecond(T));
        assertBadSignature(verification);
        assertBadSignature(verify("", BODY, T));
    }

    @Test
    void malformedHeadersAreRefused() throws Exception {
        String v1 = v1(SECRET, T, BODY);
        assertBadSignature(verify("garbage", BODY, T));
        assertBadSignature(verify("v1=" + v1, BODY, T));
        assertBadSignature(verify("t=" + T, BODY, T));
        assertBadSignature(verify("t=yesterday,v1=" + v1, BODY, T));
        assertBadSignature(verify("t=" + T + ",t=" + T + ",v1=" + v1, BODY, T));
        assertBadSignature(verify("t=" + T + ",v1=" + v1 + ",junk", BODY, T));
        assertBadSignature(verify("t=" + T + ",v1=" + v1.substring(2), BODY, T));
        assertBadSignature(verify("t=" + T + ",v1=" + "zz" + v1.substring(2), BODY, T));
        assertBadSignature(verify("t=" + T + (",v1=" + v1).repeat(11), BODY, T));
    }

    @Test
    void aConnectorWithoutASecretRefusesEverything() throws Exception {
        String header = header(SECRET, T, BODY);
        assertBadSignature(verify(InboundSecrets.none(), header, BODY, T));
        assertBadSignature(verify(InboundSecrets.ofSecret(""), header, BODY, T));
    }
}
