package dev.pacioli.operations;

import com.google.crypto.tink.Aead;
import dev.pacioli.custody.CustodySettings;
import dev.pacioli.custody.Kek;
import dev.pacioli.postgres.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/** {@code pacioli backup --to FILE} and {@code pacioli restore --from FILE}: parsing and printing. */
public final class BackupCommands {
    public static final String BACKUP_USAGE = "backup --to FILE [--encrypt]";
    public static final String RESTORE_USAGE = "restore --from FILE";

    private BackupCommands() {}

    /**
     * Backs up the database {@code open} connects to; 2 on bad arguments (nothing opened), failures
     * thrown with their message.
     */
    public static int backup(
            List<String> args, Supplier<Database> open, Supplier<Aead> kek, PrintStream out, PrintStream err) {
        boolean encrypt = args.contains("--encrypt");
        Path file = file(args.stream().filter(arg -> !arg.equals("--encrypt")).toList(), "--to");
        if (file == null) {
            err.println("pacioli: usage: pacioli " + BACKUP_USAGE + " [--data-dir DIR | --database-url URL]");
            return 2;
        }
        long started = System.nanoTime();
        try (Database database = open.get()) {
            BackupManifest manifest =
                    Backup.toFile(database.dataSource(), database.schema(), file, encrypt ? kek.get() : null);
            long millis = (System.nanoTime() - started) / 1_000_000;
            out.printf(
                    "backed up %s to %s%s: migration V%s, snapshot at %s, %d ledger(s), %d row(s) in %d table(s),"
                            + " %d bytes, %d ms%n",
                    database.describe(),
                    file,
                    encrypt ? " (encrypted under the custody KEK)" : "",
                    manifest.migrationVersion(),
                    manifest.snapshotAt(),
                    manifest.ledgers().size(),
                    rows(manifest),
                    manifest.tables().size(),
                    size(file),
                    millis);
            for (BackupManifest.LedgerHead head : manifest.ledgers()) {
                out.printf("ledger %s: head %d %s%n", head.name(), head.headSequence(), hex(head.headHash()));
            }
            return 0;
        }
    }

    /** Restores into the empty database {@code open} connects to; verifies and prints every ledger's head. */
    public static int restore(
            List<String> args, Supplier<Database> open, Supplier<Aead> kek, PrintStream out, PrintStream err) {
        Path file = file(args, "--from");
        if (file == null) {
            err.println("pacioli: usage: pacioli " + RESTORE_USAGE + " [--data-dir DIR | --database-url URL]");
            return 2;
        }
        if (!Files.isRegularFile(file)) {
            err.println("pacioli: restore refused: " + file + " is not a file");
            return 1;
        }
        // The KEK before the target: a missing or wrong one must not leave a new, empty cluster behind.
        Aead key = Restore.isEncrypted(file) ? kek.get() : null;
        long started = System.nanoTime();
        try (Database database = open.get()) {
            Restore.Result result = Restore.fromFile(database, file, key == null ? null : () -> key);
            long millis = (System.nanoTime() - started) / 1_000_000;
            BackupManifest manifest = result.manifest();
            out.printf(
                    "restored %s (snapshot at %s) into %s: migration V%s, %d row(s) in %d table(s), %d ms (migrate %d,"
                            + " load %d, verify %d)%n",
                    file,
                    manifest.snapshotAt(),
                    database.describe(),
                    manifest.migrationVersion(),
                    rows(manifest),
                    manifest.tables().size(),
                    millis,
                    result.migrateMillis(),
                    result.loadMillis(),
                    result.verifyMillis());
            for (Restore.RestoredLedger ledger : result.ledgers()) {
                out.printf(
                        "ledger %s: verify %s, head %d %s (as in the manifest)%n",
                        ledger.head().name(),
                        ledger.report().ok() ? "ok" : "FAILED",
                        ledger.head().headSequence(),
                        hex(ledger.head().headHash()));
            }
            return 0;
        }
    }

    /**
     * The custody KEK, opened when a backup is encrypted or decrypted. The development file is never
     * made up here: a new one could not open any backup, so its absence is an error that says what to give.
     */
    public static Supplier<Aead> kek(CustodySettings custody, Path dataDirectory) {
        return () -> {
            Path developmentFile = dataDirectory.resolve(CustodySettings.KEK_FILE_DEFAULT);
            if (custody.kek() == null && !Files.exists(developmentFile)) {
                throw new IllegalArgumentException("no custody KEK: " + developmentFile + " does not exist; give the"
                        + " KEK with PACIOLI_KEK=file:<custody-kek.json> or PACIOLI_KEK=pkcs11:<config> (to restore:"
                        + " the KEK of the service that took the backup)");
            }
            return Kek.open(custody, dataDirectory).aead();
        };
    }

    private static Path file(List<String> args, String flag) {
        if (args.size() == 2 && args.get(0).equals(flag) && !args.get(1).isBlank()) {
            return Path.of(args.get(1));
        }
        if (args.size() == 1
                && args.get(0).startsWith(flag + "=")
                && args.get(0).length() > flag.length() + 1) {
            return Path.of(args.get(0).substring(flag.length() + 1));
        }
        return null;
    }

    private static long rows(BackupManifest manifest) {
        return manifest.tables().stream()
                .mapToLong(BackupManifest.TableContent::rows)
                .sum();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
