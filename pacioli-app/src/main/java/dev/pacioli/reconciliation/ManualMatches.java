package dev.pacioli.reconciliation;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.PostgresLedgerStore.CommitRows;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a person does with what matching left: a match made by hand (with the difference written off
 * through the {@link LedgerPort} to an account they name), a proposal accepted, a match undone, a line
 * ignored. Each is audited with the actor and appended to the service stream.
 *
 * <p>A write-off is a ledger transaction of its own ({@code recon:{match}:write_off}, idempotent by that
 * id) submitted before the match is recorded: a crash between the two leaves a posted write-off the next
 * run sees as an open entry of the account, never a match without its money.
 */
final class ManualMatches {
    private final Database database;
    private final Reconciliation reconciliation;

    ManualMatches(Database database, Reconciliation reconciliation) {
        this.database = database;
        this.reconciliation = reconciliation;
    }

    /** Lines and entries (transaction ids on the account) matched by a person. */
    MatchStore.StoredMatch match(
            String ledger, List<String> lineIds, List<String> transactionIds, String writeOffAccount, Actor actor) {
        List<StatementStore.Line> lines = Transactions.run(
                database.dataSource(),
                "could not read the lines",
                connection -> StatementStore.linesById(connection, ledger, lineIds));
        if (lines.size() != Set.copyOf(lineIds).size()) {
            throw ApiException.notFound("line_not_found", "a line of " + lineIds + " does not exist in this ledger");
        }
        String account = accountOf(ledger, lines.getFirst().id());
        LedgerSide.AccountInfo info = reconciliation.account(ledger, account);
        String matchId = StatementStore.newId("match");
        return Transactions.run(database.dataSource(), "could not record the match", connection -> {
            MatchStore.lockAccount(connection, ledger, account);
            checkOpen(connection, ledger, account, lineIds);
            List<long[]> entries = entries(connection, ledger, info, transactionIds);
            long difference =
                    lines.stream().mapToLong(StatementStore.Line::amount).sum()
                            - entries.stream().mapToLong(entry -> entry[1]).sum();
            String writeOff = null;
            List<Long> sequences =
                    new ArrayList<>(entries.stream().map(entry -> entry[0]).toList());
            List<String> transactions = new ArrayList<>(transactionIds);
            if (difference != 0) {
                if (writeOffAccount == null) {
                    throw new ApiException(
                            422,
                            "amounts_differ",
                            "the lines and entries differ by " + difference
                                    + " minor units; name a write_off_account to post the difference");
                }
                writeOff = writeOff(ledger, info, matchId, difference, writeOffAccount);
                sequences.add(sequenceOf(connection, info, writeOff));
                transactions.add(writeOff);
            }
            MatchStore.StoredMatch match = MatchStore.insertMatch(
                    connection,
                    new MatchStore.StoredMatch(
                            matchId,
                            ledger,
                            account,
                            null,
                            Matcher.Tier.MANUAL.code,
                            List.copyOf(lineIds),
                            sequences,
                            transactions,
                            writeOff,
                            actor.principal(),
                            0));
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.RECONCILIATION_MATCH_CREATED,
                                    matchId,
                                    null,
                                    ReconciliationJson.matchAudit(match))
                            .inLedger(ledger));
            ServiceEvents.append(connection, "reconciliation.matched", ledger, ReconciliationJson.matchEvent(match));
            return MatchStore.match(connection, ledger, matchId).orElseThrow();
        });
    }

    private String accountOf(String ledger, String lineId) {
        return Transactions.run(database.dataSource(), "could not read the line", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("select account from recon_lines where ledger = ? and id = ?")) {
                select.setString(1, ledger);
                select.setString(2, lineId);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        });
    }

    private static void checkOpen(Connection connection, String ledger, String account, List<String> lineIds)
            throws SQLException {
        for (StatementStore.Line line : StatementStore.linesById(connection, ledger, lineIds)) {
            if (!line.status().equals("unmatched") && !line.status().equals("proposed")) {
                throw new ApiException(409, "line_not_open", "line " + line.id() + " is " + line.status());
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select count(distinct account) from recon_lines where ledger = ? and id = any (?)")) {
            select.setString(1, ledger);
            select.setArray(2, connection.createArrayOf("text", lineIds.toArray()));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                if (row.getInt(1) != 1) {
                    throw new ApiException(422, "lines_of_several_accounts", "a match is of one account's lines");
                }
            }
        }
    }

    /** Each transaction's posting entry on the account, open: {sequence, signed amount}. */
    private static List<long[]> entries(
            Connection connection, String ledger, LedgerSide.AccountInfo info, List<String> transactionIds)
            throws SQLException {
        List<long[]> entries = new ArrayList<>();
        boolean debitNormal = info.account().spec().normalBalance() == NormalBalance.DEBIT;
        for (String id : transactionIds) {
            try (PreparedStatement select = connection.prepareStatement("select e.sequence, e.debit, e.credit,"
                    + " exists (select 1 from recon_matched_entries m where m.ledger = ? and m.account = ?"
                    + " and m.sequence = e.sequence) from entries e where e.ledger_id = ? and e.account_id = ?"
                    + " and e.transaction_id = ? and e.kind in (0, 2) order by e.sequence desc limit 1")) {
                select.setString(1, ledger);
                select.setString(2, info.account().id());
                select.setLong(3, info.ledgerId());
                select.setString(4, info.account().id());
                select.setString(5, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw ApiException.notFound(
                                "entry_not_found",
                                "transaction '" + id + "' posts nothing on "
                                        + info.account().id());
                    }
                    if (row.getBoolean(4)) {
                        throw new ApiException(409, "entry_already_matched", "transaction '" + id + "' is matched");
                    }
                    long debit = row.getLong(2);
                    long credit = row.getLong(3);
                    entries.add(new long[] {row.getLong(1), debitNormal ? debit - credit : credit - debit});
                }
            }
        }
        return entries;
    }

    /** Posts {@code difference} (statement − ledger) onto the account from the write-off account. */
    private String writeOff(
            String ledger, LedgerSide.AccountInfo info, String matchId, long difference, String writeOffAccount) {
        String account = info.account().id();
        boolean debitNormal = info.account().spec().normalBalance() == NormalBalance.DEBIT;
        boolean raise = difference > 0;
        // Debiting a debit-normal account raises it; crediting a credit-normal one does.
        Posting posting = raise == debitNormal
                ? new Posting(
                        account,
                        writeOffAccount,
                        Math.abs(difference),
                        info.account().asset())
                : new Posting(
                        writeOffAccount,
                        account,
                        Math.abs(difference),
                        info.account().asset());
        String id = "recon:" + matchId + ":write_off";
        LedgerPort port = reconciliation.port();
        TransactionResult result = Engines.await(port.submit(
                ledger,
                new TransactionSpec(
                        id,
                        List.of(posting),
                        false,
                        null,
                        Metadata.of("reconciliation_match", matchId),
                        "reconciliation write-off")));
        if (result.code() != ResultCode.CREATED && result.code() != ResultCode.EXISTS) {
            throw Outcomes.failure(result);
        }
        return id;
    }

    private static long sequenceOf(Connection connection, LedgerSide.AccountInfo info, String transactionId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select sequence from entries where ledger_id = ?"
                + " and account_id = ? and transaction_id = ? and kind = 0")) {
            select.setLong(1, info.ledgerId());
            select.setString(2, info.account().id());
            select.setString(3, transactionId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("the write-off " + transactionId + " has no entry on the account");
                }
                return row.getLong(1);
            }
        }
    }

    /** Accepts an open proposal as a match of its tier. */
    MatchStore.StoredMatch accept(String ledger, String proposalId, Actor actor) {
        return Transactions.run(database.dataSource(), "could not accept the proposal", connection -> {
            MatchStore.StoredProposal proposal = MatchStore.proposal(connection, ledger, proposalId)
                    .orElseThrow(() -> ApiException.notFound("proposal_not_found", "no proposal '" + proposalId + "'"));
            MatchStore.lockAccount(connection, ledger, proposal.account());
            if (!proposal.status().equals("open")) {
                throw new ApiException(409, "proposal_not_open", "proposal " + proposalId + " is " + proposal.status());
            }
            checkOpen(connection, ledger, proposal.account(), proposal.lines());
            Set<Long> taken = MatchStore.matchedSequences(connection, ledger, proposal.account());
            if (proposal.entries().stream().anyMatch(taken::contains)) {
                throw new ApiException(409, "entry_already_matched", "an entry of the proposal is matched");
            }
            List<String> transactions = new ArrayList<>();
            for (Long sequence : proposal.entries()) {
                transactions.add(transactionOf(connection, ledger, proposal.account(), sequence));
            }
            String matchId = StatementStore.newId("match");
            MatchStore.StoredMatch match = MatchStore.insertMatch(
                    connection,
                    new MatchStore.StoredMatch(
                            matchId,
                            ledger,
                            proposal.account(),
                            proposal.runId(),
                            proposal.tier(),
                            proposal.lines(),
                            proposal.entries(),
                            transactions,
                            null,
                            actor.principal(),
                            0));
            MatchStore.acceptProposal(connection, proposal);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.RECONCILIATION_PROPOSAL_ACCEPTED,
                                    proposalId,
                                    AuditJson.object("status", "open"),
                                    AuditJson.object("status", "accepted", "match", matchId))
                            .inLedger(ledger));
            ServiceEvents.append(connection, "reconciliation.matched", ledger, ReconciliationJson.matchEvent(match));
            return MatchStore.match(connection, ledger, matchId).orElseThrow();
        });
    }

    private String transactionOf(Connection connection, String ledger, String account, long sequence)
            throws SQLException {
        LedgerSide.AccountInfo info = reconciliation.account(ledger, account);
        try (PreparedStatement select = connection.prepareStatement(
                "select transaction_id from entries where ledger_id = ? and account_id = ? and sequence = ?")) {
            select.setLong(1, info.ledgerId());
            select.setString(2, account);
            select.setLong(3, sequence);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /**
     * Deletes a match: its lines open again, its entries are free. A match with a write-off has it
     * reversed ({@code recon:{match}:write_off:reversal}), and the match is deleted in the reversal's
     * own database transaction, so the money and the match never disagree; the write-off and its
     * reversal are then left out of matching (they are the reconciliation's own, and cancel out).
     */
    MatchStore.StoredMatch unmatch(String ledger, String matchId, String reason, Actor actor) {
        MatchStore.StoredMatch found = Transactions.run(
                        database.dataSource(),
                        "could not read the match",
                        connection -> MatchStore.match(connection, ledger, matchId))
                .orElseThrow(() -> matchNotFound(matchId));
        if (found.writeOffTransaction() == null) {
            return Transactions.run(database.dataSource(), "could not delete the match", connection -> {
                MatchStore.lockAccount(connection, ledger, found.account());
                MatchStore.StoredMatch match =
                        MatchStore.match(connection, ledger, matchId).orElseThrow(() -> matchNotFound(matchId));
                MatchStore.deleteMatch(connection, match, actor, reason);
                return match;
            });
        }
        TransactionResult reversed = Engines.await(reconciliation
                .port()
                .reverse(
                        ledger,
                        new LedgerPort.Reversal(
                                found.writeOffTransaction(),
                                found.writeOffTransaction() + ":reversal",
                                Metadata.of("reconciliation_match", matchId),
                                "reconciliation write-off reversed: the match was deleted",
                                false,
                                (CommitRows) connection -> MatchStore.deleteMatch(connection, found, actor, reason))));
        if (reversed.code() == ResultCode.EXISTS) {
            throw matchNotFound(matchId); // deleted by an earlier request, with its write-off reversed
        }
        if (!reversed.code().succeeded()) {
            throw Outcomes.failure(reversed);
        }
        return found;
    }

    private static ApiException matchNotFound(String matchId) {
        return ApiException.notFound("match_not_found", "no match '" + matchId + "'");
    }

    StatementStore.Line ignore(String ledger, String lineId, String reason, Actor actor) {
        return Transactions.run(database.dataSource(), "could not ignore the line", connection -> {
            StatementStore.Line line = StatementStore.linesById(connection, ledger, List.of(lineId)).stream()
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("line_not_found", "no line '" + lineId + "'"));
            if (!MatchStore.ignoreLine(connection, ledger, lineId, reason)) {
                throw new ApiException(409, "line_not_open", "line " + lineId + " is " + line.status());
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.RECONCILIATION_LINE_IGNORED,
                                    lineId,
                                    AuditJson.object("status", line.status()),
                                    AuditJson.object("status", "ignored"))
                            .inLedger(ledger)
                            .because(reason));
            ServiceEvents.append(
                    connection,
                    "reconciliation.line_ignored",
                    ledger,
                    ReconciliationJson.bytes(Map.of("id", lineId, "reason", reason)));
            return StatementStore.linesById(connection, ledger, List.of(lineId)).getFirst();
        });
    }
}
