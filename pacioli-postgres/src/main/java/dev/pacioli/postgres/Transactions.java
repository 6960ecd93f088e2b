package dev.pacioli.postgres;

import dev.pacioli.ledger.LedgerStore.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One database transaction around a store's work: committed when it returns, rolled back when it throws. */
public final class Transactions {
    private Transactions() {}

    /** Work on one transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own; a database failure becomes a {@link StoreException}
     * saying {@code failure} (what could not be done).
     */
    public static <T> T run(DataSource dataSource, String failure, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(failure, e);
        }
    }

    /**
     * Whether {@code cause} is PostgreSQL ending a transaction to break a deadlock (40P01) or a
     * serialization conflict (40001): the transaction did nothing and may simply be made again.
     */
    public static boolean isDeadlock(Throwable cause) {
        return cause instanceof SQLException e && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()));
    }
}
