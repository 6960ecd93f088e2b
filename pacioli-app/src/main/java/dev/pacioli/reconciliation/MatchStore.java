package dev.pacioli.reconciliation;

import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Timestamps;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches, proposals and runs (tables of {@code db/reconciliation/V27}). Every write here happens on
 * the caller's connection, inside the transaction that holds the account's advisory lock, so two runs
 * or a run and a manual match of one account never interleave. {@code recon_matched_entries}' key makes
 * an entry's second match fail loudly, whatever the code above it does.
 */
final class MatchStore {
    private MatchStore() {}

    record StoredMatch(
            String id,
            String ledger,
            String account,
            String runId,
            String tier,
            List<String> lines,
            List<Long> entries,
            List<String> transactions,
            String writeOffTransaction,
            String createdBy,
            long createdAtMicros) {}

    record StoredProposal(
            String id,
            String runId,
            String ledger,
            String account,
            String tier,
            List<String> lines,
            List<Long> entries,
            String score,
            List<String> reasons,
            String status) {}

    /** Serializes the work on one account: a transaction-scoped advisory lock on its name. */
    static void lockAccount(Connection connection, String ledger, String account) throws SQLException {
        try (PreparedStatement lock =
                connection.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 27))")) {
            lock.setString(1, "recon/" + ledger + "/" + account);
            lock.execute();
        }
    }

    static Set<Long> matchedSequences(Connection connection, String ledger, String account) throws SQLException {
        Set<Long> sequences = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select sequence from recon_matched_entries where ledger = ? and account = ?")) {
            select.setString(1, ledger);
            select.setString(2, account);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    sequences.add(row.getLong(1));
                }
            }
        }
        return sequences;
    }

    /** Records a match and marks its lines matched; the entries' key refuses one already matched. */
    static StoredMatch insertMatch(Connection connection, StoredMatch match) throws SQLException {
        insertMatches(connection, List.of(match));
        return match;
    }

    /**
     * Records matches and marks their lines matched, in three statements whatever their number (a run's
     * 100,000 matches are not 300,000 round trips): the matches and their entries as JDBC batches, the
     * lines in one update over the (line, match) pairs. The entries' key refuses one already matched; a
     * line matched or ignored meanwhile fails the whole.
     */
    static void insertMatches(Connection connection, List<StoredMatch> matches) throws SQLException {
        if (matches.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into recon_matches (id, ledger, account,"
                + " run_id, tier, lines, entries, transactions, write_off_transaction, created_by)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (StoredMatch match : matches) {
                insert.setString(1, match.id());
                insert.setString(2, match.ledger());
                insert.setString(3, match.account());
                insert.setString(4, match.runId());
                insert.setString(5, match.tier());
                insert.setArray(
                        6, connection.createArrayOf("text", match.lines().toArray()));
                insert.setArray(
                        7, connection.createArrayOf("bigint", match.entries().toArray()));
                insert.setArray(
                        8, connection.createArrayOf("text", match.transactions().toArray()));
                insert.setString(9, match.writeOffTransaction());
                insert.setString(10, match.createdBy());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into recon_matched_entries (ledger, account, sequence, match_id) values (?, ?, ?, ?)")) {
            for (StoredMatch match : matches) {
                for (Long sequence : match.entries()) {
                    insert.setString(1, match.ledger());
                    insert.setString(2, match.account());
                    insert.setLong(3, sequence);
                    insert.setString(4, match.id());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
        List<String> lineIds = new ArrayList<>();
        List<String> matchIds = new ArrayList<>();
        for (StoredMatch match : matches) {
            for (String line : match.lines()) {
                lineIds.add(line);
                matchIds.add(match.id());
            }
        }
        String ledger = matches.getFirst().ledger();
        try (PreparedStatement update = connection.prepareStatement("update recon_lines l set status = 'matched',"
                + " match_id = u.match_id from unnest(?::text[], ?::text[]) as u (id, match_id)"
                + " where l.ledger = ? and l.id = u.id and l.status in ('unmatched', 'proposed')")) {
            update.setArray(1, connection.createArrayOf("text", lineIds.toArray()));
            update.setArray(2, connection.createArrayOf("text", matchIds.toArray()));
            update.setString(3, ledger);
            int updated = update.executeUpdate();
            if (updated != lineIds.size()) {
                throw new IllegalStateException("matches took " + updated + " of their " + lineIds.size()
                        + " lines: one was matched or ignored meanwhile");
            }
        }
    }

    /** Records a run's proposals and marks their open lines proposed, as {@link #insertMatches} does. */
    static void insertProposals(Connection connection, List<StoredProposal> proposals) throws SQLException {
        if (proposals.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into recon_proposals (id, run_id, ledger,"
                + " account, tier, lines, entries, score, reasons) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            for (StoredProposal proposal : proposals) {
                insert.setString(1, proposal.id());
                insert.setString(2, proposal.runId());
                insert.setString(3, proposal.ledger());
                insert.setString(4, proposal.account());
                insert.setString(5, proposal.tier());
                insert.setArray(
                        6, connection.createArrayOf("text", proposal.lines().toArray()));
                insert.setArray(
                        7, connection.createArrayOf("bigint", proposal.entries().toArray()));
                insert.setString(8, proposal.score());
                insert.setString(9, ReconciliationJson.strings(proposal.reasons()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        List<String> lineIds = proposals.stream()
                .flatMap(proposal -> proposal.lines().stream())
                .distinct()
                .toList();
        try (PreparedStatement update = connection.prepareStatement("update recon_lines set status = 'proposed'"
                + " where ledger = ? and id = any (?) and status = 'unmatched'")) {
            update.setString(1, proposals.getFirst().ledger());
            update.setArray(2, connection.createArrayOf("text", lineIds.toArray()));
            update.executeUpdate();
        }
    }

    /** A new run replaces the open proposals of the period's lines: those lines are open again. */
    static void supersedeProposals(Connection connection, String ledger, String account, List<String> lineIds)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update recon_proposals set status = 'superseded'"
                + " where ledger = ? and account = ? and status = 'open' and lines && ?")) {
            update.setString(1, ledger);
            update.setString(2, account);
            update.setArray(3, connection.createArrayOf("text", lineIds.toArray()));
            update.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement("update recon_lines set status = 'unmatched'"
                + " where ledger = ? and id = any (?) and status = 'proposed'")) {
            update.setString(1, ledger);
            update.setArray(2, connection.createArrayOf("text", lineIds.toArray()));
            update.executeUpdate();
        }
    }

    static void insertRun(Connection connection, ReconRun run) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into recon_runs (id, ledger, account,"
                + " from_date, to_date, window_days, summary, created_by) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            insert.setString(1, run.id());
            insert.setString(2, run.ledger());
            insert.setString(3, run.account());
            insert.setObject(4, run.from());
            insert.setObject(5, run.to());
            insert.setInt(6, run.windowDays());
            insert.setString(7, run.summaryJson());
            insert.setString(8, run.createdBy());
            insert.executeUpdate();
        }
    }

    static Optional<String> runJson(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select summary::text from recon_runs where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    private static final String MATCH_COLUMNS = "id, ledger, account, run_id, tier, lines, entries, transactions,"
            + " write_off_transaction, created_by, created_at";

    static List<StoredMatch> matchesOfRun(Connection connection, String ledger, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + MATCH_COLUMNS + " from recon_matches where ledger = ? and run_id = ? order by id")) {
            select.setString(1, ledger);
            select.setString(2, runId);
            return matches(select);
        }
    }

    static Optional<StoredMatch> match(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + MATCH_COLUMNS + " from recon_matches where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            return matches(select).stream().findFirst();
        }
    }

    private static List<StoredMatch> matches(PreparedStatement select) throws SQLException {
        List<StoredMatch> matches = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                matches.add(new StoredMatch(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        strings(row.getArray(6)),
                        longs(row.getArray(7)),
                        strings(row.getArray(8)),
                        row.getString(9),
                        row.getString(10),
                        Timestamps.micros(row, 11)));
            }
        }
        return matches;
    }

    static Optional<StoredProposal> proposal(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select id, run_id, ledger, account, tier, lines,"
                + " entries, score, reasons::text, status from recon_proposals where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredProposal(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        strings(row.getArray(6)),
                        longs(row.getArray(7)),
                        row.getString(8),
                        ReconciliationJson.parseStrings(row.getString(9)),
                        row.getString(10)));
            }
        }
    }

    static void acceptProposal(Connection connection, StoredProposal proposal) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update recon_proposals set status = 'accepted' where id = ?")) {
            update.setString(1, proposal.id());
            update.executeUpdate();
        }
    }

    /** Deletes a match: its entries free, its lines unmatched; audited with what it was. */
    static void deleteMatch(Connection connection, StoredMatch match, Actor actor, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update recon_lines set status = 'unmatched',"
                + " match_id = null where ledger = ? and match_id = ?")) {
            update.setString(1, match.ledger());
            update.setString(2, match.id());
            update.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement("delete from recon_matches where id = ?")) {
            delete.setString(1, match.id());
            delete.executeUpdate();
        }
        AuditLog.append(
                connection,
                actor,
                AuditEntry.of(
                                AuditAction.RECONCILIATION_MATCH_DELETED,
                                match.id(),
                                ReconciliationJson.matchAudit(match),
                                null)
                        .inLedger(match.ledger())
                        .because(reason));
        ServiceEvents.append(
                connection, "reconciliation.unmatched", match.ledger(), ReconciliationJson.matchEvent(match));
    }

    /** Ignores an open line with the reason; false when it is not open. */
    static boolean ignoreLine(Connection connection, String ledger, String id, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update recon_lines set status = 'ignored',"
                + " ignore_reason = ? where ledger = ? and id = ? and status in ('unmatched', 'proposed')")) {
            update.setString(1, reason);
            update.setString(2, ledger);
            update.setString(3, id);
            return update.executeUpdate() == 1;
        }
    }

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    static List<Long> longs(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((Long[]) array.getArray());
    }
}
