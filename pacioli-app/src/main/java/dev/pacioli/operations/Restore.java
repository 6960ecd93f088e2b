package dev.pacioli.operations;

import com.google.crypto.tink.Aead;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.postgres.Database;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads a {@link Backup} into an empty target and proves it: the target's schema must hold nothing
 * (a restore never merges into, nor overwrites, a database in use). Then:
 *
 * <ol>
 *   <li>the same Flyway migrations the service runs build the schema up to the backup's migration
 *       version, no further (a later {@code serve} applies the rest as usual);
 *   <li>one transaction empties the rows the migrations seeded (the audit chain's head, the controls'
 *       row), loads every table with {@code COPY FROM} in the manifest's order (a table after those it
 *       references), checking each row count, with the tables' own triggers off for the load (the audit
 *       log's append-only triggers would refuse emptying its seeded head; the rows are copies, not
 *       actions), sets every sequence, and compares every ledger's head with the manifest before it
 *       commits;
 *   <li>every ledger is verified ({@code LedgerVerifier}, as {@code pacioli verify} does).
 * </ol>
 *
 * <p>On any failure the target is emptied again when this restore created its schema (the usual case:
 * a new data directory or database), so a second attempt finds it empty.
 */
public final class Restore {
    /** A manifest larger than this is not one this code wrote. */
    static final int MANIFEST_BYTES_MAX = 64 << 20;

    /** A ledger as restored: its head and its verify report. */
    public record RestoredLedger(BackupManifest.LedgerHead head, VerifyReport report) {}

    /** What a restore did, and how long its migrate, load and verify steps took. */
    public record Result(
            BackupManifest manifest,
            List<RestoredLedger> ledgers,
            int migrations,
            long migrateMillis,
            long loadMillis,
            long verifyMillis) {}

    /** The target already holds something: nothing was changed. */
    public static final class TargetNotEmpty extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TargetNotEmpty(String message) {
            super(message);
        }
    }

    private Restore() {}

    /** Whether the file is a backup encrypted under a KEK ({@link BackupEncryption}). */
    public static boolean isEncrypted(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BackupEncryption.MAGIC.length)) {
            return BackupEncryption.isEncrypted(in);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the backup " + file + ": " + e.getMessage(), e);
        }
    }

    public static Result fromFile(Database target, Path file) {
        return fromFile(target, file, null);
    }

    /**
     * As {@link #fromFile(Database, Path)}; an encrypted backup is opened with the KEK {@code kek} gives
     * (asked only then; null: encrypted backups are refused).
     */
    public static Result fromFile(Database target, Path file, Supplier<Aead> kek) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("restore refused: " + file + " is not a file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            if (!BackupEncryption.isEncrypted(in)) {
                return from(target, in);
            }
            if (kek == null) {
                throw new IllegalArgumentException("restore refused: " + file + " is encrypted and no KEK was given");
            }
            return from(target, new BufferedInputStream(BackupEncryption.decrypting(in, kek.get()), 1 << 16));
        } catch (IOException e) {
            throw new IllegalStateException("could not read the backup " + file + ": " + e.getMessage(), e);
        }
    }

    public static Result from(Database target, InputStream in) throws IOException {
        boolean schemaExisted = refuseUnlessEmpty(target);
        ZipInputStream zip = new ZipInputStream(in);
        BackupManifest manifest = readManifest(zip);
        String version = knownVersion(target, manifest.migrationVersion());
        refuseOlderServer(target, manifest.serverVersion());
        try {
            long started = System.nanoTime();
            int migrations = target.migrateTo(version);
            long migrated = System.nanoTime();
            load(target, zip, manifest);
            long loaded = System.nanoTime();
            List<RestoredLedger> ledgers = verify(target, manifest);
            long verified = System.nanoTime();
            return new Result(
                    manifest,
                    ledgers,
                    migrations,
                    (migrated - started) / 1_000_000,
                    (loaded - migrated) / 1_000_000,
                    (verified - loaded) / 1_000_000);
        } catch (RuntimeException | IOException e) {
            throw new IllegalStateException(e.getMessage() + "; " + emptyAgain(target, schemaExisted), e);
        }
    }

    /** Refuses a target whose schema holds any relation; answers whether the schema exists. */
    private static boolean refuseUnlessEmpty(Database target) {
        try (Connection connection = target.dataSource().getConnection()) {
            List<String> relations = SchemaTables.relations(connection, target.schema());
            if (!relations.isEmpty()) {
                throw new TargetNotEmpty("restore refused: the target (" + target.describe() + ") is not empty:"
                        + " schema " + target.schema() + " holds " + relations.size() + " table(s) ("
                        + String.join(", ", relations.subList(0, Math.min(5, relations.size())))
                        + (relations.size() > 5 ? ", ..." : "") + ")" + ledgerNames(connection, target, relations)
                        + ". Restore only into a new data directory (--data-dir) or an empty database (DATABASE_URL);"
                        + " nothing was changed.");
            }
            try (PreparedStatement statement =
                    connection.prepareStatement("select 1 from pg_namespace where nspname = ?")) {
                statement.setString(1, target.schema());
                try (ResultSet row = statement.executeQuery()) {
                    return row.next();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("restore: could not read the target: " + e.getMessage(), e);
        }
    }

    private static String ledgerNames(Connection connection, Database target, List<String> relations)
            throws SQLException {
        if (!relations.contains("ledgers")) {
            return "";
        }
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select name from "
                        + SchemaTables.qualified(target.schema(), "ledgers") + " order by id limit 6")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names.isEmpty()
                ? ""
                : ", including ledger(s) " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                        + (names.size() > 5 ? ", ..." : "");
    }

    private static BackupManifest readManifest(ZipInputStream zip) throws IOException {
        ZipEntry first = zip.getNextEntry();
        if (first == null || !first.getName().equals(BackupManifest.ENTRY)) {
            throw new IllegalArgumentException("not a Pacioli backup: its first entry is "
                    + (first == null ? "missing" : first.getName()) + ", not " + BackupManifest.ENTRY);
        }
        byte[] bytes = zip.readNBytes(MANIFEST_BYTES_MAX + 1);
        if (bytes.length > MANIFEST_BYTES_MAX) {
            throw new IllegalArgumentException(
                    "not a Pacioli backup: its manifest is over " + MANIFEST_BYTES_MAX + " bytes");
        }
        return BackupManifest.fromJson(bytes);
    }

    /** The backup's migration version, if this build has that migration. */
    private static String knownVersion(Database target, String version) {
        MigrationVersion wanted = MigrationVersion.fromVersion(version);
        MigrationVersion newest = null;
        for (MigrationInfo info : target.migrations()) {
            if (info.getVersion() == null) {
                continue;
            }
            if (info.getVersion().equals(wanted)) {
                return version;
            }
            if (newest == null || info.getVersion().isNewerThan(newest)) {
                newest = info.getVersion();
            }
        }
        throw new IllegalArgumentException("restore refused: the backup's schema is at migration V" + version
                + ", which this Pacioli does not have (its newest is V" + newest + "); restore with the"
                + " Pacioli version that took the backup, or a newer one");
    }

    /** Binary COPY reads what the same or a newer major version wrote; an older server is refused. */
    private static void refuseOlderServer(Database target, String backedUpOn) {
        Matcher major = Pattern.compile("^(\\d+)").matcher(backedUpOn);
        if (!major.find()) {
            return;
        }
        try (Connection connection = target.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("show server_version_num")) {
            row.next();
            int targetMajor = Integer.parseInt(row.getString(1)) / 10_000;
            if (targetMajor < Integer.parseInt(major.group(1))) {
                throw new IllegalArgumentException("restore refused: the backup was taken on PostgreSQL " + backedUpOn
                        + " and the target runs PostgreSQL " + targetMajor + "; restore onto " + major.group(1)
                        + " or newer");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("restore: could not read the target's version: " + e.getMessage(), e);
        }
    }

    /** The one loading transaction: empty, copy, set sequences, compare heads, commit. */
    private static void load(Database target, ZipInputStream zip, BackupManifest manifest) throws IOException {
        String schema = target.schema();
        try (Connection connection = target.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                requireSameTables(SchemaTables.inDependencyOrder(connection, schema), manifest);
                List<String> tables = manifest.tables().stream()
                        .map(table -> SchemaTables.qualified(schema, table.name()))
                        .toList();
                for (String table : tables) {
                    statement.execute("alter table " + table + " disable trigger user");
                }
                if (!tables.isEmpty()) {
                    statement.execute("truncate " + String.join(", ", tables));
                }
                copyTables(connection, zip, manifest, schema);
                for (String table : tables) {
                    statement.execute("alter table " + table + " enable trigger user");
                }
                setSequences(connection, manifest.sequences(), schema);
                requireHeads(Backup.heads(connection, schema), manifest);
                connection.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("restore failed while loading: " + e.getMessage(), e);
        }
    }

    private static void requireSameTables(List<SchemaTables.Table> targetTables, BackupManifest manifest) {
        List<SchemaTables.Table> backedUp = manifest.tables().stream()
                .map(table -> new SchemaTables.Table(table.name(), table.columns()))
                .toList();
        if (!new HashSet<>(targetTables).equals(new HashSet<>(backedUp))) {
            throw new IllegalStateException("restore refused: the tables built by migrating to V"
                    + manifest.migrationVersion() + " are not the backup's (target " + targetTables + ", backup "
                    + backedUp + ")");
        }
    }

    private static void copyTables(Connection connection, ZipInputStream zip, BackupManifest manifest, String schema)
            throws SQLException, IOException {
        CopyManager copies = connection.unwrap(PGConnection.class).getCopyAPI();
        for (BackupManifest.TableContent table : manifest.tables()) {
            ZipEntry entry = zip.getNextEntry();
            if (entry == null || !entry.getName().equals(table.entry())) {
                throw new IllegalArgumentException("the backup is damaged: expected the entry " + table.entry()
                        + ", found " + (entry == null ? "the end" : entry.getName()));
            }
            long rows = copies.copyIn(
                    "copy " + SchemaTables.qualified(schema, table.name()) + " (" + Backup.columnList(table.columns())
                            + ") from stdin (format binary)",
                    zip);
            if (rows != table.rows()) {
                throw new IllegalArgumentException("the backup is damaged: table " + table.name() + " holds " + rows
                        + " rows, its manifest says " + table.rows());
            }
        }
        ZipEntry extra = zip.getNextEntry();
        if (extra != null) {
            throw new IllegalArgumentException(
                    "the backup is damaged: an entry beyond its manifest, " + extra.getName());
        }
    }

    private static void setSequences(Connection connection, Map<String, Long> sequences, String schema)
            throws SQLException {
        Map<String, Long> present = SchemaTables.sequences(connection, schema);
        if (!present.keySet().equals(sequences.keySet())) {
            throw new IllegalStateException("restore refused: the target's sequences " + present.keySet()
                    + " are not the backup's " + sequences.keySet());
        }
        try (Statement statement = connection.createStatement()) {
            for (Map.Entry<String, Long> sequence : sequences.entrySet()) {
                String name = SchemaTables.qualified(schema, sequence.getKey());
                statement.execute(
                        sequence.getValue() == null
                                ? "alter sequence " + name + " restart"
                                : "select setval('" + name.replace("'", "''") + "', " + sequence.getValue()
                                        + ", true)");
            }
        }
    }

    private static void requireHeads(List<BackupManifest.LedgerHead> loaded, BackupManifest manifest) {
        if (!loaded.equals(manifest.ledgers())) {
            throw new IllegalStateException("restore refused: the loaded ledgers' heads " + loaded
                    + " differ from the manifest's " + manifest.ledgers());
        }
    }

    /** Every ledger verified from the committed rows, heads compared once more. */
    private static List<RestoredLedger> verify(Database target, BackupManifest manifest) {
        List<RestoredLedger> restored = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (BackupManifest.LedgerHead head : manifest.ledgers()) {
            Ledger ledger = target.catalog()
                    .findLedger(head.name())
                    .orElseThrow(() -> new IllegalStateException("ledger " + head.name() + " missing after restore"));
            VerifyReport report = target.verification().verify(ledger);
            if (!report.ok()) {
                failures.add(head.name() + ": " + report.failures());
            }
            restored.add(new RestoredLedger(head, report));
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("restore failed: verify found problems in " + failures);
        }
        return restored;
    }

    /** After a failed restore: a schema this restore created goes, so the target is empty again. */
    private static String emptyAgain(Database target, boolean schemaExisted) {
        String how = schemaExisted
                ? "the target's schema " + target.schema() + " existed before and now holds a partial restore;"
                        + " empty it (drop schema " + target.schema() + " cascade) before trying again"
                : "the target is empty again";
        if (!schemaExisted) {
            try (Connection connection = target.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + SchemaTables.quote(target.schema()) + " cascade");
            } catch (SQLException e) {
                how = "the target could not be emptied (" + e.getMessage() + "); drop schema " + target.schema()
                        + " cascade before trying again";
            }
        }
        return how;
    }
}
