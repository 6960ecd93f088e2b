package dev.pacioli.payments.inbound;

import java.util.Map;

/**
 * What a connector verifies its inbound requests with: a shared secret for the HMAC schemes, or
 * Circle's public keys by key id. Either may be absent: a connector without one refuses every request
 * (fail closed), it never accepts unsigned ones.
 *
 * <p>{@link #toString()} never shows the secret, so a record logged by mistake leaks nothing.
 *
 * @param secret the HMAC secret as configured ({@code whsec_…} for standard_webhooks, the provider's
 *     signing secret string for the others), or null
 * @param publicKeys key id → base64 DER SubjectPublicKeyInfo of an EC P-256 key (circle); empty otherwise
 */
public record InboundSecrets(String secret, Map<String, String> publicKeys) {
    public InboundSecrets {
        publicKeys = publicKeys == null ? Map.of() : Map.copyOf(publicKeys);
    }

    /** No secret and no key: every request is refused. */
    public static InboundSecrets none() {
        return new InboundSecrets(null, Map.of());
    }

    public static InboundSecrets ofSecret(String secret) {
        return new InboundSecrets(secret, Map.of());
    }

    public static InboundSecrets ofPublicKeys(Map<String, String> publicKeys) {
        return new InboundSecrets(null, publicKeys);
    }

    /** Whether there is a secret to verify an HMAC with: an empty or blank one is none. */
    public boolean hasSecret() {
        return secret != null && !secret.isBlank();
    }

    @Override
    public String toString() {
        return "InboundSecrets[secret=" + (hasSecret() ? "(set)" : "(none)") + ", public_keys=" + publicKeys.keySet()
                + "]";
    }
}
