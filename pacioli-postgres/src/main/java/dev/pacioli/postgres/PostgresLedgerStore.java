package dev.pacioli.postgres;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountColumns;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.EntryColumns;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalColumns;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The ledger's storage port on PostgreSQL.
 *
 * <p>A batch commits in one database transaction on a connection of its own, in two round trips when
 * small: every new row goes in by binary COPY ({@link CopyBinary}), one per table, or for a small
 * batch all in one statement ({@link StatementInsert}); then, once the commit of the batch before it
 * has finished, one statement updates every changed row ({@code update … from unnest(…)} per table)
 * and moves the ledger's head, fenced on the head the batch executed against, with the COMMIT sent
 * behind it ({@link #finish}: when the batch before failed, or a second or stale writer committed, the
 * head update finds no row, a check in the statement fails, and the whole batch rolls back). No
 * statement is issued per row. Two batches of one ledger can so commit at once, each in its own
 * backend: the second's inserts run while the first finishes.
 *
 * <p>Only one process writes a ledger: {@link #lockWriter} takes its writer lease ({@link WriterLeases}),
 * and the head moves only while the lease's fencing epoch is the ledger's current one, so a writer that
 * lost its lease without noticing commits nothing.
 */
public final class PostgresLedgerStore implements LedgerStore {
    /** The statements of a batch's commit, in the order they run. */
    public enum CommitStep {
        /** A small batch's new rows, all tables in one statement ({@link StatementInsert}). */
        INSERT_STATEMENT,
        JOURNAL,
        ACCOUNTS_CREATED,
        TRANSACTIONS_CREATED,
        ENTRIES,
        /** Waiting for the commit of the batch before (see {@link LedgerStore#commit}). */
        PREDECESSOR,
        /**
         * The account and transaction updates, the head move and the commit (its WAL flush), in one
         * round trip ({@link #finish}).
         */
        FINISH
    }

    private static final CommitStep[] STEPS = CommitStep.values();

    /**
     * Batches of at most this many journal records insert their rows in one statement; larger ones by
     * COPY. A COPY is two round trips, which is most of what a batch of a few dozen transfers costs,
     * while for thousands of rows binary COPY is cheaper for the server.
     */
    static final int STATEMENT_INSERT_RECORDS_MAX = 256;

    private final DataSource dataSource;
    /** Package-private: tests renew and expire leases by hand. */
    final WriterLeases locks;

    private final int statementInsertRecordsMax;
    private final LongAdder[] stepNanos = new LongAdder[STEPS.length];
    private final LongAdder commits = new LongAdder();
    private final LongAdder committedRecords = new LongAdder();

    public PostgresLedgerStore(DataSource dataSource) {
        this(dataSource, STATEMENT_INSERT_RECORDS_MAX);
    }

    /** With a threshold of its own: tests drive each way of inserting with every batch. */
    PostgresLedgerStore(DataSource dataSource, int statementInsertRecordsMax) {
        this(dataSource, statementInsertRecordsMax, true);
    }

    /** Without {@code renewLeases}, a process paused forever as far as its leases go: for tests of takeovers. */
    PostgresLedgerStore(DataSource dataSource, int statementInsertRecordsMax, boolean renewLeases) {
        this.dataSource = dataSource;
        this.statementInsertRecordsMax = statementInsertRecordsMax;
        this.locks = new WriterLeases(dataSource, renewLeases);
        for (int i = 0; i < stepNanos.length; i++) {
            stepNanos[i] = new LongAdder();
        }
    }

    /**
     * Nanoseconds spent in each {@link CommitStep} by every commit of this store so far (successful or
     * not), indexed by the step's ordinal: where the time of a commit goes, statement by statement.
     */
    public long[] commitStepNanos() {
        long[] nanos = new long[stepNanos.length];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = stepNanos[i].sum();
        }
        return nanos;
    }

    /** Commits that succeeded so far, and the journal records they held: how large batches are. */
    public long[] commitsAndRecords() {
        return new long[] {commits.sum(), committedRecords.sum()};
    }

    /** Takes the ledger's writer lease, with its fencing epoch (see {@link WriterLeases}). */
    @Override
    public WriterLock lockWriter(long ledgerId, String ledgerName) {
        return locks.lock(ledgerId, ledgerName);
    }

    /** Records this instance as live and surveys the writers (see {@link WriterLeases#survey}). */
    public WriterSurvey surveyWriters() {
        return locks.survey();
    }

    /** A graceful stop: this instance no longer counts among those sharing the writers. */
    public void leave() {
        locks.leave();
    }

    /** Where this process takes writes forwarded to it; recorded with every writer lease it takes. */
    public void advertise(String url) {
        locks.advertise(url);
    }

    /** The URL the live holder of the ledger's writer lease advertised; empty when none (or none live). */
    public Optional<String> writerUrl(long ledgerId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select url from ledger_writers"
                        + " where ledger_id = ? and lease_until > clock_timestamp() and url is not null")) {
            select.setLong(1, ledgerId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the writer of ledger " + ledgerId, e);
        }
    }

    @Override
    public LedgerHead loadHead(long ledgerId, String ledgerName) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select head_sequence, head_hash, head_timestamp from ledgers where id = ?")) {
            statement.setLong(1, ledgerId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("no ledger with id " + ledgerId);
                }
                return new LedgerHead(row.getLong(1), row.getBytes(2), row.getLong(3));
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the head of ledger '" + ledgerName + "'", e);
        }
    }

    @Override
    public List<Account> loadAccounts(long ledgerId, Collection<String> ids) {
        return selectByIds(
                "select " + Rows.ACCOUNT_COLUMNS + " from accounts a where a.ledger_id = ? and a.id = any(?)",
                ledgerId,
                ids,
                Rows::account,
                "accounts");
    }

    @Override
    public List<Transaction> loadTransactions(long ledgerId, Collection<String> ids) {
        return selectByIds(
                "select " + Rows.TRANSACTION_COLUMNS + " from transactions t where t.ledger_id = ? and t.id = any(?)",
                ledgerId,
                ids,
                Rows::transaction,
                "transactions");
    }

    /** One round trip: the rows of one ledger whose ids are among {@code ids}. */
    private <T> List<T> selectByIds(
            String sql, long ledgerId, Collection<String> ids, RowMapper<T> mapper, String what) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, ledgerId);
            statement.setArray(2, connection.createArrayOf("text", ids.toArray()));
            List<T> found = new ArrayList<>(ids.size());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(mapper.map(rows));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("could not load " + what, e);
        }
    }

    @Override
    public List<String> loadAssets(Collection<String> codes) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select code from assets where code = any(?)")) {
            statement.setArray(1, connection.createArrayOf("text", codes.toArray()));
            List<String> found = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("could not load assets", e);
        }
    }

    @Override
    public List<PendingDeadline> loadPendingDeadlines(long ledgerId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select expires_at, id from transactions"
                        + " where ledger_id = ? and status = 0 and expires_at <> 0")) {
            statement.setLong(1, ledgerId);
            List<PendingDeadline> deadlines = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    deadlines.add(new PendingDeadline(rows.getLong(1), rows.getString(2)));
                }
            }
            return deadlines;
        } catch (SQLException e) {
            throw new StoreException("could not load pending deadlines", e);
        }
    }

    @Override
    public List<Limit> loadLimitHistory(long ledgerId) {
        try (Connection connection = dataSource.getConnection()) {
            return LimitRows.history(connection, ledgerId);
        } catch (SQLException e) {
            throw new StoreException("could not load the limits", e);
        }
    }

    @Override
    public void loadTransactionsSince(long ledgerId, long sinceMicros, Consumer<Transaction> each) {
        try (Connection connection = dataSource.getConnection()) {
            LimitRows.transactionsSince(connection, ledgerId, sinceMicros, each);
        } catch (SQLException e) {
            throw new StoreException("could not load the transactions of the limits' windows", e);
        }
    }

    /** The version and its attachment in one transaction, fenced on the head (see {@link LimitRows#insert}). */
    @Override
    public void commitLimitChange(long ledgerId, Limit version, CommitAttachment attachment) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!LimitRows.insert(connection, ledgerId, locks.epoch(ledgerId), version)) {
                    throw new SQLException("the ledger's head is not at " + version.afterSequence()
                            + ", or this process no longer holds its writer lease");
                }
                if (attachment != null) {
                    if (!(attachment instanceof CommitRows rows)) {
                        throw new IllegalArgumentException("PostgreSQL cannot write a " + attachment.getClass());
                    }
                    rows.write(connection);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not store version " + version.version() + " of limit " + version.id(), e);
        }
    }

    @Override
    public void commit(BatchWrite batch, Predecessor predecessor) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long started = System.nanoTime();
                if (batch.journal().size() <= statementInsertRecordsMax) {
                    StatementInsert.insert(connection, batch);
                    started = lap(CommitStep.INSERT_STATEMENT, started);
                } else {
                    started = copyRows(connection, batch, started);
                }
                // Rows the predecessor inserts are invisible to this transaction's statements until it
                // has committed, so what follows waits for it.
                predecessor.await();
                started = lap(CommitStep.PREDECESSOR, started);
                // After the predecessor: an attachment may lock rows (an audit log's head) that the
                // predecessor's own attachments need, so it must not hold them while waiting for it.
                writeAttachments(connection, batch);
                finish(connection, batch, locks.epoch(batch.ledgerId()));
                // The COMMIT went with the finish; the driver sees the transaction ended and sends
                // nothing here. The call keeps the pool's view of the connection clean.
                connection.commit();
                lap(CommitStep.FINISH, started);
                commits.increment();
                committedRecords.add(batch.journal().size());
            } catch (SQLException | IOException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException | IOException e) {
            String message = "commit of sequences " + (batch.previousSequence() + 1) + ".."
                    + batch.head().sequence() + " failed: " + e.getMessage();
            throw refusedData(e) ? new RejectedException(message, e) : new StoreException(message, e);
        }
    }

    /**
     * Rows a request commits with its effect ({@link CommitAttachment}): the store's form of one. It is
     * written in the batch's transaction, after the batch's new rows and before its head moves, and
     * only when its request took effect; if it fails, the batch fails with it.
     */
    public interface CommitRows extends CommitAttachment {
        void write(Connection connection) throws SQLException;
    }

    private static void writeAttachments(Connection connection, BatchWrite batch) throws SQLException {
        for (CommitAttachment attachment : batch.attachments()) {
            if (!(attachment instanceof CommitRows rows)) {
                throw new IllegalArgumentException("PostgreSQL cannot write a " + attachment.getClass());
            }
            rows.write(connection);
        }
    }

    /**
     * Whether the server refused the batch's data rather than failed: a data exception (class 22: a
     * character the encoding cannot hold, a value out of range), a failed check constraint (23514), or
     * a value over a limit of the server's (class 54: an index row too large). The server answered, so
     * the transaction certainly ended without committing. A unique violation is not among them: a
     * duplicate row means memory and storage disagree, which the engine answers by reloading.
     */
    static boolean refusedData(Exception e) {
        String state = e instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("22") || state.equals("23514") || state.startsWith("54"));
    }

    /** A batch's new rows by binary COPY, one per table; returns when the next step starts. */
    private long copyRows(Connection connection, BatchWrite batch, long started) throws SQLException, IOException {
        copyIn(
                connection,
                "journal (ledger_id, sequence, type, committed_at, subject, canonical, hash)",
                journalRows(batch));
        started = lap(CommitStep.JOURNAL, started);
        copyIn(
                connection,
                "accounts (ledger_id, id, asset, normal_balance, min_balance, max_balance, status,"
                        + " metadata, created_at, posted_debits, posted_credits, pending_debits, pending_credits,"
                        + " version)",
                accountRows(batch));
        started = lap(CommitStep.ACCOUNTS_CREATED, started);
        copyIn(
                connection,
                "transactions (ledger_id, id, sequence, status, pending, timeout_seconds,"
                        + " expires_at, description, metadata, reverses, reversed_by, committed_at, hash,"
                        + " posting_from, posting_to, posting_asset, posting_amount, posted_amount)",
                transactionRows(batch));
        started = lap(CommitStep.TRANSACTIONS_CREATED, started);
        copyIn(connection, "entries (ledger_id, " + Rows.ENTRY_COLUMNS + ")", entryRows(batch));
        return lap(CommitStep.ENTRIES, started);
    }

    /** Adds the time since {@code started} to {@code step}; returns now, the next step's start. */
    private long lap(CommitStep step, long started) {
        long now = System.nanoTime();
        stepNanos[step.ordinal()].add(now - started);
        return now;
    }

    private static CopyBinary journalRows(BatchWrite batch) {
        JournalColumns journal = batch.journal();
        CopyBinary rows = new CopyBinary(7, journal.size(), 320);
        for (int i = 0; i < journal.size(); i++) {
            rows.bigint(batch.ledgerId())
                    .bigint(journal.sequence(i))
                    .smallint(journal.type(i).tag)
                    .timestamp(journal.timestampMicros(i))
                    .text(journal.subject(i))
                    .bytes(journal.canonicalBytes(), journal.canonicalOffset(i), journal.canonicalLength(i))
                    .bytes(journal.hashBytes(), journal.hashOffset(i), JournalCodec.HASH_BYTES)
                    .endRow();
        }
        return rows;
    }

    private static CopyBinary accountRows(BatchWrite batch) {
        AccountColumns accounts = batch.accountsCreated();
        CopyBinary rows = new CopyBinary(14, accounts.size(), 256);
        for (int i = 0; i < accounts.size(); i++) {
            AccountSpec spec = accounts.spec(i);
            rows.bigint(batch.ledgerId())
                    .text(spec.id())
                    .text(spec.asset())
                    .smallint(spec.normalBalance().code)
                    .nullableBigint(spec.minBalance())
                    .nullableBigint(spec.maxBalance())
                    .smallint(accounts.status(i).code)
                    .jsonb(spec.metadata())
                    .timestamp(accounts.createdAtMicros(i))
                    .bigint(accounts.postedDebits(i))
                    .bigint(accounts.postedCredits(i))
                    .bigint(accounts.pendingDebits(i))
                    .bigint(accounts.pendingCredits(i))
                    .bigint(accounts.version(i))
                    .endRow();
        }
        return rows;
    }

    private static CopyBinary transactionRows(BatchWrite batch) {
        CopyBinary rows = new CopyBinary(18, batch.transactionsCreated().size(), 448);
        for (Transaction transaction : batch.transactionsCreated()) {
            List<Posting> postings = transaction.spec().postings();
            rows.bigint(batch.ledgerId())
                    .text(transaction.id())
                    .bigint(transaction.sequence())
                    .smallint(transaction.status().code)
                    .bool(transaction.spec().pending())
                    .nullableBigint(transaction.spec().timeoutSeconds())
                    .bigint(transaction.expiresAtMicros())
                    .text(transaction.spec().description())
                    .jsonb(transaction.spec().metadata())
                    .text(transaction.reverses())
                    .text(transaction.reversedBy())
                    .timestamp(transaction.committedAtMicros())
                    .bytes(transaction.hash())
                    .textArray(postings, Posting::from)
                    .textArray(postings, Posting::to)
                    .textArray(postings, Posting::asset)
                    .bigintArray(postings, Posting::amount)
                    .nullableBigintArray(transaction.postedAmounts())
                    .endRow();
        }
        return rows;
    }

    private static CopyBinary entryRows(BatchWrite batch) {
        EntryColumns entries = batch.entries();
        CopyBinary rows = new CopyBinary(14, entries.size(), 256);
        for (int i = 0; i < entries.size(); i++) {
            rows.bigint(batch.ledgerId())
                    .text(entries.accountId(i))
                    .bigint(entries.sequence(i))
                    .text(entries.transactionId(i))
                    .smallint(entries.kind(i).code)
                    .bigint(entries.debit(i))
                    .bigint(entries.credit(i))
                    .bigint(entries.postedDebitsAfter(i))
                    .bigint(entries.postedCreditsAfter(i))
                    .bigint(entries.pendingDebitsAfter(i))
                    .bigint(entries.pendingCreditsAfter(i))
                    .bigint(entries.balanceAfter(i))
                    .bigint(entries.availableAfter(i))
                    .timestamp(entries.committedAtMicros(i))
                    .endRow();
        }
        return rows;
    }

    private static void copyIn(Connection connection, String table, CopyBinary rows) throws SQLException, IOException {
        if (rows.rows() == 0) {
            return;
        }
        long copied = connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("copy " + table + " from stdin with (format binary)", rows.stream());
        if (copied != rows.rows()) {
            throw new SQLException("copy into " + table + " wrote " + copied + " of " + rows.rows() + " rows");
        }
    }

    /**
     * The account updates, the transaction updates, the head move and COMMIT, sent together: one round
     * trip. PgJDBC sends a statement's {@code ;}-separated parts with one sync, and after an error the
     * server skips everything up to it, so when a check fails (a count of changed rows other than
     * expected, by {@code pacioli_expect_rows}) the COMMIT never runs and the rollback that follows
     * discards the batch. The head moves only from the head the batch executed against: when the batch
     * before failed, or a second or stale writer committed, it finds no row and the check fails.
     */
    private static void finish(Connection connection, BatchWrite batch, long epoch) throws SQLException {
        AccountColumns accounts = batch.accountsUpdated();
        List<Transaction> transactions = batch.transactionsUpdated();
        try (PreparedStatement statement = connection.prepareStatement(FINISH)) {
            int p = 0;
            p = bindAccountUpdates(connection, statement, p, accounts);
            statement.setLong(++p, batch.ledgerId());
            p = bindTransactionUpdates(connection, statement, p, transactions);
            statement.setLong(++p, batch.ledgerId());
            statement.setLong(++p, batch.head().sequence());
            statement.setBytes(++p, batch.head().hash());
            statement.setLong(++p, batch.head().timestampMicros());
            statement.setLong(++p, batch.ledgerId());
            statement.setLong(++p, batch.previousSequence());
            statement.setLong(++p, epoch);
            statement.setInt(++p, accounts.size());
            statement.setInt(++p, transactions.size());
            statement.setString(
                    ++p,
                    "the head move from sequence " + batch.previousSequence()
                            + ", which this batch was executed on (the batch before it did not commit, or"
                            + " another writer did), by the writer of epoch " + epoch
                            + " (another instance took the ledger over)");
            statement.execute();
        }
    }

    private static final String FINISH = "with accounts_updated as ("
            + " update accounts a set status = v.status, posted_debits = v.pd, posted_credits = v.pc,"
            + " pending_debits = v.ppd, pending_credits = v.ppc, version = v.version"
            + " from unnest(?::text[], ?::smallint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],"
            + " ?::bigint[]) as v(id, status, pd, pc, ppd, ppc, version)"
            + " where a.ledger_id = ? and a.id = v.id returning 1),"
            + " transactions_updated as ("
            + " update transactions t set status = v.status, reversed_by = v.reversed_by,"
            + " posted_amount = v.posted::bigint[]"
            + " from unnest(?::text[], ?::smallint[], ?::text[], ?::text[]) as v(id, status, reversed_by, posted)"
            + " where t.ledger_id = ? and t.id = v.id returning 1),"
            + " head_moved as ("
            + " update ledgers set head_sequence = ?, head_hash = ?, head_timestamp = ?"
            + " where id = ? and head_sequence = ?"
            + " and exists (select 1 from ledger_writers w where w.ledger_id = ledgers.id and w.epoch = ?) returning 1)"
            + " select pacioli_expect_rows('the account updates', (select count(*) from accounts_updated), ?)"
            + " and pacioli_expect_rows('the transaction updates', (select count(*) from transactions_updated), ?)"
            + " and pacioli_expect_rows(?, (select count(*) from head_moved), 1);"
            + " commit";

    /** Binds the seven arrays of the account updates after parameter {@code p}; returns the last bound. */
    private static int bindAccountUpdates(
            Connection connection, PreparedStatement statement, int p, AccountColumns accounts) throws SQLException {
        int size = accounts.size();
        String[] ids = new String[size];
        Short[] statuses = new Short[size];
        Long[][] components = new Long[5][size];
        for (int i = 0; i < size; i++) {
            ids[i] = accounts.id(i);
            statuses[i] = (short) accounts.status(i).code;
            components[0][i] = accounts.postedDebits(i);
            components[1][i] = accounts.postedCredits(i);
            components[2][i] = accounts.pendingDebits(i);
            components[3][i] = accounts.pendingCredits(i);
            components[4][i] = accounts.version(i);
        }
        statement.setArray(++p, connection.createArrayOf("text", ids));
        statement.setArray(++p, connection.createArrayOf("int2", statuses));
        for (Long[] component : components) {
            statement.setArray(++p, connection.createArrayOf("int8", component));
        }
        return p;
    }

    /** Binds the four arrays of the transaction updates after parameter {@code p}; returns the last bound. */
    private static int bindTransactionUpdates(
            Connection connection, PreparedStatement statement, int p, List<Transaction> transactions)
            throws SQLException {
        int size = transactions.size();
        String[] ids = new String[size];
        Short[] statuses = new Short[size];
        String[] reversedBy = new String[size];
        String[] postedAmounts = new String[size];
        for (int i = 0; i < size; i++) {
            Transaction transaction = transactions.get(i);
            ids[i] = transaction.id();
            statuses[i] = (short) transaction.status().code;
            reversedBy[i] = transaction.reversedBy();
            postedAmounts[i] = arrayLiteral(transaction.postedAmounts());
        }
        statement.setArray(++p, connection.createArrayOf("text", ids));
        statement.setArray(++p, connection.createArrayOf("int2", statuses));
        statement.setArray(++p, connection.createArrayOf("text", reversedBy));
        statement.setArray(++p, connection.createArrayOf("text", postedAmounts));
        return p;
    }

    /** {@code {1,2,3}}, PostgreSQL's text form of an array, or null: unnest cannot carry arrays of arrays. */
    static String arrayLiteral(List<Long> values) {
        if (values == null) {
            return null;
        }
        StringBuilder literal = new StringBuilder(2 + values.size() * 8).append('{');
        for (int i = 0; i < values.size(); i++) {
            literal.append(i == 0 ? "" : ",").append(values.get(i));
        }
        return literal.append('}').toString();
    }

    static byte[] genesis(String ledgerName) {
        return JournalCodec.genesisHash(ledgerName);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; closing it discards the transaction.
        }
    }

    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing more to release.
        }
    }
}
