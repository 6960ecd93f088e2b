package dev.pacioli.operations;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Backups encrypted under the custody KEK, by envelope: each backup gets a data key of its own (a Tink
 * AES-256-GCM-HKDF streaming keyset, 1 MB segments, so a backup of any size streams through in constant
 * memory and each segment is authenticated), stored in the file's header encrypted by the KEK; the zip
 * follows, encrypted by the data key. The KEK (a file or a key inside an HSM) never sees the backup's
 * bytes, only 100-odd bytes of key; rotating the KEK does not re-encrypt old backups, so keep the old
 * KEK until they expire.
 *
 * <p>Layout: {@link #MAGIC}, a 32-bit length and the KEK-encrypted keyset, then Tink's streaming
 * ciphertext of the zip. The magic is the associated data of both encryptions, so the header cannot be
 * moved onto another format. A plain backup starts with a zip's {@code PK}, so the two never mix up.
 */
final class BackupEncryption {
    static final byte[] MAGIC = "PACIOLI-BACKUP-AEAD-1\n".getBytes(StandardCharsets.US_ASCII);
    /** An encrypted keyset is about 150 bytes; anything far larger is not one. */
    private static final int KEYSET_BYTES_MAX = 16 << 10;

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink's streaming AEAD could not be registered", e);
        }
    }

    private BackupEncryption() {}

    /** Writes the header to {@code out} and answers the stream that encrypts into it. */
    static OutputStream encrypting(OutputStream out, Aead kek) throws IOException {
        try {
            KeysetHandle dataKey = KeysetHandle.generateNew(
                    PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB, RegistryConfiguration.get());
            byte[] sealed =
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, kek, MAGIC, RegistryConfiguration.get());
            DataOutputStream header = new DataOutputStream(out);
            header.write(MAGIC);
            header.writeInt(sealed.length);
            header.write(sealed);
            header.flush();
            return dataKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class)
                    .newEncryptingStream(out, MAGIC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt the backup under the KEK: " + e.getMessage(), e);
        }
    }

    /** Whether {@code in} (which must support mark) starts as an encrypted backup; reads nothing. */
    static boolean isEncrypted(InputStream in) throws IOException {
        in.mark(MAGIC.length);
        byte[] start = in.readNBytes(MAGIC.length);
        in.reset();
        return Arrays.equals(start, MAGIC);
    }

    /** Reads the header from {@code in} and answers the stream that decrypts the rest. */
    static InputStream decrypting(InputStream in, Aead kek) throws IOException {
        DataInputStream header = new DataInputStream(in);
        byte[] magic = header.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not an encrypted Pacioli backup");
        }
        int length = header.readInt();
        if (length <= 0 || length > KEYSET_BYTES_MAX) {
            throw new IllegalArgumentException("the encrypted backup's header is damaged");
        }
        byte[] sealed = header.readNBytes(length);
        KeysetHandle dataKey;
        try {
            dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(sealed, kek, MAGIC, RegistryConfiguration.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the backup is encrypted under another KEK (or its header is"
                    + " damaged): restore with the KEK of the service that took it (PACIOLI_KEK, or its"
                    + " custody-kek.json)");
        }
        try {
            return dataKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class)
                    .newDecryptingStream(in, MAGIC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not decrypt the backup: " + e.getMessage(), e);
        }
    }
}
