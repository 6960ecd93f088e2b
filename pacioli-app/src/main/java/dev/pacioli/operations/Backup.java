package dev.pacioli.operations;

import com.google.crypto.tink.Aead;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A consistent backup of a running service, with nothing but JDBC: no {@code pg_dump} (the embedded
 * server ships no client binaries, and a managed one may not offer a matching version).
 *
 * <p>Consistency: everything is read in one {@code REPEATABLE READ READ ONLY} transaction, so every
 * table is copied as of one snapshot, taken at the transaction's first statement, while writers keep
 * committing; a writer's commit is atomic, so a transaction is either wholly in the snapshot or not at
 * all. The engine answers a write only after its commit, so every write acknowledged before {@code
 * snapshot_at} (read before that first statement) is in the backup. Sequences are not transactional:
 * they are read after the snapshot, so each is at least what any copied row used.
 *
 * <p>Format: a zip archive (the JDK's {@code java.util.zip}, no dependency; streamed, so memory stays
 * flat whatever the size; Zip64 past 4 GB; each entry's CRC-32 checked when read): {@code manifest.json}
 * first ({@link BackupManifest}), then one entry per table in the order a restore loads them, holding
 * PostgreSQL's binary COPY output ({@link CopyManager}): exact values with no text to parse, no time
 * zone or float formatting in between. Row counts are counted in the snapshot before the copies, so the
 * manifest comes first and a restore can check every table as it streams through.
 *
 * <p>A backup to a file is written beside it as {@code FILE.partial}, flushed to disk, then renamed:
 * a file named as asked is always a whole backup.
 */
public final class Backup {
    private Backup() {}

    /** Backs the schema up into {@code file}, which must not exist yet. */
    public static BackupManifest toFile(DataSource dataSource, String schema, Path file) {
        return toFile(dataSource, schema, file, null);
    }

    /** As {@link #toFile(DataSource, String, Path)}, encrypted under {@code kek} unless it is null ({@link BackupEncryption}). */
    public static BackupManifest toFile(DataSource dataSource, String schema, Path file, Aead kek) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException("backup refused: " + file + " already exists; name a new file");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            BackupManifest manifest;
            try (FileChannel channel = FileChannel.open(
                            partial,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                // Kept open: the channel must outlive the archive's close to be forced to disk.
                OutputStream sink = new KeptOpen(new BufferedOutputStream(out, 1 << 16));
                manifest = write(dataSource, schema, kek == null ? sink : BackupEncryption.encrypting(sink, kek));
                channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return manifest;
        } catch (IOException e) {
            throw new IllegalStateException("could not write the backup " + file + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort; the name says what it is
            }
        }
    }

    /** Writes the archive to {@code out} and closes it. */
    public static BackupManifest write(DataSource dataSource, String schema, OutputStream out) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.BEST_SPEED);
                Instant snapshotAt = Instant.now();
                BackupManifest manifest = manifest(connection, schema, snapshotAt);
                zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY));
                zip.write(manifest.toJson());
                zip.closeEntry();
                CopyManager copies = connection.unwrap(PGConnection.class).getCopyAPI();
                for (BackupManifest.TableContent table : manifest.tables()) {
                    zip.putNextEntry(new ZipEntry(table.entry()));
                    long copied = copies.copyOut(copyOut(schema, table), new KeptOpen(zip));
                    zip.closeEntry();
                    if (copied != table.rows()) {
                        throw new IllegalStateException("table " + table.name() + " copied " + copied
                                + " rows where the same snapshot counted " + table.rows());
                    }
                }
                return manifest;
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + e.getMessage(), e);
        }
    }

    static String copyOut(String schema, BackupManifest.TableContent table) {
        return "copy " + SchemaTables.qualified(schema, table.name()) + " (" + columnList(table.columns())
                + ") to stdout (format binary)";
    }

    static String columnList(List<String> columns) {
        return String.join(", ", columns.stream().map(SchemaTables::quote).toList());
    }

    /** Everything but the rows, read in the snapshot (the first statement takes it). */
    private static BackupManifest manifest(Connection connection, String schema, Instant snapshotAt)
            throws SQLException {
        String version = migrationVersion(connection, schema);
        List<BackupManifest.LedgerHead> ledgers = heads(connection, schema);
        List<BackupManifest.TableContent> tables = new ArrayList<>();
        for (SchemaTables.Table table : SchemaTables.inDependencyOrder(connection, schema)) {
            tables.add(new BackupManifest.TableContent(
                    table.name(), table.columns(), count(connection, schema, table.name())));
        }
        Map<String, Long> sequences = SchemaTables.sequences(connection, schema);
        return new BackupManifest(
                BackupManifest.FORMAT_VERSION,
                snapshotAt,
                version,
                schema,
                serverVersion(connection),
                ledgers,
                tables,
                sequences);
    }

    private static String migrationVersion(Connection connection, String schema) throws SQLException {
        MigrationVersion newest = null;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select version from "
                        + SchemaTables.qualified(schema, SchemaTables.FLYWAY_HISTORY)
                        + " where success and version is not null")) {
            while (rows.next()) {
                MigrationVersion version = MigrationVersion.fromVersion(rows.getString(1));
                if (newest == null || version.isNewerThan(newest)) {
                    newest = version;
                }
            }
        }
        if (newest == null) {
            throw new IllegalStateException("schema " + schema + " has no applied migration: nothing to back up");
        }
        return newest.getVersion();
    }

    static List<BackupManifest.LedgerHead> heads(Connection connection, String schema) throws SQLException {
        List<BackupManifest.LedgerHead> heads = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select id, name, head_sequence, head_hash from "
                        + SchemaTables.qualified(schema, "ledgers") + " order by id")) {
            while (rows.next()) {
                heads.add(new BackupManifest.LedgerHead(
                        rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getBytes(4)));
            }
        }
        return heads;
    }

    private static long count(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("select count(*) from " + SchemaTables.qualified(schema, table));
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String serverVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("show server_version")) {
            row.next();
            return row.getString(1);
        }
    }

    /** The zip stays open when a copy closes what it wrote to. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
