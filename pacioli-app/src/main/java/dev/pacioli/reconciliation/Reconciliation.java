package dev.pacioli.reconciliation;

import dev.pacioli.controls.Controls;
import dev.pacioli.controls.ControlsState;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.payments.payouts.PayoutHolds;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Transactions;
import dev.pacioli.reconciliation.DriftPolicy.Action;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reconciliation's work: statements in, matching runs, and the drift each measures with what it sets
 * off. Matching of one account is serialized by an advisory lock and written in one database
 * transaction: the run, its matches, its proposals and the lines' new states commit together or not at
 * all. Drift actions (alert, payout hold, emergency stop) follow the commit of the drift they answer.
 */
final class Reconciliation {
    /** A run's lists (unmatched lines and entries, proposals) show at most this many items each. */
    static final int RUN_LIST_MAX = 1_000;

    static final String ALERT_CATEGORY = "reconciliation";

    private final Database database;
    final LedgerSide ledgerSide;
    final StatementStore statements;
    final DriftStore drifts;
    private final LedgerPort port;
    private final Alerts alerts;
    private final Controls controls;
    private final PayoutHolds holds;
    private final ReconMetrics metrics;

    Reconciliation(
            Database database,
            LedgerPort port,
            Alerts alerts,
            Controls controls,
            PayoutHolds holds,
            ReconMetrics metrics) {
        this.database = database;
        this.ledgerSide = new LedgerSide(database);
        this.statements = new StatementStore(database.dataSource());
        this.drifts = new DriftStore(database.dataSource());
        this.port = port;
        this.alerts = alerts;
        this.controls = controls;
        this.holds = holds;
        this.metrics = metrics;
    }

    LedgerPort port() {
        return port;
    }

    LedgerSide.AccountInfo account(String ledger, String account) {
        return ledgerSide
                .account(ledger, account)
                .orElseThrow(() -> ApiException.notFound("account_not_found", "no account '" + account + "'"));
    }

    Asset asset(String code) {
        return database.catalog().listAssets().stream()
                .map(stored -> stored.asset())
                .filter(asset -> asset.code().equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the account's asset " + code + " is not in the catalog"));
    }

    // ---- statements

    /** Reads, checks and stores a statement; the same file again answers the stored one. */
    StatementStore.Stored importStatement(
            String ledger, String account, byte[] body, CsvMapping mapping, String principal) {
        LedgerSide.AccountInfo info = account(ledger, account);
        Asset asset = asset(info.account().asset());
        StatementFile file;
        try {
            file = mapping == null ? CamtStatements.read(body, asset) : CsvStatements.read(body, mapping, asset);
        } catch (StatementFile.Refused refused) {
            throw new ApiException(400, refused.code, refused.getMessage());
        }
        StatementStore.Stored stored = statements.insert(ledger, account, asset.code(), file, sha256(body), principal);
        if (stored.created() && file.closingBalance() != null) {
            measureDrift(
                    info, stored.statement(), "statement:" + stored.statement().id());
        }
        return stored;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- runs

    /** Matches the period's open lines against the account's open entries; answers the run's JSON. */
    String run(String ledger, String account, LocalDate from, LocalDate to, int windowDays, String principal) {
        LedgerSide.AccountInfo info = account(ledger, account);
        String json = Transactions.run(database.dataSource(), "could not run the matching", connection -> {
            MatchStore.lockAccount(connection, ledger, account);
            List<StatementStore.Line> open =
                    StatementStore.lines(connection, ledger, account, from, to, "unmatched", "proposed");
            Set<Long> taken = MatchStore.matchedSequences(connection, ledger, account);
            List<Matcher.Item> items = new ArrayList<>();
            for (Matcher.Item item :
                    ledgerSide.entries(connection, info, from.minusDays(windowDays), to.plusDays(windowDays))) {
                if (!taken.contains(item.sequence())) {
                    items.add(item);
                }
            }
            List<Matcher.Line> lines =
                    open.stream().map(StatementStore.Line::forMatching).toList();
            Matcher.Outcome outcome = Matcher.match(lines, items, windowDays);
            ReconRun run = record(connection, ledger, account, from, to, windowDays, principal, outcome, items);
            ServiceEvents.append(
                    connection,
                    "reconciliation.run_completed",
                    ledger,
                    run.summaryJson().getBytes(StandardCharsets.UTF_8));
            return run.summaryJson();
        });
        Transactions.run(database.dataSource(), "could not read the statement", connection -> {
            statements
                    .latestClosing(connection, ledger, account, to)
                    .ifPresent(statement -> measureDrift(info, statement, "run"));
            return null;
        });
        return json;
    }

    private ReconRun record(
            Connection connection,
            String ledger,
            String account,
            LocalDate from,
            LocalDate to,
            int windowDays,
            String principal,
            Matcher.Outcome outcome,
            List<Matcher.Item> items)
            throws SQLException {
        String runId = StatementStore.newId("run");
        Map<Long, Matcher.Item> bySequence = new HashMap<>();
        items.forEach(item -> bySequence.put(item.sequence(), item));
        long periodLines = StatementStore.countLines(connection, ledger, account, from, to, StatementStore.LINE_STATES);
        List<String> openLines = new ArrayList<>(outcome.unmatchedLines());
        outcome.matches().forEach(match -> openLines.addAll(match.lines()));
        // Before any match is written: a line matched now had a proposal of an earlier run, if any.
        MatchStore.supersedeProposals(connection, ledger, account, openLines);
        ReconRun started = new ReconRun(runId, ledger, account, from, to, windowDays, "{}", principal);
        MatchStore.insertRun(connection, started);
        insertMatches(connection, started, outcome, bySequence);
        List<Map<String, Object>> proposals = insertProposals(connection, started, outcome);
        long matchedLines = StatementStore.countLines(connection, ledger, account, from, to, List.of("matched"));
        String summary = summary(
                runId,
                ledger,
                account,
                from,
                to,
                windowDays,
                principal,
                outcome,
                bySequence,
                periodLines,
                matchedLines,
                proposals);
        try (var update = connection.prepareStatement("update recon_runs set summary = ?::jsonb where id = ?")) {
            update.setString(1, summary);
            update.setString(2, runId);
            update.executeUpdate();
        }
        BigDecimal rate = matchRate(matchedLines, periodLines);
        metrics.run(
                ledger,
                account,
                rate.movePointRight(6).longValue(),
                outcome.unmatchedLines().size(),
                outcome.unmatchedEntries().size());
        return new ReconRun(runId, ledger, account, from, to, windowDays, summary, principal);
    }

    private static void insertMatches(
            Connection connection, ReconRun run, Matcher.Outcome outcome, Map<Long, Matcher.Item> bySequence)
            throws SQLException {
        List<MatchStore.StoredMatch> matches = new ArrayList<>(outcome.matches().size());
        for (Matcher.Match match : outcome.matches()) {
            List<String> transactions = match.entries().stream()
                    .map(sequence -> bySequence.get(sequence).transactionId())
                    .toList();
            matches.add(new MatchStore.StoredMatch(
                    StatementStore.newId("match"),
                    run.ledger(),
                    run.account(),
                    run.id(),
                    match.tier().code,
                    match.lines(),
                    match.entries(),
                    transactions,
                    null,
                    run.createdBy(),
                    0));
        }
        MatchStore.insertMatches(connection, matches);
    }

    /** Stores the run's proposals; answers the first {@link #RUN_LIST_MAX} as JSON for the run's answer. */
    private static List<Map<String, Object>> insertProposals(
            Connection connection, ReconRun run, Matcher.Outcome outcome) throws SQLException {
        List<MatchStore.StoredProposal> stored =
                new ArrayList<>(outcome.proposals().size());
        for (Matcher.Proposal proposal : outcome.proposals()) {
            stored.add(new MatchStore.StoredProposal(
                    StatementStore.newId("prop"),
                    run.id(),
                    run.ledger(),
                    run.account(),
                    proposal.tier().code,
                    proposal.lines(),
                    proposal.entries(),
                    proposal.score(),
                    proposal.reasons(),
                    "open"));
        }
        MatchStore.insertProposals(connection, stored);
        List<Map<String, Object>> proposals = new ArrayList<>();
        for (MatchStore.StoredProposal proposal : stored.subList(0, Math.min(RUN_LIST_MAX, stored.size()))) {
            proposals.add(ReconciliationJson.proposal(proposal));
        }
        return proposals;
    }

    /** Matched lines ÷ lines of the period, six decimals, rounded down; 1 when the period has none. */
    static BigDecimal matchRate(long matched, long total) {
        return total == 0
                ? BigDecimal.ONE.setScale(6)
                : BigDecimal.valueOf(matched).divide(BigDecimal.valueOf(total), 6, RoundingMode.DOWN);
    }

    private static String summary(
            String runId,
            String ledger,
            String account,
            LocalDate from,
            LocalDate to,
            int windowDays,
            String principal,
            Matcher.Outcome outcome,
            Map<Long, Matcher.Item> bySequence,
            long periodLines,
            long matchedLines,
            List<Map<String, Object>> proposals) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", runId);
        out.put("ledger", ledger);
        out.put("account", account);
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("date_window_days", windowDays);
        out.put("created_by", principal);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Matcher.Tier tier : List.of(
                Matcher.Tier.EXACT_ID,
                Matcher.Tier.REFERENCE_AMOUNT_DATE,
                Matcher.Tier.AMOUNT_DATE,
                Matcher.Tier.ONE_TO_MANY,
                Matcher.Tier.MANY_TO_ONE)) {
            counts.put(tier.code, outcome.countsPerTier().getOrDefault(tier, 0));
        }
        out.put("matched_by_tier", counts);
        out.put("statement_lines", periodLines);
        out.put("matched_lines", matchedLines);
        out.put("match_rate", matchRate(matchedLines, periodLines).toPlainString());
        out.put("unmatched_line_count", outcome.unmatchedLines().size());
        out.put(
                "unmatched_lines",
                outcome.unmatchedLines()
                        .subList(
                                0,
                                Math.min(RUN_LIST_MAX, outcome.unmatchedLines().size())));
        out.put("unmatched_entry_count", outcome.unmatchedEntries().size());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Long sequence : outcome.unmatchedEntries()) {
            if (entries.size() == RUN_LIST_MAX) {
                break;
            }
            Matcher.Item item = bySequence.get(sequence);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sequence", sequence);
            entry.put("transaction_id", item.transactionId());
            entry.put("amount", item.amount());
            entry.put("date", item.date().toString());
            entries.add(entry);
        }
        out.put("unmatched_entries", entries);
        out.put("proposal_count", outcome.proposals().size());
        out.put("proposals", proposals);
        return ReconciliationJson.text(out);
    }

    Optional<String> runJson(String ledger, String id) {
        return Transactions.run(
                database.dataSource(),
                "could not read the run",
                connection -> MatchStore.runJson(connection, ledger, id));
    }

    List<MatchStore.StoredMatch> matchesOfRun(String ledger, String id) {
        return Transactions.run(
                database.dataSource(),
                "could not read the matches",
                connection -> MatchStore.matchesOfRun(connection, ledger, id));
    }

    // ---- drift

    DriftPolicy policy(String ledger, String account) {
        return drifts.settings(ledger, account).map(DriftSettings::parse).orElse(DriftPolicy.DEFAULTS);
    }

    /**
     * Compares the ledger's balance at the end of the statement's closing date with its closing
     * balance, stores the drift, and does what its severity calls for.
     */
    DriftStore.Drift measureDrift(LedgerSide.AccountInfo info, StatementStore.Statement statement, String source) {
        String ledger = statement.ledger();
        String account = statement.account();
        long ledgerBalance = port.balancesAsOf(ledger, account, LedgerSide.endOfDayMicros(statement.closingDate()))
                .balance();
        long outside = statement.closingBalance();
        long drift = Math.subtractExact(ledgerBalance, outside);
        DriftPolicy policy = policy(ledger, account);
        DriftPolicy.Severity severity =
                policy.severity(drift, outside, asset(statement.asset()).scale());
        Action action = policy.action(severity);
        DriftStore.Drift stored = Transactions.run(
                database.dataSource(),
                "could not store the drift",
                connection -> drifts.insert(
                        connection,
                        new DriftStore.Drift(
                                0,
                                ledger,
                                account,
                                statement.closingDate(),
                                source,
                                ledgerBalance,
                                outside,
                                drift,
                                severity.code(),
                                action.code(),
                                action == Action.HOLD_PAYOUTS,
                                null,
                                0)));
        metrics.drift(ledger, account, drift, severity.level);
        act(stored, severity, action);
        return stored;
    }

    private void act(DriftStore.Drift drift, DriftPolicy.Severity severity, Action action) {
        String key = "recon-drift:" + drift.ledger() + "/" + drift.account();
        String summary = "drift of " + drift.drift() + " minor units on " + drift.account() + " in " + drift.ledger()
                + " as of " + drift.asOf() + " (" + severity.code() + ")";
        if (severity.level >= DriftPolicy.Severity.HIGH.level || action != Action.NONE) {
            alerts.raise(new Alerts.Raise(
                    severity == DriftPolicy.Severity.CRITICAL ? Severity.CRITICAL : Severity.WARNING,
                    ALERT_CATEGORY,
                    key,
                    summary,
                    "ledger " + drift.ledgerBalance() + " − outside " + drift.outsideBalance() + "; action "
                            + action.code(),
                    "account:" + drift.ledger() + "/" + drift.account()));
        }
        if (action == Action.EMERGENCY_STOP) {
            controls.engage(
                    ControlsState.Scope.ALL,
                    "reconciliation: " + summary,
                    new Actor("system:reconciliation", null, null, null));
        }
    }

    /** An operator cleared the account's drift: the alert resolves, and payouts it held are released. */
    DriftStore.Cleared clearDrift(String ledger, String account, String reason, Actor actor) {
        account(ledger, account);
        DriftStore.Cleared cleared = drifts.clear(ledger, account, reason, actor);
        alerts.resolve("recon-drift:" + ledger + "/" + account);
        if (!cleared.ledgerStillHolds()) {
            holds.release(ledger, PayoutHolds.RECONCILIATION, actor, reason);
        }
        return cleared;
    }
}
