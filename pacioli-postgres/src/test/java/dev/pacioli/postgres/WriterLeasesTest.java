package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writer leases across processes (two stores on one database stand for two processes): a live holder
 * keeps its ledger, a holder paused past its lease is taken over with a new epoch and commits nothing
 * more, and renewals keep a lease alive.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class WriterLeasesTest {
    /** The sessions holding a ledger's writer advisory lock (two-key form: objsubid 2) in this database. */
    private static final String ADVISORY_HOLDERS = "select count(*) from pg_locks where locktype = 'advisory'"
            + " and objsubid = 2 and objid = ? and database = (select oid from pg_database"
            + " where datname = current_database())";

    private final TestDatabase database;

    WriterLeasesTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void aHolderPausedPastItsLeaseIsTakenOverAndItsNextCommitIsRefusedByTheEpoch() throws Exception {
        // The first process never renews: as if it were paused (SIGSTOP) from now on.
        PostgresLedgerStore paused = new PostgresLedgerStore(
                database.database().dataSource(), PostgresLedgerStore.STATEMENT_INSERT_RECORDS_MAX, false);
        try (TestLedger ledger = new TestLedger(database.database(), paused)) {
            open(ledger.engine, "world", NormalBalance.DEBIT);
            open(ledger.engine, "wallet", NormalBalance.CREDIT);
            assertThat(transfer(ledger.engine, "t-1").code()).isEqualTo(ResultCode.CREATED);
            PostgresLedgerStore other =
                    new PostgresLedgerStore(database.database().dataSource());
            assertThatThrownBy(() -> start(other, ledger))
                    .as("a live lease and a held advisory lock")
                    .isInstanceOf(LedgerStore.LedgerLockedException.class);
            long epoch = epoch(ledger);

            expireLease(ledger);
            LedgerEngine taker = start(other, ledger);
            try {
                assertThat(epoch(ledger)).isEqualTo(epoch + 1);
                assertThat(transfer(taker, "t-2").code()).isEqualTo(ResultCode.CREATED);

                // The old holder wakes: its commit is refused by the epoch, its writer stops.
                TransactionResult late = transfer(ledger.engine, "t-3");
                assertThat(late.code()).isEqualTo(ResultCode.STORAGE_UNAVAILABLE);
                // Before its next batch it asks whether the lease is still its own: no, so it stops.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ledger.engine.isRunning() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(ledger.engine.isRunning()).isFalse();
                assertThat(ledger.engine.stopCause()).hasMessageContaining("lost");
                assertThat(transactions(ledger)).isEqualTo(2);
                assertThat(transfer(taker, "t-4").code()).isEqualTo(ResultCode.CREATED);
                assertThat(ledger.verify().ok()).isTrue();
            } finally {
                taker.close();
            }
        }
    }

    @Test
    void aRenewedLeaseIsNotTakenOverAndAReleasedOneIsTakenAtOnce() throws Exception {
        PostgresLedgerStore holder = new PostgresLedgerStore(
                database.database().dataSource(), PostgresLedgerStore.STATEMENT_INSERT_RECORDS_MAX, false);
        PostgresLedgerStore other = new PostgresLedgerStore(database.database().dataSource());
        try (TestLedger ledger = new TestLedger(database.database(), holder)) {
            expireLease(ledger);
            holder.locks.renew();
            // The advisory lock is the holder's too; without it, only the lease stands in the way.
            assertThatThrownBy(() -> start(other, ledger)).isInstanceOf(LedgerStore.LedgerLockedException.class);
            long epoch = epoch(ledger);
            ledger.engine.close(); // a graceful stop releases the lease
            LedgerEngine taker = start(other, ledger);
            try {
                assertThat(epoch(ledger)).isEqualTo(epoch + 1);
            } finally {
                taker.close();
            }
            ledger.engine = start(holder, ledger); // for TestLedger.close
        }
    }

    @Test
    void aHolderWhoseLockSessionWasCutTakesItsLockBackAtItsNextRenewal() throws Exception {
        PostgresLedgerStore holder = new PostgresLedgerStore(
                database.database().dataSource(), PostgresLedgerStore.STATEMENT_INSERT_RECORDS_MAX, false);
        PostgresLedgerStore other = new PostgresLedgerStore(database.database().dataSource());
        try (TestLedger ledger = new TestLedger(database.database(), holder)) {
            long id = ledger.ledger.id();
            assertThat(other.surveyWriters().heldAlive())
                    .as("a live holder: a takeover round skips it")
                    .contains(id);
            // What a database restart does to the holder's lock session (its lease row survives).
            assertThat(single(
                            "select count(pg_terminate_backend(pid))"
                                    + ADVISORY_HOLDERS.substring(ADVISORY_HOLDERS.indexOf(" from")),
                            ledger))
                    .isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (single(ADVISORY_HOLDERS, ledger) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the backend ends, and its lock with it, a moment after the signal
            }
            assertThat(single(ADVISORY_HOLDERS, ledger))
                    .as("the lock went with its session")
                    .isZero();
            assertThat(other.surveyWriters().heldAlive())
                    .as("no lock session: worth a try")
                    .doesNotContain(id);
            holder.locks.renew();
            assertThat(other.surveyWriters().heldAlive()).contains(id);
            assertThatThrownBy(() -> start(other, ledger))
                    .as("the live holder took its lock back: the other finds it held, not free")
                    .isInstanceOf(LedgerStore.LedgerLockedException.class);
            open(ledger.engine, "world", NormalBalance.DEBIT);
            open(ledger.engine, "wallet", NormalBalance.CREDIT);
            assertThat(transfer(ledger.engine, "t-1").code())
                    .as("the holder still writes")
                    .isEqualTo(ResultCode.CREATED);
        }
    }

    @Test
    void aSurveyCountsTheLiveInstancesAndWhatEachWrites() throws Exception {
        PostgresLedgerStore holder = new PostgresLedgerStore(database.database().dataSource());
        PostgresLedgerStore other = new PostgresLedgerStore(database.database().dataSource());
        try (TestLedger ledger = new TestLedger(database.database(), holder)) {
            WriterSurvey holders = holder.surveyWriters();
            WriterSurvey others = other.surveyWriters();
            assertThat(others.writing())
                    .as("both live (other tests' instances on this database may be live too)")
                    .containsEntry(holders.self(), 1)
                    .containsEntry(others.self(), 0);
            assertThat(others.heldAlive()).contains(ledger.ledger.id());
            holder.leave();
            assertThat(other.surveyWriters().writing()).doesNotContainKey(holders.self());
        }
    }

    private static LedgerEngine start(LedgerStore store, TestLedger ledger) {
        return LedgerEngine.start(store, ledger.ledger.id(), ledger.ledger.name(), EngineConfig.DEFAULTS, ledger.clock);
    }

    private static void open(LedgerEngine engine, String id, NormalBalance normal) {
        assertThat(join(engine.createAccount(new AccountSpec(id, "USD", normal, null, null, Metadata.EMPTY)))
                        .code())
                .isEqualTo(ResultCode.CREATED);
    }

    private static TransactionResult transfer(LedgerEngine engine, String id) {
        return join(engine.createTransaction(TransactionSpec.posted(id, new Posting("world", "wallet", 100, "USD"))));
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void expireLease(TestLedger ledger) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement update = connection.prepareStatement("update ledger_writers"
                        + " set lease_until = clock_timestamp() - interval '1 second' where ledger_id = ?")) {
            update.setLong(1, ledger.ledger.id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private long epoch(TestLedger ledger) throws SQLException {
        return single("select epoch from ledger_writers where ledger_id = ?", ledger);
    }

    private long transactions(TestLedger ledger) throws SQLException {
        return single("select count(*) from transactions where ledger_id = ?", ledger);
    }

    private long single(String sql, TestLedger ledger) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, ledger.ledger.id());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
