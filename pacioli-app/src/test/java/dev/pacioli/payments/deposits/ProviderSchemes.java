package dev.pacioli.payments.deposits;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The four providers whose deposits may be pending first, as their webhooks really arrive: each one's
 * connector, a signed body that says a deposit is pending, succeeded or failed, and its headers. One
 * deposit is one provider object (a charge, a transfer, a payment intent, the rail's deposit id), named
 * alike in each of its events.
 */
enum ProviderSchemes {
    COINBASE_COMMERCE("coinbase_commerce"),
    CIRCLE("circle"),
    STRIPE("stripe"),
    HTTP_RAIL("standard_webhooks");

    static final String SECRET = "a-shared-secret-of-the-provider";
    static final String STANDARD_SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
    static final String CIRCLE_KEY_ID = "5e1c0f6a-7a2b-4c3d-9e8f-0a1b2c3d4e5f";
    private static final KeyPair CIRCLE_KEYS = circleKeys();

    final String scheme;

    ProviderSchemes(String scheme) {
        this.scheme = scheme;
    }

    /** A signed delivery: the body and its headers. */
    record Delivery(String body, Map<String, String> headers) {}

    /** The connector's body: inbound events into {@code ledger} by default, USD at providers:{id}:USD. */
    String connector(String id, String ledger) {
        String secret = switch (this) {
            case CIRCLE ->
                "\"public_keys\": {\"" + CIRCLE_KEY_ID + "\": \""
                        + Base64.getEncoder()
                                .encodeToString(CIRCLE_KEYS.getPublic().getEncoded()) + "\"}";
            case HTTP_RAIL -> "\"secret\": \"" + STANDARD_SECRET + "\"";
            default -> "\"secret\": \"" + SECRET + "\"";
        };
        return "{\"id\": \"" + id + "\", \"kind\": \"inbound\", \"assets\": {\"USD\": \"providers:" + id + ":USD\"},"
                + " \"inbound\": {\"scheme\": \"" + scheme + "\", " + secret + ", \"kind\": \"events\","
                + " \"default_ledger\": \"" + ledger + "\"}}";
    }

    /**
     * The provider's event that deposit {@code reference} of 50.00 USD into {@code wallet} is {@code
     * status} ({@code pending}, {@code succeeded} or {@code failed}), signed.
     */
    Delivery delivery(String reference, String status, String ledger) {
        String metadata = "{\"pacioli_ledger\": \"" + ledger + "\", \"pacioli_account\": \"wallet\"}";
        String eventId = "evt-" + status + "-" + reference;
        String body = switch (this) {
            case COINBASE_COMMERCE ->
                "{\"id\": \"delivery-" + eventId + "\", \"scheduled_for\": \"2026-12-05T09:29:20Z\", \"event\":"
                        + " {\"id\": \"" + eventId + "\", \"type\": \"charge:"
                        + Map.of("pending", "pending", "succeeded", "confirmed", "failed", "failed")
                                .get(status)
                        + "\", \"data\": {\"id\": \"" + reference + "\", \"code\": \"C0DE\", \"pricing\":"
                        + " {\"local\": {\"amount\": \"50.00\", \"currency\": \"USD\"}}, \"metadata\": " + metadata
                        + ", \"timeline\": [{\"time\": \"2026-12-05T09:20:02Z\", \"status\": \"NEW\"}]}}}";
            case CIRCLE ->
                "{\"clientId\": \"c60d2d5b\", \"notificationType\": \"transfers\", \"version\": 1, \"transfer\":"
                        + " {\"id\": \"" + reference + "\", \"source\": {\"type\": \"blockchain\", \"chain\": \"ETH\"},"
                        + " \"destination\": {\"type\": \"wallet\", \"id\": \"1000216185\", \"address\": \"0xfeed\"},"
                        + " \"amount\": {\"amount\": \"50.00\", \"currency\": \"USD\"}, \"metadata\": " + metadata
                        + ", \"status\": \""
                        + Map.of("pending", "pending", "succeeded", "complete", "failed", "failed")
                                .get(status)
                        + "\"" + ("failed".equals(status) ? ", \"errorCode\": \"transfer_failed\"" : "") + "}}";
            case STRIPE ->
                "{\"id\": \"" + eventId + "\", \"object\": \"event\", \"type\": \"payment_intent."
                        + Map.of("pending", "processing", "succeeded", "succeeded", "failed", "payment_failed")
                                .get(status)
                        + "\", \"data\": {\"object\": {\"id\": \"" + reference + "\", \"object\": \"payment_intent\","
                        + " \"amount\": 5000, \"amount_received\": " + ("succeeded".equals(status) ? 5000 : 0)
                        + ", \"currency\": \"usd\", \"metadata\": " + metadata
                        + ("failed".equals(status)
                                ? ", \"last_payment_error\": {\"code\": \"payment_method_provider_decline\"}"
                                : "")
                        + "}}}";
            case HTTP_RAIL ->
                "{\"type\": \"deposit." + status + "\", \"timestamp\": \"2026-12-05T10:10:00Z\", \"data\": {\"id\": \""
                        + reference + "\", \"amount\": 5000, \"asset\": \"USD\", \"metadata\": " + metadata
                        + ("failed".equals(status) ? ", \"failure_reason\": \"returned by the bank\"" : "") + "}}";
        };
        return new Delivery(body, headers(eventId, body));
    }

    private Map<String, String> headers(String eventId, String body) {
        long now = System.currentTimeMillis() / 1000;
        return switch (this) {
            case COINBASE_COMMERCE -> Map.of("X-CC-Webhook-Signature", hex(hmac(utf8(SECRET), body)));
            case CIRCLE -> Map.of("X-Circle-Signature", circleSignature(body), "X-Circle-Key-Id", CIRCLE_KEY_ID);
            case STRIPE -> Map.of("Stripe-Signature", "t=" + now + ",v1=" + hex(hmac(utf8(SECRET), now + "." + body)));
            case HTTP_RAIL -> {
                byte[] key = Base64.getDecoder().decode(STANDARD_SECRET.substring("whsec_".length()));
                String signature = Base64.getEncoder().encodeToString(hmac(key, eventId + "." + now + "." + body));
                yield Map.of(
                        "webhook-id",
                        eventId,
                        "webhook-timestamp",
                        Long.toString(now),
                        "webhook-signature",
                        "v1," + signature);
            }
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(utf8(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String circleSignature(String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(CIRCLE_KEYS.getPrivate());
            signer.update(utf8(body));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair circleKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
