package dev.pacioli.payments.inbound;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 and the constant-time comparison of a hex signature with it, for the schemes whose
 * signature is hex (stripe, coinbase_commerce, hmac_sha256_hex).
 */
final class Hmac {
    /** Hex characters of one SHA-256 HMAC. */
    static final int HEX_LENGTH = 64;

    private Hmac() {}

    /** HMAC-SHA256 under the key of the parts, in order, as one message. */
    static byte[] sha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Whether the hex text is the expected MAC. The text is decoded and compared as bytes with {@link
     * MessageDigest#isEqual}, in time that does not depend on where they differ; either case of hex is
     * read. Anything that is not 64 hex characters matches nothing.
     */
    static boolean matchesHex(String candidate, byte[] expected) {
        if (candidate.length() != HEX_LENGTH) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(candidate);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }
}
