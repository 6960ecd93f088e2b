package dev.pacioli.custody;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How custody finds its key-encryption key (KEK) and how its background work runs.
 *
 * @param kek {@code file:<path>}, {@code pkcs11:<SunPKCS11 config>}, or null for the development file
 *     {@code custody-kek.json} under the data directory (created on first start, mode 600)
 * @param kekPin the PKCS#11 user PIN ({@code PACIOLI_KEK_PIN}); never logged
 * @param kekLabel the alias of the AES key inside the token ({@code PACIOLI_KEK_LABEL})
 * @param production {@code PACIOLI_ENV=production}: the development file KEK is refused
 * @param allowFileKek {@code PACIOLI_KEK_ALLOW_FILE=true}: a production service takes a file KEK anyway
 * @param rotationBatch wallets re-encrypted per database transaction by a rotation
 *     ({@code PACIOLI_CUSTODY_ROTATION_BATCH})
 * @param rotationPause the wait between two batches, so a rotation of many wallets leaves the database
 *     to the service's other work ({@code PACIOLI_CUSTODY_ROTATION_PAUSE}, milliseconds)
 * @param balanceCache how long a chain balance is served from memory
 * @param chain how chain transactions are watched
 */
public record CustodySettings(
        String kek,
        String kekPin,
        String kekLabel,
        boolean production,
        boolean allowFileKek,
        int rotationBatch,
        Duration rotationPause,
        Duration balanceCache,
        ChainSettings chain) {
    public static final String KEK_VARIABLE = "PACIOLI_KEK";
    public static final String KEK_FILE_DEFAULT = "custody-kek.json";
    public static final int ROTATION_BATCH_MAX = 10_000;
    public static final Duration ROTATION_PAUSE_MAX = Duration.ofMinutes(1);
    public static final CustodySettings DEFAULTS = new CustodySettings(
            null, null, "pacioli-kek", false, false, 100, Duration.ZERO, Duration.ofSeconds(5), ChainSettings.DEFAULTS);

    public CustodySettings {
        if (kek != null && !kek.startsWith("file:") && !kek.startsWith("pkcs11:")) {
            throw new IllegalArgumentException(KEK_VARIABLE + " must be file:<path> or pkcs11:<config>"
                    + (kek.contains("-kms://")
                            ? "; cloud KMS URIs need Tink's KMS extension on the classpath (docs/custody.md)"
                            : ""));
        }
        if (rotationBatch < 1 || rotationBatch > ROTATION_BATCH_MAX) {
            throw new IllegalArgumentException(
                    "PACIOLI_CUSTODY_ROTATION_BATCH is 1 to " + ROTATION_BATCH_MAX + " wallets");
        }
        if (rotationPause.isNegative() || rotationPause.compareTo(ROTATION_PAUSE_MAX) > 0) {
            throw new IllegalArgumentException(
                    "PACIOLI_CUSTODY_ROTATION_PAUSE is 0 to " + ROTATION_PAUSE_MAX.toMillis() + " milliseconds");
        }
        if (chain == null) {
            throw new IllegalArgumentException("custody needs its chain settings");
        }
        if (kekLabel == null || kekLabel.isBlank()) {
            throw new IllegalArgumentException("PACIOLI_KEK_LABEL is empty");
        }
    }

    /** From PACIOLI_KEK, PACIOLI_KEK_PIN, PACIOLI_KEK_LABEL, PACIOLI_ENV and PACIOLI_KEK_ALLOW_FILE. */
    public static CustodySettings of(Map<String, String> environment) {
        String kek = environment.get(KEK_VARIABLE);
        return new CustodySettings(
                kek == null || kek.isBlank() ? null : kek.trim(),
                environment.get("PACIOLI_KEK_PIN"),
                environment.getOrDefault("PACIOLI_KEK_LABEL", DEFAULTS.kekLabel()),
                "production".equals(environment.get("PACIOLI_ENV")),
                "true".equals(environment.get("PACIOLI_KEK_ALLOW_FILE")),
                (int) number(environment, "PACIOLI_CUSTODY_ROTATION_BATCH", DEFAULTS.rotationBatch()),
                Duration.ofMillis(number(environment, "PACIOLI_CUSTODY_ROTATION_PAUSE", 0)),
                DEFAULTS.balanceCache(),
                ChainSettings.of(environment));
    }

    static long number(Map<String, String> environment, String variable, long absent) {
        String text = environment.get(variable);
        if (text == null || text.isBlank()) {
            return absent;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a whole number; got '" + text + "'");
        }
    }

    public CustodySettings withKek(String spec, String pin) {
        return new CustodySettings(
                spec, pin, kekLabel, production, allowFileKek, rotationBatch, rotationPause, balanceCache, chain);
    }

    public CustodySettings withRotation(int wallets, Duration pause) {
        return new CustodySettings(
                kek, kekPin, kekLabel, production, allowFileKek, wallets, pause, balanceCache, chain);
    }

    public CustodySettings withChain(ChainSettings watching) {
        return new CustodySettings(
                kek, kekPin, kekLabel, production, allowFileKek, rotationBatch, rotationPause, balanceCache, watching);
    }

    /** The file of a file KEK: the one named, or the development default under the data directory. */
    Path kekFile(Path dataDirectory) {
        return kek == null ? dataDirectory.resolve(KEK_FILE_DEFAULT) : Path.of(kek.substring("file:".length()));
    }
}
