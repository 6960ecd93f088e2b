package dev.pacioli.payments.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]}, where each
 * {@code v1} is the hex HMAC-SHA256 of {@code "{t}.{body}"} keyed by the whole signing secret string
 * ({@code whsec_…} included, as UTF-8 bytes: Stripe does not decode it). Several {@code v1} appear
 * while a secret is being rolled; any one matching is enough. Other schemes ({@code v0}, Stripe's
 * test-mode scheme) are ignored, as Stripe's own libraries do.
 */
final class StripeSignature {
    static final String HEADER = "Stripe-Signature";

    /** Elements of one header beyond this are not Stripe's: {@code t}, a few v1, a v0. */
    private static final int ELEMENTS_MAX = 2 * InboundVerifier.SIGNATURES_MAX + 2;

    private StripeSignature() {}

    /** The header's timestamp and its v1 signatures. */
    private record Header(long timestampSeconds, List<String> signatures) {}

    static Verification verify(InboundSecrets secrets, InboundHeaders headers, byte[] body, Instant now) {
        if (!secrets.hasSecret()) {
            return InboundVerifier.noSecret();
        }
        String text = InboundVerifier.required(headers, HEADER);
        if (text == null) {
            return InboundVerifier.missing(headers, HEADER);
        }
        Header header = parse(text);
        if (header == null) {
            return InboundVerifier.invalid(
                    HEADER + " is not t=<seconds>,v1=<hex>: one t, one to " + InboundVerifier.SIGNATURES_MAX + " v1");
        }
        byte[] signedPrefix = (header.timestampSeconds() + ".").getBytes(StandardCharsets.UTF_8);
        byte[] expected = Hmac.sha256(secrets.secret().getBytes(StandardCharsets.UTF_8), signedPrefix, body);
        boolean matched = false;
        for (String signature : header.signatures()) {
            matched |= Hmac.matchesHex(signature, expected);
        }
        if (!matched) {
            return InboundVerifier.invalid("no v1 signature of " + HEADER + " matches the body");
        }
        Instant signedAt = Instant.ofEpochSecond(header.timestampSeconds());
        return InboundVerifier.fresh(InboundScheme.STRIPE, headers, body, signedAt, now);
    }

    /** The parsed header, or null when it is malformed: no or two {@code t}, no v1, too many elements. */
    private static Header parse(String text) {
        String[] elements = text.split(",", -1);
        if (elements.length > ELEMENTS_MAX) {
            return null;
        }
        OptionalLong timestamp = OptionalLong.empty();
        List<String> signatures = new ArrayList<>();
        for (String element : elements) {
            int equals = element.indexOf('=');
            if (equals <= 0) {
                return null;
            }
            String name = element.substring(0, equals).trim();
            String value = element.substring(equals + 1).trim();
            if (name.equals("t")) {
                if (timestamp.isPresent()) {
                    return null;
                }
                timestamp = InboundVerifier.epochSeconds(value);
                if (timestamp.isEmpty()) {
                    return null;
                }
            } else if (name.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp.isEmpty() || signatures.isEmpty() || signatures.size() > InboundVerifier.SIGNATURES_MAX) {
            return null;
        }
        return new Header(timestamp.getAsLong(), signatures);
    }
}
