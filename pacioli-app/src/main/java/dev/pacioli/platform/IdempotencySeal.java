package dev.pacioli.platform;

import dev.pacioli.ledger.Assert;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stored answers are sealed (AES-256-GCM) under a key derived from the caller's API key secret, which
 * is never stored. An answer can carry a secret (creating an API key answers the new key's secret,
 * whose only stored form is otherwise its hash), and whoever reads the database must not learn it;
 * only a request bearing the same API key can open the answer again, and only that request may be
 * given its replay anyway. The associated data binds a sealed body to its (API key, idempotency key),
 * so a body moved to another row does not open.
 */
final class IdempotencySeal {
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] PURPOSE = "pacioli idempotency answer v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private IdempotencySeal() {}

    /** The sealing key of the API key whose bearer secret this is. */
    static byte[] key(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(PURPOSE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HMAC-SHA256", e);
        }
    }

    /** The nonce, then the ciphertext with its tag. */
    static byte[] seal(byte[] key, String apiKeyId, String idempotencyKey, byte[] body) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, nonce, apiKeyId, idempotencyKey, body);
        byte[] stored = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
        System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
        return stored;
    }

    static byte[] open(byte[] key, String apiKeyId, String idempotencyKey, byte[] stored) {
        Assert.that(stored.length >= NONCE_BYTES + TAG_BITS / 8, "a sealed answer holds a nonce and a tag");
        byte[] nonce = Arrays.copyOf(stored, NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(stored, NONCE_BYTES, stored.length);
        return cipher(Cipher.DECRYPT_MODE, key, nonce, apiKeyId, idempotencyKey, sealed);
    }

    private static byte[] cipher(
            int mode, byte[] key, byte[] nonce, String apiKeyId, String idempotencyKey, byte[] input) {
        Assert.that(key.length == KEY_BYTES, "a sealing key is 32 bytes");
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(apiKeyId, idempotencyKey));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("a stored answer does not open with its API key's secret", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    /** Both ids, each after its length, so that no two pairs give the same bytes. */
    private static byte[] associatedData(String apiKeyId, String idempotencyKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : new String[] {apiKeyId, idempotencyKey}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
