package dev.pacioli.postgres;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The one place that maps rows to domain values, and names the columns each query must select. */
final class Rows {
    private Rows() {}

    /** Metadata is read as a two-dimensional text array of key/value pairs: no JSON parser needed. */
    static final String METADATA_PAIRS = "(select array_agg(array[key, value]) from jsonb_each_text(%s.metadata))";

    static final String ACCOUNT_COLUMNS = "a.id, a.asset, a.normal_balance, a.min_balance, a.max_balance, a.status, "
            + "a.created_at, a.posted_debits, a.posted_credits, a.pending_debits, a.pending_credits, a.version, "
            + METADATA_PAIRS.formatted("a");

    static final String TRANSACTION_COLUMNS = "t.id, t.sequence, t.status, t.pending, t.timeout_seconds, "
            + "t.expires_at, t.description, t.reverses, t.reversed_by, t.committed_at, t.hash, "
            + METADATA_PAIRS.formatted("t")
            + ", t.posting_from, t.posting_to, t.posting_amount, t.posting_asset, t.posted_amount";

    static final String ENTRY_COLUMNS = "account_id, sequence, transaction_id, kind, debit, credit, posted_debits, "
            + "posted_credits, pending_debits, pending_credits, balance_after, available_after, committed_at";

    static Account account(ResultSet row) throws SQLException {
        AccountSpec spec = new AccountSpec(
                row.getString(1),
                row.getString(2),
                NormalBalance.ofCode(row.getShort(3)),
                nullableLong(row, 4),
                nullableLong(row, 5),
                metadata(row.getArray(13)));
        Balances balances = new Balances(row.getLong(8), row.getLong(9), row.getLong(10), row.getLong(11));
        return new Account(spec, AccountStatus.ofCode(row.getShort(6)), micros(row, 7), balances, row.getLong(12));
    }

    static Transaction transaction(ResultSet row) throws SQLException {
        String[] froms = (String[]) row.getArray(13).getArray();
        String[] tos = (String[]) row.getArray(14).getArray();
        Long[] amounts = (Long[]) row.getArray(15).getArray();
        String[] assets = (String[]) row.getArray(16).getArray();
        Array posted = row.getArray(17);
        List<Posting> postings = new ArrayList<>(froms.length);
        for (int i = 0; i < froms.length; i++) {
            postings.add(new Posting(froms[i], tos[i], amounts[i], assets[i]));
        }
        TransactionSpec spec = new TransactionSpec(
                row.getString(1),
                postings,
                row.getBoolean(4),
                nullableLong(row, 5),
                metadata(row.getArray(12)),
                row.getString(7));
        return new Transaction(
                spec,
                row.getString(8),
                TransactionStatus.ofCode(row.getShort(3)),
                row.getLong(2),
                micros(row, 10),
                row.getBytes(11),
                row.getLong(6),
                posted == null ? null : List.of((Long[]) posted.getArray()),
                row.getString(9));
    }

    static Entry entry(ResultSet row) throws SQLException {
        return new Entry(
                row.getString(1),
                row.getLong(2),
                row.getString(3),
                EntryKind.ofCode(row.getShort(4)),
                row.getLong(5),
                row.getLong(6),
                new Balances(row.getLong(7), row.getLong(8), row.getLong(9), row.getLong(10)),
                row.getLong(11),
                row.getLong(12),
                micros(row, 13));
    }

    static Metadata metadata(Array pairs) throws SQLException {
        if (pairs == null) {
            return Metadata.EMPTY;
        }
        String[][] values = (String[][]) pairs.getArray();
        TreeMap<String, String> map = new TreeMap<>();
        for (String[] pair : values) {
            map.put(pair[0], pair[1]);
        }
        return Metadata.of(map);
    }

    static long micros(ResultSet row, int column) throws SQLException {
        return Timestamps.micros(row, column);
    }

    static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}
