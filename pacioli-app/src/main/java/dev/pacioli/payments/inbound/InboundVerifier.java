package dev.pacioli.payments.inbound;

import dev.pacioli.events.webhooks.WebhookVerifier;
import dev.pacioli.payments.inbound.Verification.Refused;
import dev.pacioli.payments.inbound.Verification.Verified;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Decides whether an inbound request was sent by the connector's provider: the one gate in front of
 * every provider webhook and every payout instruction, so it is a pure function of what it is given
 * (scheme, secrets, headers, raw body, the current time) and reads no clock, no storage and no
 * network.
 *
 * <p>Its rules, from the payments contract:
 *
 * <ul>
 *   <li><b>Fail closed.</b> A connector without a secret (or, for circle, without public keys) refuses
 *       every request; so does a secret that cannot be used. Nothing is ever accepted unsigned.
 *   <li><b>Constant time.</b> Signatures are compared as bytes with {@link
 *       java.security.MessageDigest#isEqual}, never as strings, so the time taken says nothing about
 *       how much of a forged signature was right.
 *   <li><b>Freshness where signed.</b> The timestamped schemes (standard_webhooks, stripe) refuse a
 *       timestamp more than {@link #AGE_MAX} old or {@link #AHEAD_MAX} ahead; the signature is checked
 *       first, so only a genuine request is ever called stale. The others have no signed time: a
 *       replay of them is stopped by deduplication on the provider's event id alone.
 *   <li><b>One reading of each header.</b> A signature header that is missing, empty, too long, sent
 *       twice or malformed is refused, never guessed at.
 * </ul>
 *
 * Pass the body exactly as received: every scheme signs its bytes, so parse it only after it verified.
 */
public final class InboundVerifier {
    /** A signed timestamp older than this is refused (Stripe's and Standard Webhooks' own default). */
    public static final Duration AGE_MAX = Duration.ofMinutes(5);

    /** A signed timestamp further ahead of our clock than this is refused: clocks drift, not by minutes. */
    public static final Duration AHEAD_MAX = Duration.ofMinutes(1);

    /** No signature header we read is longer: ten rotated signatures fit in a tenth of it. */
    static final int HEADER_LENGTH_MAX = 4_096;

    /** Signatures in one header beyond this are not a secret rotation; refused rather than all computed. */
    static final int SIGNATURES_MAX = 10;

    /** Seconds since the epoch as providers send them: digits only, up to the year 33658. */
    private static final int EPOCH_SECONDS_DIGITS_MAX = 12;

    private InboundVerifier() {}

    /**
     * Verifies one request.
     *
     * @param body the raw body bytes, exactly as received
     * @param now the current time, read once by the caller (never by this class)
     */
    public static Verification verify(
            InboundScheme scheme, InboundSecrets secrets, InboundHeaders headers, byte[] body, Instant now) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(now, "now");
        return switch (scheme) {
            case STANDARD_WEBHOOKS -> standardWebhooks(secrets, headers, body, now);
            case STRIPE -> StripeSignature.verify(secrets, headers, body, now);
            case CIRCLE -> CircleSignature.verify(secrets, headers, body);
            case COINBASE_COMMERCE ->
                HexBodySignature.verify(
                        InboundScheme.COINBASE_COMMERCE, HexBodySignature.COINBASE_HEADER, secrets, headers, body);
            case HMAC_SHA256_HEX ->
                HexBodySignature.verify(
                        InboundScheme.HMAC_SHA256_HEX, HexBodySignature.PLAIN_HEADER, secrets, headers, body);
        };
    }

    /**
     * Standard Webhooks, through the verifier our own webhook receivers use. That verifier's tolerance
     * is symmetric; ours is not (5 minutes old, 1 minute ahead) and is applied after the signature, so
     * it is given a clock set at the message's own timestamp, which passes its check, and the window
     * is ours.
     */
    private static Verification standardWebhooks(
            InboundSecrets secrets, InboundHeaders headers, byte[] body, Instant now) {
        if (!secrets.hasSecret()) {
            return noSecret();
        }
        String id = required(headers, WebhookVerifier.ID_HEADER);
        String timestamp = required(headers, WebhookVerifier.TIMESTAMP_HEADER);
        String signatures = required(headers, WebhookVerifier.SIGNATURE_HEADER);
        if (id == null || timestamp == null || signatures == null) {
            String name = id == null
                    ? WebhookVerifier.ID_HEADER
                    : timestamp == null ? WebhookVerifier.TIMESTAMP_HEADER : WebhookVerifier.SIGNATURE_HEADER;
            return missing(headers, name);
        }
        OptionalLong seconds = epochSeconds(timestamp);
        if (seconds.isEmpty()) {
            return invalid("webhook-timestamp is not whole seconds since the epoch");
        }
        Instant signedAt = Instant.ofEpochSecond(seconds.getAsLong());
        WebhookVerifier verifier;
        try {
            verifier = new WebhookVerifier(
                    List.of(secrets.secret()),
                    WebhookVerifier.TOLERANCE_DEFAULT,
                    Clock.fixed(signedAt, ZoneOffset.UTC));
        } catch (IllegalArgumentException e) {
            return invalid("the connector's secret is not whsec_ followed by base64, so nothing can verify");
        }
        try {
            verifier.verify(id, timestamp, signatures, body);
        } catch (WebhookVerifier.VerificationException e) {
            return invalid("webhook-signature: " + e.getMessage());
        }
        return fresh(InboundScheme.STANDARD_WEBHOOKS, headers, body, signedAt, now);
    }

    // ---- shared by the schemes

    /** A verified request when the signed time is within the window of now, else a stale refusal. */
    static Verification fresh(
            InboundScheme scheme, InboundHeaders headers, byte[] body, Instant signedAt, Instant now) {
        long ageSeconds = now.getEpochSecond() - signedAt.getEpochSecond();
        if (ageSeconds > AGE_MAX.toSeconds()) {
            return new Refused(
                    Refusal.STALE_TIMESTAMP,
                    "signed " + ageSeconds + " s ago; at most " + AGE_MAX.toSeconds() + " s is accepted");
        }
        if (-ageSeconds > AHEAD_MAX.toSeconds()) {
            return new Refused(
                    Refusal.STALE_TIMESTAMP,
                    "signed " + -ageSeconds + " s ahead of our clock; at most " + AHEAD_MAX.toSeconds()
                            + " s is accepted");
        }
        return new Verified(scheme, headers, body, signedAt);
    }

    /** The header's one value, trimmed; null when missing, empty, too long or sent twice. */
    static String required(InboundHeaders headers, String name) {
        return headers.single(name)
                .map(String::trim)
                .filter(value -> !value.isEmpty() && value.length() <= HEADER_LENGTH_MAX)
                .orElse(null);
    }

    static Refused missing(InboundHeaders headers, String name) {
        return invalid(
                name + (headers.isRepeated(name) ? " was sent more than once" : " is missing, empty or too long"));
    }

    static Refused invalid(String detail) {
        return new Refused(Refusal.INVALID_SIGNATURE, detail);
    }

    static Refused noSecret() {
        return invalid("the connector has no secret configured, so every request is refused");
    }

    /** Whole seconds since the epoch written as digits only; empty for anything else. */
    static OptionalLong epochSeconds(String text) {
        if (text.isEmpty() || text.length() > EPOCH_SECONDS_DIGITS_MAX) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(text));
    }
}
