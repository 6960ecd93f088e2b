package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What reconciliation reads of the ledger: an account (its asset and normal side) and its entries of a
 * period with their transactions' ids, descriptions and metadata. Reads only, in one statement each, of
 * committed rows; the ledger's writer is never involved.
 *
 * <p>An entry's amount is signed as the account's balance moves: for a debit-normal account (a bank
 * account the platform holds), debit − credit, so money into the bank is positive, as on the bank's
 * statement. Only entries that change the posted balance count ({@code posted}, and the {@code post} of a
 * pending transaction): a pending amount is not yet on any statement.
 */
final class LedgerSide {
    static final int ENTRIES_MAX = 1_000_000;

    private final Database database;

    LedgerSide(Database database) {
        this.database = database;
    }

    record AccountInfo(long ledgerId, Account account) {}

    Optional<AccountInfo> account(String ledger, String accountId) {
        return database.catalog()
                .findLedger(ledger)
                .flatMap(found -> database.reads()
                        .account(found.id(), accountId)
                        .map(account -> new AccountInfo(found.id(), account)));
    }

    /** The account's posting entries committed on the UTC days {@code from} to {@code to}, inclusive. */
    List<Matcher.Item> entries(Connection connection, AccountInfo info, LocalDate from, LocalDate to)
            throws SQLException {
        boolean debitNormal = info.account().spec().normalBalance() == NormalBalance.DEBIT;
        String sql = "select e.sequence, e.transaction_id, e.debit, e.credit, e.committed_at, t.description,"
                + " t.metadata ->> 'external_id', t.metadata ->> 'end_to_end_id', t.metadata ->> 'reference'"
                + " from entries e join transactions t on t.ledger_id = e.ledger_id and t.id = e.transaction_id"
                + " where e.ledger_id = ? and e.account_id = ? and e.kind in (" + EntryKind.POSTED.code + ", "
                + EntryKind.POST.code + ") and e.committed_at >= ? and e.committed_at < ?"
                // A write-off reversed with its match, and that reversal: reconciliation's own, cancelling out.
                + " and not (t.metadata ->> 'reconciliation_match' is not null"
                + " and (t.reversed_by is not null or t.reverses is not null))";
        List<Matcher.Item> items = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, info.ledgerId());
            statement.setString(2, info.account().id());
            statement.setObject(3, from.atStartOfDay().atOffset(ZoneOffset.UTC));
            statement.setObject(4, to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            statement.setFetchSize(10_000);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    long debit = row.getLong(3);
                    long credit = row.getLong(4);
                    long micros = Timestamps.micros(row.getObject(5, OffsetDateTime.class));
                    String description = row.getString(6);
                    String reference = row.getString(9) != null ? row.getString(9) : description;
                    items.add(new Matcher.Item(
                            row.getLong(1),
                            row.getString(2),
                            debitNormal ? debit - credit : credit - debit,
                            utcDate(micros),
                            row.getString(7),
                            row.getString(8),
                            reference));
                    if (items.size() > ENTRIES_MAX) {
                        throw new IllegalStateException("more than " + ENTRIES_MAX + " entries in one run");
                    }
                }
            }
        }
        return items;
    }

    /** The account's balance at the end (23:59:59.999999 UTC) of a day. */
    static long endOfDayMicros(LocalDate day) {
        return day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() * 1_000 - 1;
    }

    static LocalDate utcDate(long micros) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000)), ZoneOffset.UTC);
    }
}
