package dev.pacioli.payments.inbound;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.Signatures;
import java.util.Map;
import java.util.Objects;

/**
 * A connector's {@code inbound} object: {@code {"scheme", "secret" | "public_keys", "kind",
 * "default_ledger"}}. Made only valid, so a connector is refused when it is configured, with a message
 * naming the field, rather than failing at its first webhook: a scheme that cannot take instructions
 * is not given them, a Standard Webhooks secret decodes, each Circle key is a P-256 public key.
 *
 * <p>A missing secret (or no public key) is valid on purpose: such a connector exists and refuses
 * every request (fail closed) until one is set.
 *
 * @param defaultLedger the ledger an event or instruction applies to when it names none; may be null
 */
public record InboundConfig(InboundScheme scheme, InboundSecrets secrets, InboundKind kind, String defaultLedger) {
    /** An HMAC secret longer than this is a mistake (a pasted file), not a secret. */
    public static final int SECRET_LENGTH_MAX = 1_024;

    /** Circle rotates keys one at a time; a handful covers any rotation. */
    public static final int PUBLIC_KEYS_MAX = 16;

    /** @throws IllegalArgumentException naming the {@code inbound.…} field that is wrong */
    public InboundConfig {
        Objects.requireNonNull(scheme, "inbound.scheme");
        Objects.requireNonNull(kind, "inbound.kind");
        secrets = secrets == null ? InboundSecrets.none() : secrets;
        if (kind == InboundKind.INSTRUCTIONS && !scheme.acceptsInstructions()) {
            throw new IllegalArgumentException("inbound.kind instructions needs scheme hmac_sha256_hex or"
                    + " standard_webhooks; " + scheme.code() + " sends provider events");
        }
        if (defaultLedger != null && !Limits.isIdentifier(defaultLedger)) {
            throw new IllegalArgumentException("inbound.default_ledger is not a ledger id");
        }
        if (scheme.usesPublicKeys()) {
            checkPublicKeys(secrets);
        } else {
            checkSecret(scheme, secrets);
        }
    }

    private static void checkPublicKeys(InboundSecrets secrets) {
        if (secrets.secret() != null) {
            throw new IllegalArgumentException("inbound.secret is not used by scheme circle: give inbound.public_keys");
        }
        if (secrets.publicKeys().size() > PUBLIC_KEYS_MAX) {
            throw new IllegalArgumentException("inbound.public_keys holds at most " + PUBLIC_KEYS_MAX + " keys");
        }
        for (Map.Entry<String, String> key : secrets.publicKeys().entrySet()) {
            if (key.getKey().isBlank() || key.getKey().length() > Limits.IDENTIFIER_LENGTH_MAX) {
                throw new IllegalArgumentException("inbound.public_keys has an empty or overlong key id");
            }
            if (CircleSignature.publicKey(key.getValue()).isEmpty()) {
                throw new IllegalArgumentException("inbound.public_keys." + key.getKey()
                        + " is not a base64 DER (SubjectPublicKeyInfo) EC P-256 public key");
            }
        }
    }

    private static void checkSecret(InboundScheme scheme, InboundSecrets secrets) {
        if (!secrets.publicKeys().isEmpty()) {
            throw new IllegalArgumentException("inbound.public_keys is only for scheme circle");
        }
        String secret = secrets.secret();
        if (secret == null) {
            return;
        }
        if (secret.isBlank() || secret.length() > SECRET_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "inbound.secret is empty or longer than " + SECRET_LENGTH_MAX + " characters");
        }
        if (scheme == InboundScheme.STANDARD_WEBHOOKS) {
            try {
                Signatures.key(secret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "inbound.secret of scheme standard_webhooks is whsec_ followed by" + " base64");
            }
        }
    }
}
