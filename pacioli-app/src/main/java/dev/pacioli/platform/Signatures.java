package dev.pacioli.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signature of a message is
 * {@code v1,} + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), where the key is
 * the base64-decoded part of the secret after {@code whsec_}. Several signatures (during a secret
 * rotation) are sent space-separated in one {@code webhook-signature} header.
 *
 * <p>Shared by every signed message the platform sends: event webhooks and generic-format alert
 * channels, so a receiver verifies both with one library.
 */
public final class Signatures {
    public static final String SECRET_PREFIX = "whsec_";
    public static final String VERSION = "v1";

    /** 256 bits: the HMAC-SHA256 block of strength. */
    private static final int SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {}

    /** A new secret: {@code whsec_} + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** {@code v1,<base64 signature>} of one message under one secret. */
    public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        return VERSION + "," + Base64.getEncoder().encodeToString(mac(key(secret), messageId, timestampSeconds, body));
    }

    /** The {@code webhook-signature} header: the current secret's signature, then the previous one's if any. */
    public static String header(
            String secret, String previousSecret, String messageId, long timestampSeconds, byte[] body) {
        String current = sign(secret, messageId, timestampSeconds, body);
        return previousSecret == null
                ? current
                : current + " " + sign(previousSecret, messageId, timestampSeconds, body);
    }

    /** The HMAC key of a secret: the base64 after {@code whsec_} (the prefix is optional). */
    public static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length == 0) {
                throw new IllegalArgumentException("the webhook secret is empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is whsec_ followed by base64", e);
        }
    }

    public static byte[] mac(byte[] key, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
