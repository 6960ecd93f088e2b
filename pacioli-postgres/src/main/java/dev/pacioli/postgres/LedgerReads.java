package dev.pacioli.postgres;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the API reads of a ledger: accounts, statements, balances as of a time, transactions and the
 * trial balance. Each read is one SQL statement, so it sees one committed state of the ledger even
 * while its writer commits: the writer changes accounts, entries and transactions in one database
 * transaction per batch. Nothing here writes, and nothing goes through the writer.
 *
 * <p>Lists are keyset-paged: ordered by an indexed key (an account id, a journal sequence) and resumed
 * strictly after the last key a page held, so a page costs the same however deep it is, and rows
 * committed meanwhile neither repeat nor shift items. Every page is bounded by {@link Page#LIMIT_MAX}.
 * Ids are ordered byte by byte (the "C" collation, see V2__reads_and_keys.sql).
 */
public final class LedgerReads {
    private static final String TRANSACTION_SELECT = "select " + Rows.TRANSACTION_COLUMNS;

    /** The entries that create a transaction: every account it touches has one, at its sequence. */
    private static final String CREATION_KINDS = "(" + EntryKind.POSTED.code + ", " + EntryKind.PENDING.code + ")";

    private final DataSource dataSource;

    /** Reads by id go through the store's own queries, so an API read returns what the writer loads. */
    private final PostgresLedgerStore store;

    public LedgerReads(DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new PostgresLedgerStore(dataSource);
    }

    public Optional<Account> account(long ledgerId, String id) {
        return store.loadAccounts(ledgerId, List.of(id)).stream().findFirst();
    }

    /** The accounts that pass the filter, ordered by id, starting after {@code afterId} when given. */
    public Page<Account> accounts(long ledgerId, AccountFilter filter, String afterId, int limit) {
        Page.checkLimit(limit);
        Query query = new Query("select " + Rows.ACCOUNT_COLUMNS + " from accounts a where a.ledger_id = ?", ledgerId);
        if (filter.prefix() != null && !filter.prefix().isEmpty()) {
            String end = prefixEnd(filter.prefix());
            if (end == null) {
                return new Page<>(List.of(), false);
            }
            query.append(" and a.id >= ? and a.id < ?", filter.prefix(), end);
        }
        if (afterId != null) {
            query.append(" and a.id > ?", afterId);
        }
        if (filter.asset() != null) {
            query.append(" and a.asset = ?", filter.asset());
        }
        if (filter.status() != null) {
            query.append(" and a.status = ?", (short) filter.status().code);
        }
        appendMetadata(query, "a", filter.metadata());
        query.append(" order by a.id limit ?", limit + 1);
        return Page.of(query.list(dataSource, Rows::account, "accounts"), limit);
    }

    /**
     * The least string above every string that starts with {@code prefix}, in byte order: the prefix
     * with its last character incremented. Null when the prefix has a character outside printable
     * ASCII: no id has one, and beyond ASCII Java's order and the bytes' order part ways.
     */
    static String prefixEnd(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return null;
            }
        }
        int last = prefix.length() - 1;
        return prefix.substring(0, last) + (char) (prefix.charAt(last) + 1);
    }

    /** The account's statement, newest first, strictly before {@code beforeSequence} when given. */
    public Page<Entry> entries(long ledgerId, String accountId, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        Query query = new Query(
                "select " + Rows.ENTRY_COLUMNS + " from entries where ledger_id = ? and account_id = ?",
                ledgerId,
                accountId);
        if (beforeSequence != null) {
            query.append(" and sequence < ?", beforeSequence);
        }
        query.append(" order by sequence desc limit ?", limit + 1);
        return Page.of(query.list(dataSource, Rows::entry, "entries of account " + accountId), limit);
    }

    /**
     * The account's balances after its last entry committed at or before {@code asOfMicros}. Commit
     * times grow with the sequence, so walking the statement back from the newest entry stops at the
     * first one old enough: the cost is the number of entries after that time.
     */
    public BalancesAsOf balancesAsOf(long ledgerId, String accountId, long asOfMicros) {
        Query query = new Query(
                "select " + Rows.ENTRY_COLUMNS + " from entries where ledger_id = ? and account_id = ?"
                        + " and committed_at <= ? order by sequence desc limit 1",
                ledgerId,
                accountId,
                Timestamps.offsetDateTime(asOfMicros));
        List<Entry> last = query.list(dataSource, Rows::entry, "balances of account " + accountId);
        return last.isEmpty() ? BalancesAsOf.NONE : BalancesAsOf.after(last.get(0));
    }

    public Optional<Transaction> transaction(long ledgerId, String id) {
        return store.loadTransactions(ledgerId, List.of(id)).stream().findFirst();
    }

    /**
     * The transactions that pass the filter, newest (highest creation sequence) first, strictly before
     * {@code beforeSequence} when given. With an account, the walk is over that account's statement
     * (the entries' primary key), keeping the entries that created a transaction.
     */
    public Page<Transaction> transactions(long ledgerId, TransactionFilter filter, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        Query query;
        String sequence;
        if (filter.account() == null) {
            query = new Query(TRANSACTION_SELECT + " from transactions t where t.ledger_id = ?", ledgerId);
            sequence = "t.sequence";
        } else {
            query = new Query(
                    TRANSACTION_SELECT + " from entries e join transactions t on t.ledger_id = e.ledger_id"
                            + " and t.id = e.transaction_id"
                            + " where e.ledger_id = ? and e.account_id = ? and e.kind in " + CREATION_KINDS,
                    ledgerId,
                    filter.account());
            sequence = "e.sequence";
        }
        if (beforeSequence != null) {
            query.append(" and " + sequence + " < ?", beforeSequence);
        }
        if (filter.status() != null) {
            query.append(" and t.status = ?", (short) filter.status().code);
        }
        appendMetadata(query, "t", filter.metadata());
        query.append(" order by " + sequence + " desc limit ?", limit + 1);
        return Page.of(query.list(dataSource, Rows::transaction, "transactions"), limit);
    }

    /**
     * Per asset, the sums of every account's balance components, ordered by asset code. One statement
     * over the accounts, so one committed state: the totals balance whenever the ledger does.
     */
    public List<TrialBalanceLine> trialBalance(long ledgerId) {
        Query query = new Query(
                "select asset, sum(posted_debits), sum(posted_credits), sum(pending_debits), sum(pending_credits)"
                        + " from accounts where ledger_id = ? group by asset order by asset",
                ledgerId);
        return query.list(dataSource, LedgerReads::trialBalanceLine, "the trial balance");
    }

    private static TrialBalanceLine trialBalanceLine(ResultSet row) throws SQLException {
        // sum(bigint) is numeric: exact, however large.
        return new TrialBalanceLine(
                row.getString(1),
                row.getBigDecimal(2).toBigIntegerExact(),
                row.getBigDecimal(3).toBigIntegerExact(),
                row.getBigDecimal(4).toBigIntegerExact(),
                row.getBigDecimal(5).toBigIntegerExact());
    }

    /**
     * Containment ({@code @>}) is what the GIN indexes on metadata answer. They hold only rows with
     * metadata (V8), which every row a non-empty filter matches has; the condition says so, or the
     * planner could not use them.
     */
    private static void appendMetadata(Query query, String table, Map<String, String> metadata) {
        if (!metadata.isEmpty()) {
            query.append(" and " + metadataContains(table), CopyText.Json.object(metadata));
        }
    }

    /** The condition that a row of {@code table} holds the metadata of the one parameter it takes. */
    static String metadataContains(String table) {
        return table + ".metadata <> '{}' and " + table + ".metadata @> ?::jsonb";
    }

    /** A statement built from the conditions a filter has, with its parameters in the same order. */
    private static final class Query {
        private final StringBuilder sql = new StringBuilder(512);
        private final List<Object> parameters = new ArrayList<>();

        Query(String select, Object... parameters) {
            append(select, parameters);
        }

        void append(String clause, Object... values) {
            sql.append(clause);
            parameters.addAll(Arrays.asList(values));
        }

        <T> List<T> list(DataSource dataSource, RowMapper<T> mapper, String what) {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setObject(i + 1, parameters.get(i));
                }
                List<T> found = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(mapper.map(rows));
                    }
                }
                return found;
            } catch (SQLException e) {
                throw new StoreException("could not read " + what, e);
            }
        }
    }
}
