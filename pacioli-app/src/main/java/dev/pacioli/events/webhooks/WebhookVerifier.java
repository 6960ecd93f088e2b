package dev.pacioli.events.webhooks;

import dev.pacioli.platform.Signatures;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Verifies a Standard Webhooks request: that one of the {@code webhook-signature} header's {@code v1}
 * signatures is the HMAC of {@code "{webhook-id}.{webhook-timestamp}.{body}"} under one of the
 * receiver's secrets, compared in constant time, and that the timestamp is within the tolerance of
 * now (5 minutes by default), so a captured request cannot be replayed later.
 *
 * <p>Several signatures in the header (the sender rotating its secret) and several secrets here (the
 * receiver rolling to a new one) are both fine: any pair that matches verifies. Pass the body exactly
 * as received: the signature covers its bytes, so parse it only after verifying.
 *
 * <pre>{@code
 * WebhookVerifier verifier = new WebhookVerifier(System.getenv("PACIOLI_WEBHOOK_SECRET"));
 * verifier.verify(name -> exchange.getRequestHeaders().getFirst(name), body); // throws if not ours
 * }</pre>
 *
 * Deduplicate by {@code webhook-id} (the event id): a delivery may arrive more than once.
 */
public final class WebhookVerifier {
    public static final Duration TOLERANCE_DEFAULT = Duration.ofMinutes(5);
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    /** More signatures than this in one header is not a rotation; refuse rather than compute them all. */
    private static final int SIGNATURES_MAX = 10;

    private final List<byte[]> keys;
    private final Duration tolerance;
    private final Clock clock;

    /** A verifier for one secret ({@code whsec_...}) with the default tolerance. */
    public WebhookVerifier(String secret) {
        this(List.of(secret), TOLERANCE_DEFAULT, Clock.systemUTC());
    }

    public WebhookVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("a verifier needs at least one secret");
        }
        List<byte[]> decoded = new ArrayList<>();
        secrets.forEach(secret -> decoded.add(Signatures.key(secret)));
        this.keys = List.copyOf(decoded);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** A request that is not provably from the sender; its message says why. */
    public static final class VerificationException extends Exception {
        private static final long serialVersionUID = 1L;

        public VerificationException(String message) {
            super(message);
        }
    }

    /** Verifies with the headers looked up by (lower-case) name. */
    public void verify(UnaryOperator<String> headers, byte[] body) throws VerificationException {
        verify(headers.apply(ID_HEADER), headers.apply(TIMESTAMP_HEADER), headers.apply(SIGNATURE_HEADER), body);
    }

    public void verify(String id, String timestamp, String signatures, byte[] body) throws VerificationException {
        if (id == null || id.isEmpty() || timestamp == null || signatures == null) {
            throw new VerificationException("missing webhook-id, webhook-timestamp or webhook-signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new VerificationException("webhook-timestamp is not whole seconds since the epoch");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new VerificationException("webhook-timestamp is more than " + tolerance.toSeconds()
                    + " s away from now: a replay, or a clock that is off");
        }
        String[] candidates = signatures.trim().split(" +");
        if (candidates.length > SIGNATURES_MAX) {
            throw new VerificationException("more than " + SIGNATURES_MAX + " signatures");
        }
        for (byte[] key : keys) {
            byte[] expected = Signatures.mac(key, id, seconds, body);
            for (String candidate : candidates) {
                if (matches(candidate, expected)) {
                    return;
                }
            }
        }
        throw new VerificationException("no signature matches");
    }

    private static boolean matches(String candidate, byte[] expected) {
        int comma = candidate.indexOf(',');
        if (comma < 0 || !candidate.substring(0, comma).equals(Signatures.VERSION)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(candidate.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }
}
