package dev.pacioli.payments.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.Signatures;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connector's inbound object is refused when it is configured wrong, naming the field. */
class InboundConfigTest {
    private static String ecKey(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return Base64.getEncoder()
                .encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    }

    @Test
    void schemesAndKindsHaveTheirApiCodes() {
        assertThat(Arrays.stream(InboundScheme.values()).map(InboundScheme::code))
                .containsExactly("standard_webhooks", "stripe", "circle", "coinbase_commerce", "hmac_sha256_hex");
        for (InboundScheme scheme : InboundScheme.values()) {
            assertThat(InboundScheme.fromCode(scheme.code())).contains(scheme);
        }
        assertThat(InboundScheme.fromCode("STRIPE")).isEmpty();
        assertThat(InboundKind.fromCode("events")).contains(InboundKind.EVENTS);
        assertThat(InboundKind.fromCode("instructions")).contains(InboundKind.INSTRUCTIONS);
        assertThat(InboundKind.fromCode("event")).isEmpty();
    }

    @Test
    void validConfigurationsAreMade() throws Exception {
        new InboundConfig(
                InboundScheme.STANDARD_WEBHOOKS,
                InboundSecrets.ofSecret(Signatures.newSecret()),
                InboundKind.INSTRUCTIONS,
                "main");
        new InboundConfig(InboundScheme.STRIPE, InboundSecrets.ofSecret("whsec_abc"), InboundKind.EVENTS, null);
        new InboundConfig(
                InboundScheme.CIRCLE,
                InboundSecrets.ofPublicKeys(Map.of("879dc113-5ca4-4ff7-a6b7-54652083fcf8", ecKey("secp256r1"))),
                InboundKind.EVENTS,
                "main");
        // No secret yet: valid, and refuses every request until one is set.
        InboundConfig closed = new InboundConfig(InboundScheme.HMAC_SHA256_HEX, null, InboundKind.INSTRUCTIONS, null);
        assertThat(closed.secrets().hasSecret()).isFalse();
    }

    @Test
    void onlyTheGenericSchemesTakeInstructions() {
        for (InboundScheme scheme : InboundScheme.values()) {
            InboundSecrets secrets = InboundSecrets.none();
            if (scheme.acceptsInstructions()) {
                new InboundConfig(scheme, secrets, InboundKind.INSTRUCTIONS, "main");
            } else {
                assertThatThrownBy(() -> new InboundConfig(scheme, secrets, InboundKind.INSTRUCTIONS, "main"))
                        .hasMessageContaining("inbound.kind");
            }
        }
    }

    @Test
    void wrongSecretsAndKeysAreRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> new InboundConfig(
                        InboundScheme.STANDARD_WEBHOOKS,
                        InboundSecrets.ofSecret("not-base64!"),
                        InboundKind.EVENTS,
                        null))
                .hasMessageContaining("inbound.secret");
        assertThatThrownBy(() ->
                        new InboundConfig(InboundScheme.STRIPE, InboundSecrets.ofSecret(" "), InboundKind.EVENTS, null))
                .hasMessageContaining("inbound.secret");
        assertThatThrownBy(() -> new InboundConfig(
                        InboundScheme.STRIPE,
                        InboundSecrets.ofPublicKeys(Map.of("k", ecKey("secp256r1"))),
                        InboundKind.EVENTS,
                        null))
                .hasMessageContaining("inbound.public_keys");
        assertThatThrownBy(() -> new InboundConfig(
                        InboundScheme.CIRCLE, InboundSecrets.ofSecret("whsec_abc"), InboundKind.EVENTS, null))
                .hasMessageContaining("inbound.secret");
        String p384 = ecKey("secp384r1");
        assertThatThrownBy(() -> new InboundConfig(
                        InboundScheme.CIRCLE,
                        InboundSecrets.ofPublicKeys(Map.of("k1", p384)),
                        InboundKind.EVENTS,
                        null))
                .hasMessageContaining("inbound.public_keys.k1");
        assertThatThrownBy(() -> new InboundConfig(
                        InboundScheme.STRIPE, InboundSecrets.ofSecret("whsec_abc"), InboundKind.EVENTS, "no spaces"))
                .hasMessageContaining("inbound.default_ledger");
    }

    @Test
    void aSecretIsNeverShownBySecretsToString() {
        String secret = "whsec_5Xq2yD9kPzT3mVb7LwN1cR8hJ4fG6sA0";
        InboundConfig config =
                new InboundConfig(InboundScheme.STRIPE, InboundSecrets.ofSecret(secret), InboundKind.EVENTS, null);
        assertThat(config.toString()).doesNotContain(secret).contains("(set)");
    }
}
