package dev.pacioli.custody;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-encryption key: an {@link Aead} that encrypts custody's data keys, never wallet keys
 * directly. A file KEK is a Tink AES-256-GCM keyset in JSON, readable only by its owner, and is for
 * development; a PKCS#11 KEK is an AES key that never leaves the HSM ({@link Pkcs11Aead}).
 *
 * @param description what the KEK is, for the log and {@code GET /v1/custody/keys}: never a secret
 * @param development whether it is the file KEK a production service refuses
 */
public record Kek(Aead aead, String description, boolean development) {
    private static final Logger LOG = LoggerFactory.getLogger(Kek.class);

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink's AEAD could not be registered", e);
        }
    }

    /** Refused configuration: the service does not start. */
    public static final class KekException extends RuntimeException {
        public KekException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Opens the KEK the settings name, creating the development file when it is missing. */
    public static Kek open(CustodySettings settings, Path dataDirectory) {
        if (settings.kek() != null && settings.kek().startsWith("pkcs11:")) {
            String config = settings.kek().substring("pkcs11:".length());
            return new Kek(
                    Pkcs11Aead.open(config, settings.kekPin(), settings.kekLabel()),
                    "pkcs11:" + config + " (" + settings.kekLabel() + ")",
                    false);
        }
        Path file = settings.kekFile(dataDirectory).toAbsolutePath();
        if (settings.production() && !settings.allowFileKek()) {
            throw new KekException(
                    "a production service (PACIOLI_ENV=production) refuses the file KEK " + file
                            + "; set PACIOLI_KEK=pkcs11:<config>, or PACIOLI_KEK_ALLOW_FILE=true to accept it",
                    null);
        }
        Kek kek = new Kek(fileAead(file), "file:" + file, true);
        LOG.warn(
                "custody's key-encryption key is the file {}: for development only; use PACIOLI_KEK=pkcs11:<config>"
                        + " in production (docs/custody.md)",
                file);
        return kek;
    }

    /** Reads the keyset file, or writes a new one (mode 600, moved into place whole) when there is none. */
    static Aead fileAead(Path file) {
        try {
            if (!Files.exists(file)) {
                KeysetHandle handle =
                        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get());
                String json = TinkJsonProtoKeysetFormat.serializeKeyset(
                        handle, RegistryConfiguration.get(), InsecureSecretKeyAccess.get());
                Files.createDirectories(file.getParent());
                Path temporary = Files.createTempFile(
                        file.getParent(),
                        ".custody-kek",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temporary, json);
                try {
                    // A link, not a rename: it fails when another instance made the file first (use theirs).
                    Files.createLink(file, temporary);
                } catch (FileAlreadyExistsException raced) {
                    // theirs stays
                } finally {
                    Files.deleteIfExists(temporary);
                }
                LOG.warn("created the development key-encryption key {} (mode 600)", file);
            }
            String json = Files.readString(file, StandardCharsets.UTF_8);
            return TinkJsonProtoKeysetFormat.parseKeyset(
                            json, RegistryConfiguration.get(), InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the KEK file " + file, e);
        } catch (GeneralSecurityException e) {
            // The message names the file and the failure, never the file's content.
            throw new KekException("the KEK file " + file + " is not a Tink AEAD keyset", e);
        }
    }
}
