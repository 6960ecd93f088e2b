package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.Verdicts.assertBadSignature;
import static dev.pacioli.payments.inbound.Verdicts.assertVerified;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The circle scheme with a P-256 key pair made here: Circle signs the raw body with ECDSA
 * (SHA256withECDSA, DER), sends it base64 in {@code X-Circle-Signature} and names the public key in
 * {@code X-Circle-Key-Id}; the connector holds that key as base64 DER SubjectPublicKeyInfo, as Circle's
 * public key endpoint returns it.
 */
class CircleVerificationTest {
    private static final String KEY_ID = "879dc113-5ca4-4ff7-a6b7-54652083fcf8";
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final byte[] BODY = ("{\"clientId\":\"c60d2d5b-203c-45bb-9f6e-93641d40a599\","
                    + "\"notificationType\":\"transfers\",\"version\":1,\"transfer\":{\"id\":\"t1\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private static KeyPair circle;
    private static KeyPair other;

    @BeforeAll
    static void keys() throws Exception {
        circle = pair("secp256r1");
        other = pair("secp256r1");
    }

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static String sign(PrivateKey key, byte[] body) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private static String published(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    private static InboundSecrets keysOf(KeyPair pair) {
        return InboundSecrets.ofPublicKeys(Map.of(KEY_ID, published(pair)));
    }

    private static Verification verify(InboundSecrets secrets, Map<String, String> headers, byte[] body) {
        return InboundVerifier.verify(InboundScheme.CIRCLE, secrets, InboundHeaders.of(headers), body, NOW);
    }

    private static Map<String, String> headers(String keyId, String signature) {
        return Map.of("X-Circle-Key-Id", keyId, "X-Circle-Signature", signature);
    }

    @Test
    void aSignatureByTheNamedKeyVerifies() throws Exception {
        Verification.Verified verified =
                assertVerified(verify(keysOf(circle), headers(KEY_ID, sign(circle.getPrivate(), BODY)), BODY));
        assertThat(verified.scheme()).isEqualTo(InboundScheme.CIRCLE);
        assertThat(verified.signedAt()).as("Circle signs no time").isEmpty();
    }

    @Test
    void theKeyIsChosenByKeyIdAmongSeveral() throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("old-key", published(other));
        keys.put(KEY_ID, published(circle));
        InboundSecrets secrets = InboundSecrets.ofPublicKeys(keys);
        assertVerified(verify(secrets, headers(KEY_ID, sign(circle.getPrivate(), BODY)), BODY));
        assertVerified(verify(secrets, headers("old-key", sign(other.getPrivate(), BODY)), BODY));
        assertBadSignature(verify(secrets, headers("old-key", sign(circle.getPrivate(), BODY)), BODY));
    }

    @Test
    void headerNamesAreReadWithoutCase() throws Exception {
        Map<String, String> lower =
                Map.of("x-circle-key-id", KEY_ID, "x-circle-signature", sign(circle.getPrivate(), BODY));
        assertVerified(verify(keysOf(circle), lower, BODY));
    }

    @Test
    void aTamperedBodyIsRefused() throws Exception {
        String signature = sign(circle.getPrivate(), BODY);
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8)
                .replace("\"t1\"", "\"t2\"")
                .getBytes(StandardCharsets.UTF_8);
        assertBadSignature(verify(keysOf(circle), headers(KEY_ID, signature), tampered));
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        assertBadSignature(verify(keysOf(circle), headers(KEY_ID, sign(other.getPrivate(), BODY)), BODY));
    }

    @Test
    void aKeyIdTheConnectorDoesNotHoldIsRefused() throws Exception {
        var refused = assertBadSignature(verify(
                keysOf(circle),
                headers("c0ffee00-0000-4000-8000-000000000000", sign(circle.getPrivate(), BODY)),
                BODY));
        assertThat(refused.detail()).contains("X-Circle-Key-Id");
    }

    @Test
    void missingHeadersAreRefused() throws Exception {
        String signature = sign(circle.getPrivate(), BODY);
        assertBadSignature(verify(keysOf(circle), Map.of("X-Circle-Signature", signature), BODY));
        assertBadSignature(verify(keysOf(circle), Map.of("X-Circle-Key-Id", KEY_ID), BODY));
        assertBadSignature(verify(keysOf(circle), headers(KEY_ID, " "), BODY));
    }

    @Test
    void malformedSignaturesAreRefused() {
        assertBadSignature(verify(keysOf(circle), headers(KEY_ID, "not base64!"), BODY));
        assertBadSignature(
                verify(keysOf(circle), headers(KEY_ID, Base64.getEncoder().encodeToString(new byte[64])), BODY));
        assertBadSignature(verify(keysOf(circle), headers(KEY_ID, "A".repeat(200)), BODY));
    }

    @Test
    void aConnectorWithoutKeysRefusesEverything() throws Exception {
        Map<String, String> headers = headers(KEY_ID, sign(circle.getPrivate(), BODY));
        assertBadSignature(verify(InboundSecrets.none(), headers, BODY));
        // A shared secret is not a Circle key.
        assertBadSignature(verify(InboundSecrets.ofSecret("whsec_abc"), headers, BODY));
    }

    @Test
    void aKeyThatIsNotP256VerifiesNothing() throws Exception {
        KeyPair p384 = pair("secp384r1");
        Map<String, String> headers = headers(KEY_ID, sign(p384.getPrivate(), BODY));
        // Refused for its key, not for the (longer) signature: the detail says which.
        assertThat(assertBadSignature(verify(keysOf(p384), headers, BODY)).detail())
                .contains("P-256");
        assertBadSignature(verify(InboundSecrets.ofPublicKeys(Map.of(KEY_ID, "not a key")), headers, BODY));
    }

    @Test
    void thereIsNoTimestampSoNoStaleness() throws Exception {
        Map<String, String> headers = headers(KEY_ID, sign(circle.getPrivate(), BODY));
        Verification later = InboundVerifier.verify(
                InboundScheme.CIRCLE, keysOf(circle), InboundHeaders.of(headers), BODY, NOW.plusSeconds(86_400));
        assertVerified(later);
    }
}
