package dev.pacioli.payments.inbound;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * Circle's scheme: {@code X-Circle-Signature} is the base64 DER ECDSA signature (P-256, SHA-256) of
 * the raw body, made with the private key whose public half {@code X-Circle-Key-Id} names. Circle
 * publishes each public key (base64 DER SubjectPublicKeyInfo) at its notifications' public key
 * endpoint; the connector holds the ones it trusts in {@code inbound.public_keys}, so verifying needs
 * no call to Circle and a key id we were not given verifies nothing.
 *
 * <p>Circle signs no timestamp: deduplication by notification id is what stops a replay.
 */
final class CircleSignature {
    static final String SIGNATURE_HEADER = "X-Circle-Signature";
    static final String KEY_ID_HEADER = "X-Circle-Key-Id";

    /** A DER ECDSA P-256 signature is at most 72 bytes; its base64, 96 characters. */
    private static final int SIGNATURE_BASE64_LENGTH_MAX = 128;

    private static final ECParameterSpec P256 = p256();

    private CircleSignature() {}

    static Verification verify(InboundSecrets secrets, InboundHeaders headers, byte[] body) {
        if (secrets.publicKeys().isEmpty()) {
            return InboundVerifier.invalid("the connector has no public key configured, so every request is refused");
        }
        String keyId = InboundVerifier.required(headers, KEY_ID_HEADER);
        if (keyId == null) {
            return InboundVerifier.missing(headers, KEY_ID_HEADER);
        }
        String signature = InboundVerifier.required(headers, SIGNATURE_HEADER);
        if (signature == null) {
            return InboundVerifier.missing(headers, SIGNATURE_HEADER);
        }
        String encodedKey = secrets.publicKeys().get(keyId);
        if (encodedKey == null) {
            return InboundVerifier.invalid(KEY_ID_HEADER + " names no key in the connector's inbound.public_keys");
        }
        Optional<PublicKey> key = publicKey(encodedKey);
        if (key.isEmpty()) {
            return InboundVerifier.invalid("the connector's key for this key id is not an EC P-256 public key");
        }
        Optional<byte[]> der = decodeSignature(signature);
        if (der.isEmpty()) {
            return InboundVerifier.invalid(SIGNATURE_HEADER + " is not a base64 signature");
        }
        if (!verifies(key.get(), der.get(), body)) {
            return InboundVerifier.invalid(SIGNATURE_HEADER + " does not match the body");
        }
        return new Verification.Verified(InboundScheme.CIRCLE, headers, body, null);
    }

    /**
     * The public key of a base64 DER SubjectPublicKeyInfo, when it is an EC key on P-256; empty for
     * anything else (another curve, RSA, bad base64, bad DER). Whitespace is ignored, so a key pasted
     * across lines reads the same.
     */
    static Optional<PublicKey> publicKey(String base64Der) {
        try {
            byte[] der = Base64.getDecoder().decode(base64Der.replaceAll("\\s", ""));
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            return key instanceof ECPublicKey ec && isP256(ec.getParams()) ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> decodeSignature(String base64) {
        if (base64.length() > SIGNATURE_BASE64_LENGTH_MAX) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean verifies(PublicKey key, byte[] der, byte[] body) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(body);
            return verifier.verify(der);
        } catch (SignatureException e) {
            return false; // not a DER ECDSA signature at all
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA is part of every JDK", e);
        }
    }

    private static boolean isP256(ECParameterSpec spec) {
        return spec.getCurve().equals(P256.getCurve())
                && spec.getGenerator().equals(P256.getGenerator())
                && spec.getOrder().equals(P256.getOrder())
                && spec.getCofactor() == P256.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secp256r1 is part of every JDK", e);
        }
    }
}
