package dev.pacioli.payments.inbound;

import java.util.Optional;

/**
 * How a connector's provider signs the webhooks it sends us: the connector's {@code inbound.scheme}.
 * Each scheme says which headers carry the signature, what is signed and with which kind of key; the
 * {@link #code()} is what the API and the stored configuration name it, never the enum's position.
 */
public enum InboundScheme {
    /** Standard Webhooks (our own http rail protocol): a {@code whsec_} secret, timestamped. */
    STANDARD_WEBHOOKS("standard_webhooks"),
    /** Stripe's {@code Stripe-Signature: t=…,v1=…}: an HMAC secret string, timestamped. */
    STRIPE("stripe"),
    /** Circle's ECDSA P-256 signature of the body; public keys by key id, no timestamp. */
    CIRCLE("circle"),
    /** Coinbase Commerce's {@code X-CC-Webhook-Signature}: hex HMAC of the body, no timestamp. */
    COINBASE_COMMERCE("coinbase_commerce"),
    /** A plain {@code X-Signature}: hex HMAC of the body, no timestamp; for upstream systems we trust. */
    HMAC_SHA256_HEX("hmac_sha256_hex");

    private final String code;

    InboundScheme(String code) {
        this.code = code;
    }

    /** The name in the API and in stored configuration. */
    public String code() {
        return code;
    }

    /** The scheme of an API code; empty for a code we do not know. */
    public static Optional<InboundScheme> fromCode(String code) {
        for (InboundScheme scheme : values()) {
            if (scheme.code.equals(code)) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    /** Whether the key is a set of public keys by key id ({@code inbound.public_keys}), not a shared secret. */
    public boolean usesPublicKeys() {
        return this == CIRCLE;
    }

    /**
     * Whether a connector of this scheme may receive payout instructions ({@code inbound.kind:
     * "instructions"}): only the two generic schemes, since a provider (Stripe, Circle, Coinbase)
     * reports what happened and never asks us to pay.
     */
    public boolean acceptsInstructions() {
        return this == STANDARD_WEBHOOKS || this == HMAC_SHA256_HEX;
    }
}
