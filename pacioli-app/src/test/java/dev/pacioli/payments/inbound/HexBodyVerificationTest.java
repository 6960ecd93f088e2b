package dev.pacioli.payments.inbound;

import static dev.pacioli.payments.inbound.Verdicts.assertBadSignature;
import static dev.pacioli.payments.inbound.Verdicts.assertVerified;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two schemes that sign the body alone: coinbase_commerce ({@code X-CC-Webhook-Signature}) and
 * hmac_sha256_hex ({@code X-Signature}), each the hex HMAC-SHA256 of the raw body keyed by the shared
 * secret, as Coinbase Commerce documents it.
 */
class HexBodyVerificationTest {
    private static final String SECRET = "3f2c9e1a-7b4d-4c8e-9a61-2d5f0b8e7c34";
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final byte[] BODY =
            "{\"id\":\"6f1a0c8e\",\"event\":{\"id\":\"24934862\",\"type\":\"charge:confirmed\"}}"
                    .getBytes(StandardCharsets.UTF_8);

    private static String header(InboundScheme scheme) {
        return scheme == InboundScheme.COINBASE_COMMERCE ? "X-CC-Webhook-Signature" : "X-Signature";
    }

    private static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Verification verify(InboundScheme scheme, InboundSecrets secrets, String signature, byte[] body) {
        return InboundVerifier.verify(scheme, secrets, InboundHeaders.of(Map.of(header(scheme), signature)), body, NOW);
    }

    private static Verification verify(InboundScheme scheme, String signature, byte[] body) {
        return verify(scheme, InboundSecrets.ofSecret(SECRET), signature, body);
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aSignatureOfTheBodyVerifies(InboundScheme scheme) throws Exception {
        Verification.Verified verified = assertVerified(verify(scheme, sign(SECRET, BODY), BODY));
        assertThat(verified.scheme()).isEqualTo(scheme);
        assertThat(verified.signedAt()).isEmpty();
        // Upper-case hex is the same signature; a lower-case header name is the same header.
        assertVerified(verify(scheme, sign(SECRET, BODY).toUpperCase(Locale.ROOT), BODY));
        assertVerified(InboundVerifier.verify(
                scheme,
                InboundSecrets.ofSecret(SECRET),
                InboundHeaders.of(Map.of(header(scheme).toLowerCase(Locale.ROOT), sign(SECRET, BODY))),
                BODY,
                NOW));
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aTamperedBodyIsRefused(InboundScheme scheme) throws Exception {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8)
                .replace("confirmed", "failed")
                .getBytes(StandardCharsets.UTF_8);
        assertBadSignature(verify(scheme, sign(SECRET, BODY), tampered));
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aWrongSecretIsRefused(InboundScheme scheme) throws Exception {
        assertBadSignature(verify(scheme, sign("another secret", BODY), BODY));
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aMissingOrRepeatedHeaderIsRefused(InboundScheme scheme) throws Exception {
        String signature = sign(SECRET, BODY);
        InboundSecrets secrets = InboundSecrets.ofSecret(SECRET);
        String otherHeader = scheme == InboundScheme.COINBASE_COMMERCE ? "X-Signature" : "X-CC-Webhook-Signature";
        assertBadSignature(
                InboundVerifier.verify(scheme, secrets, InboundHeaders.of(Map.of(otherHeader, signature)), BODY, NOW));
        assertBadSignature(verify(scheme, "", BODY));
        InboundHeaders twice = InboundHeaders.of(
                Map.of(header(scheme), signature, header(scheme).toLowerCase(Locale.ROOT), signature));
        assertBadSignature(InboundVerifier.verify(scheme, secrets, twice, BODY, NOW));
        InboundHeaders listed = InboundHeaders.ofLists(Map.of(header(scheme), List.of(signature, signature)));
        assertBadSignature(InboundVerifier.verify(scheme, secrets, listed, BODY, NOW));
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aMalformedHeaderIsRefused(InboundScheme scheme) throws Exception {
        String signature = sign(SECRET, BODY);
        assertBadSignature(verify(scheme, "sha256=" + signature, BODY));
        assertBadSignature(verify(scheme, signature.substring(1), BODY));
        assertBadSignature(verify(scheme, "g" + signature.substring(1), BODY));
        assertBadSignature(verify(scheme, "not a signature", BODY));
    }

    @ParameterizedTest
    @EnumSource(names = {"COINBASE_COMMERCE", "HMAC_SHA256_HEX"})
    void aConnectorWithoutASecretRefusesEverything(InboundScheme scheme) throws Exception {
        assertBadSignature(verify(scheme, InboundSecrets.none(), sign(SECRET, BODY), BODY));
        assertBadSignature(verify(scheme, InboundSecrets.ofSecret(" "), sign(" ", BODY), BODY));
    }
}
