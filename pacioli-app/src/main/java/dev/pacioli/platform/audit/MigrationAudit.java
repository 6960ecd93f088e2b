package dev.pacioli.platform.audit;

import dev.pacioli.ledger.LedgerStore.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A {@code schema.migrated} record for every migration Flyway applied, by the {@code system}.
 *
 * <p>Flyway applies each migration in a transaction of its own, before the service runs (and the
 * audit log is itself created by one), so the record cannot share that transaction. Instead Flyway's
 * history ({@code flyway_schema_history}) is the source of truth and this reconciles the log with it:
 * in one transaction holding the log's head, it appends a record for each successful migration that
 * has none yet. It runs after every migrate and at every start, so each migration gets exactly one
 * record, at most one start after it was applied, even when a crash came in between; the record's
 * {@code after} carries when Flyway installed it.
 */
public final class MigrationAudit {
    private MigrationAudit() {}

    /**
     * The {@code schema.reverted} record of a migration taken back, in the down's transaction, while the
     * audit log still exists (taking back the migration that made it leaves nothing to write to).
     */
    public static void reverted(
            Connection transaction, Actor actor, String version, String description, String undoScript, String losses)
            throws SQLException {
        try (PreparedStatement exists = transaction.prepareStatement("select to_regclass('audit_log') is not null");
                ResultSet row = exists.executeQuery()) {
            row.next();
            if (!row.getBoolean(1)) {
                return;
            }
        }
        AuditLog.append(
                transaction,
                actor,
                AuditEntry.of(
                        AuditAction.SCHEMA_REVERTED,
                        version,
                        null,
                        AuditJson.object(
                                "version", version,
                                "description", description,
                                "undo_script", undoScript,
                                "losses", losses)));
    }

    /** Appends the missing records; returns how many. */
    public static int record(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int appended = record(connection);
                connection.commit();
                return appended;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not record the applied migrations in the audit log", e);
        }
    }

    private static int record(Connection connection) throws SQLException {
        // Hold the head first, so two starts on one database cannot both record the same migration.
        try (PreparedStatement lock = connection.prepareStatement("select 1 from audit_head for update")) {
            lock.executeQuery().close();
        }
        List<AuditEntry> entries = new ArrayList<>();
        try (PreparedStatement missing = connection.prepareStatement("select h.version, h.description, h.script,"
                + " h.checksum, to_char(h.installed_on at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                + " from flyway_schema_history h where h.success and h.version is not null"
                // Applied since its last revert (migrate down), if any: each application has its record.
                + " and not exists (select from audit_log a where a.action = ? and a.object_id = h.version"
                + " and a.sequence > coalesce((select max(r.sequence) from audit_log r where r.action = ?"
                + " and r.object_id = h.version), 0))"
                + " order by h.installed_rank")) {
            missing.setString(1, AuditAction.SCHEMA_MIGRATED.code());
            missing.setString(2, AuditAction.SCHEMA_REVERTED.code());
            try (ResultSet rows = missing.executeQuery()) {
                while (rows.next()) {
                    String version = rows.getString(1);
                    Object checksum = rows.getObject(4);
                    entries.add(AuditEntry.of(
                            AuditAction.SCHEMA_MIGRATED,
                            version,
                            null,
                            AuditJson.object(
                                    "version", version,
                                    "description", rows.getString(2),
                                    "script", rows.getString(3),
                                    "checksum", checksum == null ? null : ((Number) checksum).longValue(),
                                    "installed_on", rows.getString(5))));
                }
            }
        }
        for (AuditEntry entry : entries) {
            AuditLog.append(connection, Actor.SYSTEM, entry);
        }
        return entries.size();
    }
}
