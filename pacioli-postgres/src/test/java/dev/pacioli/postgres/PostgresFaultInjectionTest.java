package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountColumns;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Faults injected at the storage port, around the real PostgreSQL store. */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class PostgresFaultInjectionTest {
    private final TestDatabase database;

    PostgresFaultInjectionTest(TestDatabase database) {
        this.database = database;
    }

    /** The real store, whose next commit can fail before writing or after writing (reply lost). */
    private static final class FaultyStore implements LedgerStore {
        enum Fault {
            NONE,
            FAIL_BEFORE_COMMIT,
            LOSE_REPLY_AFTER_COMMIT,
            /** The batch claims to rest on a head other than the stored one, as a stale writer's would. */
            STALE_HEAD,
            /** The batch names one account update twice, so its update changes a row fewer than it expects. */
            ACCOUNT_UPDATE_TWICE
        }

        private final LedgerStore real;
        volatile Fault nextCommit = Fault.NONE;
        /** When set, the next commit writes its new rows and then waits here before its updates. */
        volatile CountDownLatch holdNextAfterInserts;

        final CountDownLatch heldAfterInserts = new CountDownLatch(1);

        FaultyStore(LedgerStore real) {
            this.real = real;
        }

        @Override
        public WriterLock lockWriter(long ledgerId, String ledgerName) {
            return real.lockWriter(ledgerId, ledgerName);
        }

        @Override
        public LedgerHead loadHead(long ledgerId, String ledgerName) {
            return real.loadHead(ledgerId, ledgerName);
        }

        @Override
        public List<Limit> loadLimitHistory(long ledgerId) {
            return real.loadLimitHistory(ledgerId);
        }

        @Override
        public void loadTransactionsSince(long ledgerId, long sinceMicros, Consumer<Transaction> each) {
            real.loadTransactionsSince(ledgerId, sinceMicros, each);
        }

        @Override
        public void commitLimitChange(long ledgerId, Limit version, CommitAttachment attachment) {
            real.commitLimitChange(ledgerId, version, attachment);
        }

        @Override
        public List<Account> loadAccounts(long ledgerId, Collection<String> ids) {
            return real.loadAccounts(ledgerId, ids);
        }

        @Override
        public List<Transaction> loadTransactions(long ledgerId, Collection<String> ids) {
            return real.loadTransactions(ledgerId, ids);
        }

        @Override
        public List<String> loadAssets(Collection<String> codes) {
            return real.loadAssets(codes);
        }

        @Override
        public List<PendingDeadline> loadPendingDeadlines(long ledgerId) {
            return real.loadPendingDeadlines(ledgerId);
        }

        @Override
        public void commit(BatchWrite batch, Predecessor predecessor) {
            CountDownLatch hold = holdNextAfterInserts;
            if (hold != null) {
                holdNextAfterInserts = null;
                real.commit(batch, () -> {
                    predecessor.await();
                    heldAfterInserts.countDown();
                    awaitQuietly(hold);
                });
                return;
            }
            predecessor.await();
            Fault fault = nextCommit;
            nextCommit = Fault.NONE;
            if (fault == Fault.FAIL_BEFORE_COMMIT) {
                throw new StoreException("injected: commit failed", null);
            }
            real.commit(
                    switch (fault) {
                        case STALE_HEAD -> withPrevious(batch, batch.previousSequence() + 1);
                        case ACCOUNT_UPDATE_TWICE -> withAccountUpdateTwice(batch);
                        default -> batch;
                    },
                    Predecessor.NONE);
            if (fault == Fault.LOSE_REPLY_AFTER_COMMIT) {
                throw new StoreException("injected: reply lost after commit", null);
            }
        }
    }

    /** The batch with another head under it, as a stale writer's would be. */
    private static BatchWrite withPrevious(BatchWrite batch, long previousSequence) {
        return rewritten(batch, previousSequence, batch.accountsUpdated());
    }

    /** The batch with its first account update named twice. */
    private static BatchWrite withAccountUpdateTwice(BatchWrite batch) {
        AccountColumns updated = new AccountColumns();
        AccountColumns original = batch.accountsUpdated();
        for (int i = 0; i <= original.size(); i++) {
            int row = i % original.size();
            updated.add(
                    original.spec(row),
                    original.status(row),
                    original.createdAtMicros(row),
                    original.postedDebits(row),
                    original.postedCredits(row),
                    original.pendingDebits(row),
                    original.pendingCredits(row),
                    original.version(row));
        }
        return rewritten(batch, batch.previousSequence(), updated);
    }

    private static BatchWrite rewritten(BatchWrite batch, long previousSequence, AccountColumns accountsUpdated) {
        return new BatchWrite(
                batch.ledgerId(),
                previousSequence,
                batch.head(),
                batch.journal(),
                batch.accountsCreated(),
                accountsUpdated,
                batch.transactionsCreated(),
                batch.transactionsUpdated(),
                batch.entries());
    }

    /** The two accounts the deposits of these tests move between. */
    private static void openWorldAndWallet(TestLedger ledger) throws Exception {
        join(ledger.engine.createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT)));
        join(ledger.engine.createAccount(AccountSpec.of("wallet", "USD", NormalBalance.CREDIT)));
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aFailedCommitChangesNothingAndALostReplyIsAnsweredByTheRetry() throws Exception {
        FaultyStore store = new FaultyStore(database.database().store());
        try (TestLedger ledger = new TestLedger(database.database(), store)) {
            openWorldAndWallet(ledger);
            var deposit = TransactionSpec.posted("deposit-1", new Posting("world", "wallet", 700, "USD"));

            store.nextCommit = FaultyStore.Fault.FAIL_BEFORE_COMMIT;
            assertThat(join(ledger.engine.createTransaction(deposit)).code()).isEqualTo(ResultCode.STORAGE_UNAVAILABLE);
            assertThat(balance(ledger, "wallet")).isZero();

            store.nextCommit = FaultyStore.Fault.LOSE_REPLY_AFTER_COMMIT;
            assertThat(join(ledger.engine.createTransaction(deposit)).code()).isEqualTo(ResultCode.STORAGE_UNAVAILABLE);
            assertThat(balance(ledger, "wallet")).isEqualTo(700);

            // The retry by the same id finds the committed transaction: no second effect.
            var retry = join(ledger.engine.createTransaction(deposit));
            assertThat(retry.code()).isEqualTo(ResultCode.EXISTS);
            assertThat(balance(ledger, "wallet")).isEqualTo(700);

            // And the writer goes on from the true head.
            var next = TransactionSpec.posted("deposit-2", new Posting("world", "wallet", 5, "USD"));
            assertThat(join(ledger.engine.createTransaction(next)).code()).isEqualTo(ResultCode.CREATED);
            assertThat(balance(ledger, "wallet")).isEqualTo(705);
            assertThat(ledger.verify().failures()).isEmpty();
        }
    }

    /**
     * The checks that end a commit run in the server, in the same round trip as its COMMIT: when one
     * fails (the head is not the one the batch executed on, or an update changed fewer rows than it
     * should), nothing of the batch is stored — not its inserted rows, not its other updates.
     */
    @Test
    void aFailedCommitCheckStoresNothingOfTheBatch() throws Exception {
        FaultyStore store = new FaultyStore(database.database().store());
        try (TestLedger ledger = new TestLedger(database.database(), store)) {
            openWorldAndWallet(ledger);
            LedgerHead before = store.loadHead(ledger.ledger.id(), ledger.ledger.name());

            for (FaultyStore.Fault fault :
                    List.of(FaultyStore.Fault.STALE_HEAD, FaultyStore.Fault.ACCOUNT_UPDATE_TWICE)) {
                store.nextCommit = fault;
                var deposit = TransactionSpec.posted("deposit-" + fault, new Posting("world", "wallet", 700, "USD"));
                assertThat(join(ledger.engine.createTransaction(deposit)).code())
                        .as(fault.name())
                        .isEqualTo(ResultCode.STORAGE_UNAVAILABLE);
                assertThat(store.loadHead(ledger.ledger.id(), ledger.ledger.name())
                                .sequence())
                        .as(fault.name())
                        .isEqualTo(before.sequence());
                assertThat(store.loadTransactions(ledger.ledger.id(), List.of(deposit.id())))
                        .as(fault.name())
                        .isEmpty();
                assertThat(balance(ledger, "world")).as(fault.name()).isZero();
                assertThat(balance(ledger, "wallet")).as(fault.name()).isZero();
                assertThat(journalRowsAfter(ledger, before.sequence()))
                        .as(fault.name())
                        .isZero();
            }

            var deposit = TransactionSpec.posted("deposit-ok", new Posting("world", "wallet", 700, "USD"));
            assertThat(join(ledger.engine.createTransaction(deposit)).code()).isEqualTo(ResultCode.CREATED);
            assertThat(balance(ledger, "wallet")).isEqualTo(700);
            assertThat(ledger.verify().failures()).isEmpty();
        }
    }

    private static long journalRowsAfter(TestLedger ledger, long sequence) throws SQLException {
        try (Connection connection = ledger.database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from journal where ledger_id = ? and sequence > ?")) {
            statement.setLong(1, ledger.ledger.id());
            statement.setLong(2, sequence);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * The database itself refuses some requests' rows (a check constraint stands in for any value
     * PostgreSQL cannot hold) while 40 transfers arrive at once and share batches with them: only the
     * refused ones fail, with {@code storage_rejected}; every other one commits, in the same batch or
     * in the halves the writer commits again.
     */
    @Test
    void onlyTheRequestsWhoseRowsTheDatabaseRefusesFail() throws Exception {
        String refused = "refused by the database";
        execute("alter table transactions add constraint refuse_in_test check (description is distinct from '" + refused
                + "')");
        try (TestLedger ledger = new TestLedger(database.database())) {
            openWorldAndWallet(ledger);
            List<CompletableFuture<TransactionResult>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String description = i % 10 == 3 ? refused : "deposit " + i;
                answers.add(ledger.engine.createTransaction(new TransactionSpec(
                        "deposit-" + i,
                        List.of(new Posting("world", "wallet", 1 + i, "USD")),
                        false,
                        null,
                        Metadata.EMPTY,
                        description)));
            }
            var batch = ledger.engine.createTransactions(
                    List.of(
                            TransactionSpec.posted("item-0", new Posting("world", "wallet", 1000, "USD")),
                            new TransactionSpec(
                                    "item-1",
                                    List.of(new Posting("world", "wallet", 1000, "USD")),
                                    false,
                                    null,
                                    Metadata.EMPTY,
                                    refused)),
                    false,
                    false);
            long expected = 1000;
            for (int i = 0; i < 40; i++) {
                ResultCode code = join(answers.get(i)).code();
                assertThat(code)
                        .as("deposit-" + i)
                        .isEqualTo(i % 10 == 3 ? ResultCode.STORAGE_REJECTED : ResultCode.CREATED);
                expected += i % 10 == 3 ? 0 : 1 + i;
            }
            assertThat(join(batch))
                    .extracting(TransactionResult::code)
                    .containsExactly(ResultCode.CREATED, ResultCode.STORAGE_REJECTED);
            assertThat(balance(ledger, "wallet")).isEqualTo(expected);
            assertThat(ledger.engine.isRunning()).isTrue();
            assertThat(ledger.verify().failures()).isEmpty();
        } finally {
            execute("alter table transactions drop constraint refuse_in_test");
        }
    }

    /** What the server says when it refuses data, read from real errors: refused, unlike a duplicate. */
    @Test
    void refusalsOfDataAreToldApartFromOtherErrors() throws Exception {
        for (String refusing : List.of("select chr(0)", "select ''::jsonb", "select 1/0", "select 'x'::int")) {
            assertThat(PostgresLedgerStore.refusedData(errorOf(refusing)))
                    .as(refusing)
                    .isTrue();
        }
        assertThat(PostgresLedgerStore.refusedData(errorOf("select * from no_such_table")))
                .isFalse();
        assertThat(PostgresLedgerStore.refusedData(new IOException("connection reset")))
                .isFalse();
    }

    private SQLException errorOf(String sql) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError(sql + " did not fail");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Two commits overlapping in the real database: the first has inserted its rows (an account and a
     * transfer into it) and holds its transaction open; the second, executed on top of it, inserts its
     * rows meanwhile and updates the account the first created only after the first has committed.
     */
    @Test
    void aBatchCommitsOnTopOfOneWhoseRowsAreNotYetVisible() throws Exception {
        FaultyStore store = new FaultyStore(database.database().store());
        try (TestLedger ledger = new TestLedger(database.database(), store)) {
            join(ledger.engine.createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT)));
            CountDownLatch release = new CountDownLatch(1);
            store.holdNextAfterInserts = release;
            var created = ledger.engine.createAccount(AccountSpec.of("carol", "USD", NormalBalance.CREDIT));
            assertThat(store.heldAfterInserts.await(30, TimeUnit.SECONDS)).isTrue();
            var deposit = ledger.engine.createTransaction(
                    TransactionSpec.posted("to-carol", new Posting("world", "carol", 250, "USD")));
            // The deposit executed against carol, who is not in the database yet.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ledger.engine.commitsInFlight() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(ledger.engine.commitsInFlight()).as("commits in flight").isEqualTo(2);
            assertThat(created).isNotDone();
            assertThat(deposit).isNotDone();
            release.countDown();

            assertThat(join(created).code()).isEqualTo(ResultCode.CREATED);
            assertThat(join(deposit).code()).isEqualTo(ResultCode.CREATED);
            assertThat(balance(ledger, "carol")).isEqualTo(250);
            assertThat(ledger.verify().failures()).isEmpty();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the held commit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long balance(TestLedger ledger, String account) {
        return ledger.store
                .loadAccounts(ledger.ledger.id(), List.of(account))
                .get(0)
                .balance();
    }
}
