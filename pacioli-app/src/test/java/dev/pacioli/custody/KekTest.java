package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KEK's sources and guards: the development file, production's refusal of it, bad settings. */
class KekTest {
    @TempDir
    Path data;

    @Test
    void theDevelopmentFileIsMadeOnceOwnerOnlyAndOpensWhatItSealed() throws Exception {
        Kek first = Kek.open(CustodySettings.DEFAULTS, data);
        Path file = data.resolve(CustodySettings.KEK_FILE_DEFAULT);
        assertThat(first.development()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] sealed = first.aead().encrypt("data key".getBytes(StandardCharsets.UTF_8), new byte[] {7});
        Kek again = Kek.open(CustodySettings.of(Map.of("PACIOLI_KEK", "file:" + file)), data);
        assertThat(new String(again.aead().decrypt(sealed, new byte[] {7}), StandardCharsets.UTF_8))
                .isEqualTo("data key");
        assertThatThrownBy(() -> again.aead().decrypt(sealed, new byte[] {8}))
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void productionRefusesTheFileKekUnlessToldExplicitly() {
        CustodySettings production = CustodySettings.of(Map.of("PACIOLI_ENV", "production"));
        assertThatThrownBy(() -> Kek.open(production, data))
                .isInstanceOf(Kek.KekException.class)
                .hasMessageContaining("PACIOLI_KEK_ALLOW_FILE");
        assertThat(Files.exists(data.resolve(CustodySettings.KEK_FILE_DEFAULT))).isFalse();
        CustodySettings allowed =
                CustodySettings.of(Map.of("PACIOLI_ENV", "production", "PACIOLI_KEK_ALLOW_FILE", "true"));
        assertThat(Kek.open(allowed, data).development()).isTrue();
    }

    @Test
    void badSettingsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> CustodySettings.of(Map.of("PACIOLI_KEK", "aws-kms://arn:aws:kms:eu-west-1:1:key/x")))
                .hasMessageContaining("KMS extension");
        assertThatThrownBy(() -> CustodySettings.of(Map.of("PACIOLI_KEK", "vault:secret")))
                .hasMessageContaining("file:<path> or pkcs11:<config>");
        assertThatThrownBy(() -> CustodySettings.of(Map.of("PACIOLI_CUSTODY_ROTATION_BATCH", "0")))
                .hasMessageContaining("PACIOLI_CUSTODY_ROTATION_BATCH");
        assertThatThrownBy(() -> CustodySettings.of(Map.of("PACIOLI_CUSTODY_ROTATION_PAUSE", "soon")))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Kek.open(CustodySettings.DEFAULTS.withKek("pkcs11:/nonexistent.cfg", null), data))
                .hasMessageContaining("PACIOLI_KEK_PIN");
    }

    @Test
    void anotherKekDoesNotOpenWhatThisOneSealed() throws Exception {
        Path other = Files.createDirectories(data.resolve("other"));
        Kek kek = Kek.open(CustodySettings.DEFAULTS, data);
        Kek wrong = Kek.open(CustodySettings.DEFAULTS, other);
        byte[] sealed = kek.aead().encrypt(new byte[] {1, 2, 3}, new byte[0]);
        assertThatThrownBy(() -> wrong.aead().decrypt(sealed, new byte[0]))
                .isInstanceOf(java.security.GeneralSecurityException.class);
    }
}
