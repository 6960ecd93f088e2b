package dev.pacioli.payments.inbound;

import java.nio.charset.StandardCharsets;

/**
 * The two schemes that sign the body alone, as a hex HMAC-SHA256 keyed by the UTF-8 bytes of the
 * shared secret: Coinbase Commerce ({@code X-CC-Webhook-Signature}) and the plain {@code X-Signature}
 * of hmac_sha256_hex. Neither signs a time, so a captured request verifies forever: deduplication by
 * event id (or, for instructions, by the instruction's id) is what stops a replay.
 */
final class HexBodySignature {
    static final String COINBASE_HEADER = "X-CC-Webhook-Signature";
    static final String PLAIN_HEADER = "X-Signature";

    private HexBodySignature() {}

    static Verification verify(
            InboundScheme scheme, String header, InboundSecrets secrets, InboundHeaders headers, byte[] body) {
        if (!secrets.hasSecret()) {
            return InboundVerifier.noSecret();
        }
        String signature = InboundVerifier.required(headers, header);
        if (signature == null) {
            return InboundVerifier.missing(headers, header);
        }
        if (signature.length() != Hmac.HEX_LENGTH) {
            return InboundVerifier.invalid(header + " is not " + Hmac.HEX_LENGTH + " hex characters");
        }
        byte[] expected = Hmac.sha256(secrets.secret().getBytes(StandardCharsets.UTF_8), body);
        if (!Hmac.matchesHex(signature, expected)) {
            return InboundVerifier.invalid(header + " does not match the body");
        }
        return new Verification.Verified(scheme, headers, body, null);
    }
}
