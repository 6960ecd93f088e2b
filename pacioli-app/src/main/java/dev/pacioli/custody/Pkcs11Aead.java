package dev.pacioli.custody;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * An {@link Aead} over an AES key that stays inside a PKCS#11 token (an HSM; SoftHSM2 in the tests),
 * through the JDK's SunPKCS11 provider: AES-256-GCM computed by the token, a random 96-bit nonce in
 * front of each ciphertext. Only custody's data keys pass through it, so it is called once per data
 * key when a service starts or rotates, not per signature.
 *
 * <p>When the token holds no key under the label, one is generated inside it (extractable false, a
 * token object) so a fresh HSM works out of the box; the log says so.
 */
final class Pkcs11Aead implements Aead {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Provider provider;
    private final Key key;

    private Pkcs11Aead(Provider provider, Key key) {
        this.provider = provider;
        this.key = key;
    }

    static Pkcs11Aead open(String config, String pin, String label) {
        if (pin == null || pin.isEmpty()) {
            throw new Kek.KekException("a PKCS#11 KEK needs its user PIN in PACIOLI_KEK_PIN", null);
        }
        try {
            Provider provider = Security.getProvider("SunPKCS11").configure(config);
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin.toCharArray());
            Key key = store.getKey(label, null);
            if (key == null) {
                KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
                generator.init(256);
                SecretKey generated = generator.generateKey();
                store.setKeyEntry(label, generated, null, null);
                key = store.getKey(label, null);
                org.slf4j.LoggerFactory.getLogger(Pkcs11Aead.class)
                        .warn("generated the key-encryption key '{}' inside the PKCS#11 token", label);
            }
            return new Pkcs11Aead(provider, key);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new Kek.KekException("could not open the PKCS#11 KEK '" + label + "' with " + config + ": " + e, e);
        }
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        byte[] sealed = cipher.doFinal(plaintext);
        byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        if (ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new GeneralSecurityException("ciphertext too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(ciphertext, NONCE_BYTES)));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
    }
}
