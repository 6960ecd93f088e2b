package dev.pacioli.postgres;

import dev.pacioli.ledger.LedgerStore.LedgerLockedException;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.LedgerStore.WriterLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The writer locks of every ledger this process writes, held as session-level advisory locks on one
 * connection of their own.
 *
 * <p>One session for all of them, not one per ledger: a service with a thousand ledgers must not pin
 * a thousand connections (or exhaust its pool). Session locks end with their session, so if that
 * connection dies every lock it held is lost at once: each lock then reports {@link
 * WriterLock#isHeld()} false and its writer stops, and the next lock taken opens a new session.
 *
 * <p>Thread-safe: taking, checking and releasing locks are synchronized on this object; they are rare
 * (engine start and stop, and the writer's check after a failed commit).
 */
final class AdvisoryLocks {
    /**
     * The first key of a ledger's advisory lock: a hash of the schema, because ledger ids (the second
     * key) restart at 1 in every schema while advisory locks belong to the whole database.
     */
    private static final String NAMESPACE = "hashtext('pacioli:' || current_schema())";

    private static final int VALIDATION_SECONDS = 5;

    private final DataSource dataSource;
    private final Set<Long> held = new HashSet<>();
    private Connection session;
    /** Bumped whenever the session is replaced: locks of an older generation are lost. */
    private long generation;

    AdvisoryLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    synchronized WriterLock lock(long ledgerId, String ledgerName) {
        try {
            Connection connection = session();
            if (held.contains(ledgerId)) {
                // Session locks are re-entrant: the database would grant this one again. Refuse it here.
                throw locked(ledgerName);
            }
            try (PreparedStatement statement =
                    connection.prepareStatement("select pg_try_advisory_lock(" + NAMESPACE + ", ?)")) {
                statement.setInt(1, Math.toIntExact(ledgerId));
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (!row.getBoolean(1)) {
                        closeIfUnused();
                        throw locked(ledgerName);
                    }
                }
            }
            held.add(ledgerId);
            return new Lock(ledgerId, generation);
        } catch (SQLException e) {
            throw new StoreException("could not take the writer lock of ledger '" + ledgerName + "'", e);
        }
    }

    private static LedgerLockedException locked(String ledgerName) {
        return new LedgerLockedException("ledger '" + ledgerName + "' is being written by another Pacioli process on"
                + " this database, or by another writer in this one (it holds the ledger's writer lock). Only one"
                + " writer may write a ledger; stop the other one, or point this one at another database.");
    }

    /** The lock session, opened (again) when there is none or it died; a new one loses every old lock. */
    private Connection session() throws SQLException {
        if (session != null && !session.isValid(VALIDATION_SECONDS)) {
            closeQuietly(session);
            session = null;
        }
        if (session == null) {
            generation++;
            held.clear();
            session = dataSource.getConnection();
            session.setAutoCommit(true);
        }
        return session;
    }

    private synchronized boolean isHeld(Lock lock) {
        if (lock.generation != generation || session == null || !held.contains(lock.ledgerId)) {
            return false;
        }
        try {
            return session.isValid(VALIDATION_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private synchronized void release(Lock lock) {
        if (lock.generation != generation || !held.remove(lock.ledgerId)) {
            return; // its session is gone, and the lock with it
        }
        try (PreparedStatement statement =
                session.prepareStatement("select pg_advisory_unlock(" + NAMESPACE + ", ?)")) {
            statement.setInt(1, Math.toIntExact(lock.ledgerId));
            statement.execute();
        } catch (SQLException e) {
            // The session failed: closing it below releases every lock it held.
            closeQuietly(session);
            session = null;
            held.clear();
            return;
        }
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (held.isEmpty() && session != null) {
            closeQuietly(session);
            session = null;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // already closed
        }
    }

    private final class Lock implements WriterLock {
        private final long ledgerId;
        private final long generation;

        Lock(long ledgerId, long generation) {
            this.ledgerId = ledgerId;
            this.generation = generation;
        }

        @Override
        public boolean isHeld() {
            return AdvisoryLocks.this.isHeld(this);
        }

        @Override
        public void close() {
            release(this);
        }
    }
}
