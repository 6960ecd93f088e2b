package dev.pacioli.postgres;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.EntryColumns;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalColumns;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;

/**
 * A small batch's new rows in one statement, one round trip: every table's rows go as parallel arrays
 * into one {@code insert … select from unnest(…)} per table, joined in one statement by data-modifying
 * CTEs. Binary COPY costs two round trips per table (the server answers {@code CopyInResponse} before
 * the rows go), which is what a batch of a few dozen transfers mostly pays for; for thousands of rows
 * COPY is cheaper for the server, so {@link PostgresLedgerStore} uses this below a size only.
 *
 * <p>It writes exactly the rows {@link PostgresLedgerStore}'s COPYs write, column for column
 * ({@code StatementInsertTest} compares them). Timestamps travel as microseconds since the epoch and
 * byte strings as hex, so nothing depends on the driver's type mapping for them.
 */
final class StatementInsert {
    private static final HexFormat HEX = HexFormat.of();
    private static final String MICROS = "timestamptz 'epoch' + %s * interval '1 microsecond'";

    private static final String SQL = "with j as (insert into journal (ledger_id, sequence, type, committed_at,"
            + " subject, canonical, hash)"
            + " select ?, r.sequence, r.type, " + MICROS.formatted("r.committed_at")
            + ", r.subject, decode(r.canonical, 'hex'), decode(r.hash, 'hex')"
            + " from unnest(?::bigint[], ?::smallint[], ?::bigint[], ?::text[], ?::text[], ?::text[])"
            + " as r(sequence, type, committed_at, subject, canonical, hash) returning 1),"
            + " a as (insert into accounts (ledger_id, id, asset, normal_balance, min_balance, max_balance, status,"
            + " metadata, created_at, posted_debits, posted_credits, pending_debits, pending_credits, version)"
            + " select ?, r.id, r.asset, r.normal_balance, r.min_balance, r.max_balance, r.status, r.metadata::jsonb, "
            + MICROS.formatted("r.created_at")
            + ", r.pd, r.pc, r.ppd, r.ppc, r.version"
            + " from unnest(?::text[], ?::text[], ?::smallint[], ?::bigint[], ?::bigint[], ?::smallint[], ?::text[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
            + " as r(id, asset, normal_balance, min_balance, max_balance, status, metadata, created_at, pd, pc, ppd,"
            + " ppc, version) returning 1),"
            + " t as (insert into transactions (ledger_id, id, sequence, status, pending, timeout_seconds, expires_at,"
            + " description, metadata, reverses, reversed_by, committed_at, hash, posting_from, posting_to,"
            + " posting_asset, posting_amount, posted_amount)"
            + " select ?, r.id, r.sequence, r.status, r.pending, r.timeout_seconds, r.expires_at, r.description,"
            + " r.metadata::jsonb, r.reverses, r.reversed_by, " + MICROS.formatted("r.committed_at")
            + ", decode(r.hash, 'hex'), r.froms::text[], r.tos::text[], r.assets::text[], r.amounts::bigint[],"
            + " r.posted::bigint[]"
            + " from unnest(?::text[], ?::bigint[], ?::smallint[], ?::boolean[], ?::bigint[], ?::bigint[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[])"
            + " as r(id, sequence, status, pending, timeout_seconds, expires_at, description, metadata, reverses,"
            + " reversed_by, committed_at, hash, froms, tos, assets, amounts, posted) returning 1),"
            + " e as (insert into entries (ledger_id, " + Rows.ENTRY_COLUMNS + ")"
            + " select ?, r.account_id, r.sequence, r.transaction_id, r.kind, r.debit, r.credit, r.pd, r.pc, r.ppd,"
            + " r.ppc, r.balance_after, r.available_after, " + MICROS.formatted("r.committed_at")
            + " from unnest(?::text[], ?::bigint[], ?::text[], ?::smallint[], ?::bigint[], ?::bigint[], ?::bigint[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
            + " as r(account_id, sequence, transaction_id, kind, debit, credit, pd, pc, ppd, ppc, balance_after,"
            + " available_after, committed_at) returning 1)"
            + " select (select count(*) from j), (select count(*) from a), (select count(*) from t),"
            + " (select count(*) from e)";

    private StatementInsert() {}

    static void insert(Connection connection, BatchWrite batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            Parameters p = new Parameters(connection, statement);
            bindJournal(p, batch);
            bindAccounts(p, batch);
            bindTransactions(p, batch);
            bindEntries(p, batch);
            try (ResultSet counts = statement.executeQuery()) {
                counts.next();
                expect(counts.getLong(1), batch.journal().size(), "journal");
                expect(counts.getLong(2), batch.accountsCreated().size(), "accounts");
                expect(counts.getLong(3), batch.transactionsCreated().size(), "transactions");
                expect(counts.getLong(4), batch.entries().size(), "entries");
            }
        }
    }

    private static void bindJournal(Parameters p, BatchWrite batch) throws SQLException {
        JournalColumns journal = batch.journal();
        int records = journal.size();
        p.scalar(batch.ledgerId());
        p.longs(records, journal::sequence);
        p.shorts(records, i -> journal.type(i).tag);
        p.longs(records, journal::timestampMicros);
        p.texts(records, journal::subject);
        p.texts(records, i -> {
            int from = journal.canonicalOffset(i);
            return HEX.formatHex(journal.canonicalBytes(), from, from + journal.canonicalLength(i));
        });
        p.texts(records, i -> {
            int from = journal.hashOffset(i);
            return HEX.formatHex(journal.hashBytes(), from, from + JournalCodec.HASH_BYTES);
        });
    }

    private static void bindAccounts(Parameters p, BatchWrite batch) throws SQLException {
        List<Account> accounts = batch.accountsCreated();
        p.scalar(batch.ledgerId());
        p.texts(accounts, Account::id);
        p.texts(accounts, Account::asset);
        p.shorts(accounts, account -> account.spec().normalBalance().code);
        p.longs(accounts, account -> account.spec().minBalance());
        p.longs(accounts, account -> account.spec().maxBalance());
        p.shorts(accounts, account -> account.status().code);
        p.texts(
                accounts,
                account -> CopyText.Json.object(account.spec().metadata().values()));
        p.longs(accounts, Account::createdAtMicros);
        p.longs(accounts, account -> account.balances().postedDebits());
        p.longs(accounts, account -> account.balances().postedCredits());
        p.longs(accounts, account -> account.balances().pendingDebits());
        p.longs(accounts, account -> account.balances().pendingCredits());
        p.longs(accounts, Account::version);
    }

    private static void bindTransactions(Parameters p, BatchWrite batch) throws SQLException {
        List<Transaction> transactions = batch.transactionsCreated();
        p.scalar(batch.ledgerId());
        p.texts(transactions, Transaction::id);
        p.longs(transactions, Transaction::sequence);
        p.shorts(transactions, transaction -> transaction.status().code);
        p.array("bool", transactions.stream().map(t -> t.spec().pending()).toArray(Boolean[]::new));
        p.longs(transactions, transaction -> transaction.spec().timeoutSeconds());
        p.longs(transactions, Transaction::expiresAtMicros);
        p.texts(transactions, transaction -> transaction.spec().description());
        p.texts(
                transactions,
                transaction ->
                        CopyText.Json.object(transaction.spec().metadata().values()));
        p.texts(transactions, Transaction::reverses);
        p.texts(transactions, Transaction::reversedBy);
        p.longs(transactions, Transaction::committedAtMicros);
        p.texts(transactions, transaction -> HEX.formatHex(transaction.hash()));
        p.texts(transactions, transaction -> textArray(transaction.spec().postings(), Posting::from));
        p.texts(transactions, transaction -> textArray(transaction.spec().postings(), Posting::to));
        p.texts(transactions, transaction -> textArray(transaction.spec().postings(), Posting::asset));
        p.texts(
                transactions,
                transaction -> PostgresLedgerStore.arrayLiteral(transaction.spec().postings().stream()
                        .map(Posting::amount)
                        .toList()));
        p.texts(transactions, transaction -> PostgresLedgerStore.arrayLiteral(transaction.postedAmounts()));
    }

    private static void bindEntries(Parameters p, BatchWrite batch) throws SQLException {
        EntryColumns entries = batch.entries();
        int entryCount = entries.size();
        p.scalar(batch.ledgerId());
        p.texts(entryCount, entries::accountId);
        p.longs(entryCount, entries::sequence);
        p.texts(entryCount, entries::transactionId);
        p.shorts(entryCount, i -> entries.kind(i).code);
        p.longs(entryCount, entries::debit);
        p.longs(entryCount, entries::credit);
        p.longs(entryCount, entries::postedDebitsAfter);
        p.longs(entryCount, entries::postedCreditsAfter);
        p.longs(entryCount, entries::pendingDebitsAfter);
        p.longs(entryCount, entries::pendingCreditsAfter);
        p.longs(entryCount, entries::balanceAfter);
        p.longs(entryCount, entries::availableAfter);
        p.longs(entryCount, entries::committedAtMicros);
    }

    /** {@code {"a","b"}}: PostgreSQL's text form of a text array, every element quoted. */
    static <T> String textArray(List<T> items, Function<T, String> field) {
        StringBuilder literal = new StringBuilder(2 + items.size() * 16).append('{');
        for (int i = 0; i < items.size(); i++) {
            String value = field.apply(items.get(i));
            literal.append(i == 0 ? "\"" : ",\"");
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if (ch == '"' || ch == '\\') {
                    literal.append('\\');
                }
                literal.append(ch);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
    }

    private static void expect(long inserted, int expected, String table) throws SQLException {
        if (inserted != expected) {
            throw new SQLException("inserted " + inserted + " " + table + " rows, expected " + expected);
        }
    }

    /** Binds the statement's parameters in order, each a column of one table as an array. */
    private static final class Parameters {
        private final Connection connection;
        private final PreparedStatement statement;
        private int index = 1;

        Parameters(Connection connection, PreparedStatement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        void scalar(long value) throws SQLException {
            statement.setLong(index++, value);
        }

        <T> void longs(List<T> items, Function<T, Long> field) throws SQLException {
            array("int8", items.stream().map(field).toArray(Long[]::new));
        }

        <T> void shorts(List<T> items, Function<T, Integer> field) throws SQLException {
            array(
                    "int2",
                    items.stream().map(item -> (short) (int) field.apply(item)).toArray(Short[]::new));
        }

        <T> void texts(List<T> items, Function<T, String> field) throws SQLException {
            array("text", items.stream().map(field).toArray(String[]::new));
        }

        /** A column of {@code count} rows, row {@code i}'s value {@code column.applyAsLong(i)}. */
        void longs(int count, IntToLongFunction column) throws SQLException {
            Long[] values = new Long[count];
            for (int i = 0; i < count; i++) {
                values[i] = column.applyAsLong(i);
            }
            array("int8", values);
        }

        void shorts(int count, IntUnaryOperator column) throws SQLException {
            Short[] values = new Short[count];
            for (int i = 0; i < count; i++) {
                values[i] = (short) column.applyAsInt(i);
            }
            array("int2", values);
        }

        void texts(int count, IntFunction<String> column) throws SQLException {
            String[] values = new String[count];
            for (int i = 0; i < count; i++) {
                values[i] = column.apply(i);
            }
            array("text", values);
        }

        void array(String type, Object[] values) throws SQLException {
            statement.setArray(index++, connection.createArrayOf(type, values));
        }
    }
}
