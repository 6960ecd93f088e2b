package dev.pacioli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Bytes on disk: the tables' total size (heap, indexes, TOAST) and the server's WAL position, read
 * before and after a run. Their growth divided by the transfers committed is what a transfer costs on
 * disk. WAL counts the whole server, so it is only meaningful on a server nothing else writes to.
 */
final class DiskUsage {
    record Snapshot(long tableBytes, long walBytes) {}

    static final String[] PACIOLI_TABLES = {"journal", "accounts", "transactions", "entries", "ledgers"};

    private DiskUsage() {}

    static Snapshot snapshot(DataSource dataSource, String... tables) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select (select coalesce(sum("
                        + "pg_total_relation_size(to_regclass(t))), 0) from unnest(?::text[]) t)::bigint,"
                        + " pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            statement.setArray(1, connection.createArrayOf("text", tables));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new Snapshot(row.getLong(1), row.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read table sizes", e);
        }
    }

    static String[] baselineTables(String prefix) {
        return new String[] {prefix + "_accounts", prefix + "_transfers", prefix + "_entries"};
    }
}
