package dev.pacioli.postgres;

import dev.pacioli.ledger.LedgerStore.LedgerLockedException;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.LedgerStore.WriterLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The right to write a ledger across processes on one database: a lease with a fencing epoch in {@code
 * ledger_writers} (V33), and a session advisory lock as the fast path of a takeover.
 *
 * <p><b>Taking.</b> The advisory lock is tried on the one lock session every ledger of this store shares
 * (a service with a thousand ledgers pins one connection, not a thousand). Then the lease is claimed in
 * one statement: created, or taken over — its epoch incremented — when the advisory lock was free (the
 * holder's session is gone: it died, or lost the database) or its lease ran out (the holder stopped
 * renewing: paused, hung, cut off). Otherwise the ledger is another's: {@link LedgerLockedException}.
 *
 * <p><b>Holding.</b> A daemon thread renews every lease this store holds each {@value #RENEW_MILLIS} ms
 * to {@value #LEASE_MILLIS} ms ahead (the database's clock, so no two machines' clocks are compared), and
 * takes the advisory locks again on a new session when the old one died (a PostgreSQL restart). A lease
 * whose epoch moved on is lost.
 *
 * <p><b>Fencing.</b> Every commit moves the ledger's head only while its epoch is the current one ({@link
 * #epoch}, checked in {@code PostgresLedgerStore.finish}): a holder that lost its lease without noticing
 * commits nothing; its writer stops at the refused commit ({@link WriterLock#isHeld()} is false) and the
 * service steps it down. {@code isHeld} asks the database, so a database that is away (a restart) is a
 * storage failure the writer waits out, not a lost lock.
 *
 * <p>Thread-safe: taking, renewing and releasing are synchronized on this object; the epochs are read
 * lock-free by commits.
 */
final class WriterLeases {
    /** How long a lease lasts unrenewed: a paused holder is taken over this long after its last renewal. */
    static final long LEASE_MILLIS = 5_000;

    static final long RENEW_MILLIS = 1_000;

    /** The first key of a ledger's advisory lock: the schema's, as ledger ids restart in every schema. */
    private static final String NAMESPACE = "hashtext('pacioli:' || current_schema())";

    private static final int VALIDATION_SECONDS = 5;

    private static final String CLAIM = "insert into ledger_writers as w (ledger_id, epoch, instance, url, lease_until)"
            + " values (?, 1, ?, ?, clock_timestamp() + make_interval(secs => ?))"
            + " on conflict (ledger_id) do update set epoch = w.epoch + 1, instance = excluded.instance,"
            + " url = excluded.url, lease_until = excluded.lease_until, acquired_at = now()"
            + " where ? or w.lease_until < clock_timestamp()"
            + " returning epoch";

    private final DataSource dataSource;
    private final boolean renewing;
    /** This process's name in {@code ledger_writers.instance}: new at every start. */
    private final String instance = UUID.randomUUID().toString();

    private final Map<Long, Long> epochs = new ConcurrentHashMap<>();
    /** The ledgers whose advisory lock the current lock session holds. */
    private final Set<Long> advisory = new HashSet<>();

    private volatile String url;
    /** When a release last failed to reach the database (System.nanoTime), or 0. */
    private volatile long unreachableAt;

    private Connection session;
    private Thread renewer;

    WriterLeases(DataSource dataSource, boolean renewing) {
        this.dataSource = dataSource;
        this.renewing = renewing;
    }

    /** Where this process takes writes forwarded to it, recorded with every lease it takes or renews. */
    void advertise(String url) {
        this.url = url;
    }

    /** The epoch this process writes {@code ledgerId} under, or 0 when it holds no lease of it. */
    long epoch(long ledgerId) {
        return epochs.getOrDefault(ledgerId, 0L);
    }

    synchronized WriterLock lock(long ledgerId, String ledgerName) {
        if (epochs.containsKey(ledgerId)) {
            // Session locks are re-entrant: the database would grant this one again. Refuse it here.
            throw locked(ledgerName);
        }
        try {
            boolean free = tryAdvisory(ledgerId);
            Long epoch = claim(ledgerId, free);
            if (epoch == null) {
                if (free) {
                    unlockAdvisory(ledgerId);
                }
                closeIfUnused();
                throw locked(ledgerName);
            }
            epochs.put(ledgerId, epoch);
            startRenewer();
            return new Lease(ledgerId, epoch);
        } catch (SQLException e) {
            throw new StoreException("could not take the writer lease of ledger '" + ledgerName + "'", e);
        }
    }

    /** An instance is live while it recorded itself within this; it records itself every round (1 s). */
    static final long INSTANCE_SEEN_MILLIS = 3_000;

    /**
     * Records this instance as live, then surveys the writers of the database in one transaction: which
     * ledgers a live holder writes (its lease runs and its lock session is open: a takeover would fail on
     * them, so a round skips them without trying — a try costs two statements), how long each other
     * ledger's lease has been out, and how many ledgers each live instance writes.
     */
    WriterSurvey survey() {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement seen = connection.prepareStatement("insert into service_instances"
                    + " (instance, url, seen_at) values (?, ?, clock_timestamp()) on conflict (instance)"
                    + " do update set url = excluded.url, seen_at = excluded.seen_at")) {
                seen.setString(1, instance);
                seen.setString(2, url);
                seen.executeUpdate();
            }
            Set<Long> heldAlive = new HashSet<>();
            Map<Long, Long> outForMillis = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("select w.ledger_id,"
                            + " w.lease_until > clock_timestamp() and exists (select 1 from pg_locks k"
                            + " where k.locktype = 'advisory' and k.granted and k.objsubid = 2"
                            + " and k.classid = (" + NAMESPACE + ")::oid and k.objid = w.ledger_id::oid"
                            + " and k.database = (select oid from pg_database where datname = current_database())),"
                            + " (extract(epoch from clock_timestamp() - w.lease_until) * 1000)::bigint"
                            + " from ledger_writers w");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getBoolean(2)) {
                        heldAlive.add(rows.getLong(1));
                    } else {
                        outForMillis.put(rows.getLong(1), rows.getLong(3));
                    }
                }
            }
            Map<String, Integer> writing = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "select i.instance,"
                                    + " (select count(*) from ledger_writers w where w.instance = i.instance"
                                    + " and w.lease_until > clock_timestamp())"
                                    + " from service_instances i where i.seen_at > clock_timestamp() - make_interval(secs => ?)");
                    PreparedStatement stale = connection.prepareStatement(
                            "delete from service_instances where seen_at < clock_timestamp() - interval '1 hour'")) {
                select.setDouble(1, INSTANCE_SEEN_MILLIS / 1000.0);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        writing.put(rows.getString(1), rows.getInt(2));
                    }
                }
                stale.executeUpdate();
            }
            return new WriterSurvey(heldAlive, outForMillis, writing, instance);
        } catch (SQLException e) {
            throw new StoreException("could not survey the writer leases", e);
        }
    }

    /** A graceful stop: the others stop counting this instance at once. */
    void leave() {
        if (unreachableRecently()) {
            return; // its row goes stale within INSTANCE_SEEN_MILLIS
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("delete from service_instances where instance = ?")) {
            delete.setString(1, instance);
            delete.executeUpdate();
        } catch (SQLException e) {
            // Its row goes stale within INSTANCE_SEEN_MILLIS.
        }
    }

    private static LedgerLockedException locked(String ledgerName) {
        return new LedgerLockedException("ledger '" + ledgerName + "' is being written by another Pacioli process on"
                + " this database, or by another writer in this one (it holds the ledger's writer lease). Only one"
                + " writer may write a ledger; stop the other one, or point this one at another database.");
    }

    private boolean tryAdvisory(long ledgerId) throws SQLException {
        try (PreparedStatement statement =
                session().prepareStatement("select pg_try_advisory_lock(" + NAMESPACE + ", ?)")) {
            statement.setInt(1, Math.toIntExact(ledgerId));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (row.getBoolean(1)) {
                    advisory.add(ledgerId);
                    return true;
                }
                return false;
            }
        }
    }

    private Long claim(long ledgerId, boolean takeOver) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CLAIM)) {
            statement.setLong(1, ledgerId);
            statement.setString(2, instance);
            statement.setString(3, url);
            statement.setDouble(4, LEASE_MILLIS / 1000.0);
            statement.setBoolean(5, takeOver);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : null;
            }
        }
    }

    /** The lock session, opened (again) when there is none or it died; a new one holds no lock yet. */
    private Connection session() throws SQLException {
        if (session != null && !session.isValid(VALIDATION_SECONDS)) {
            closeQuietly(session);
            session = null;
        }
        if (session == null) {
            advisory.clear();
            session = dataSource.getConnection();
            session.setAutoCommit(true);
        }
        return session;
    }

    private synchronized boolean isHeld(Lease lease) {
        if (epochs.getOrDefault(lease.ledgerId, 0L) != lease.epoch) {
            return false;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select epoch from ledger_writers where ledger_id = ?")) {
            statement.setLong(1, lease.ledgerId);
            try (ResultSet row = statement.executeQuery()) {
                boolean held = row.next() && row.getLong(1) == lease.epoch;
                if (!held) {
                    epochs.remove(lease.ledgerId);
                }
                return held;
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the writer lease of ledger " + lease.ledgerId, e);
        }
    }

    private synchronized void release(Lease lease) {
        if (!epochs.remove(lease.ledgerId, lease.epoch)) {
            return; // lost already: another holds it
        }
        if (unreachableRecently()) {
            // A stop while the database is away: each release would wait out the pool's connection
            // timeout in turn. The lease runs out by itself within LEASE_MILLIS.
            unlockAdvisory(lease.ledgerId);
            closeIfUnused();
            return;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("update ledger_writers"
                        + " set lease_until = clock_timestamp() - interval '1 millisecond'"
                        + " where ledger_id = ? and epoch = ?")) {
            statement.setLong(1, lease.ledgerId);
            statement.setLong(2, lease.epoch);
            statement.executeUpdate(); // the next taker need not wait for the lease to run out
        } catch (SQLException e) {
            // It runs out by itself within LEASE_MILLIS.
            unreachableAt = System.nanoTime();
        }
        unlockAdvisory(lease.ledgerId);
        closeIfUnused();
    }

    private void unlockAdvisory(long ledgerId) {
        if (!advisory.remove(ledgerId) || session == null) {
            return;
        }
        try (PreparedStatement statement =
                session.prepareStatement("select pg_advisory_unlock(" + NAMESPACE + ", ?)")) {
            statement.setInt(1, Math.toIntExact(ledgerId));
            statement.execute();
        } catch (SQLException e) {
            // The session failed: closing it releases every lock it held.
            closeQuietly(session);
            session = null;
            advisory.clear();
        }
    }

    /** Whether a release found the database unreachable within the last {@link #LEASE_MILLIS}. */
    private boolean unreachableRecently() {
        long at = unreachableAt;
        return at != 0 && System.nanoTime() - at < LEASE_MILLIS * 1_000_000L;
    }

    private void closeIfUnused() {
        if (epochs.isEmpty() && advisory.isEmpty() && session != null) {
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

    // ---- renewing

    private void startRenewer() {
        if (renewing && renewer == null) {
            renewer = Thread.ofPlatform().daemon().name("pacioli-writer-leases").start(this::renewLoop);
        }
    }

    private void renewLoop() {
        while (true) {
            LockSupport.parkNanos(RENEW_MILLIS * 1_000_000L);
            try {
                renew();
            } catch (SQLException | RuntimeException e) {
                // The database is away: the leases run out unless it is back in time; commits are fenced.
            }
        }
    }

    /** Extends every lease held; drops those whose epoch moved on; takes the advisory locks again if lost. */
    synchronized void renew() throws SQLException {
        if (epochs.isEmpty()) {
            return;
        }
        Map<Long, Long> held = new HashMap<>(epochs);
        Long[] ids = held.keySet().toArray(Long[]::new);
        Long[] heldEpochs = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            heldEpochs[i] = held.get(ids[i]);
        }
        Set<Long> renewed = new HashSet<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("update ledger_writers w"
                        + " set lease_until = clock_timestamp() + make_interval(secs => ?), url = ?"
                        + " from unnest(?::bigint[], ?::bigint[]) as h (ledger_id, epoch)"
                        + " where w.ledger_id = h.ledger_id and w.epoch = h.epoch returning w.ledger_id")) {
            statement.setDouble(1, LEASE_MILLIS / 1000.0);
            statement.setString(2, url);
            statement.setArray(3, connection.createArrayOf("bigint", ids));
            statement.setArray(4, connection.createArrayOf("bigint", heldEpochs));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    renewed.add(rows.getLong(1));
                }
            }
        }
        // A lock session the database ended (a restart, a terminated backend) holds no lock any more:
        // validating it forgets them, and they are taken again below. Otherwise a stand-by would find
        // them free and take over every ledger of a live holder after each database restart.
        session();
        for (Long ledgerId : ids) {
            if (!renewed.contains(ledgerId)) {
                epochs.remove(ledgerId, held.get(ledgerId)); // taken over: the next commit is refused
                unlockAdvisory(ledgerId);
            } else if (!advisory.contains(ledgerId)) {
                tryAdvisory(ledgerId); // after a lost session; if another has it, it takes over and fences us
            }
        }
        closeIfUnused();
    }

    private final class Lease implements WriterLock {
        private final long ledgerId;
        private final long epoch;

        Lease(long ledgerId, long epoch) {
            this.ledgerId = ledgerId;
            this.epoch = epoch;
        }

        @Override
        public boolean isHeld() {
            return WriterLeases.this.isHeld(this);
        }

        @Override
        public void close() {
            release(this);
        }
    }
}
