package dev.pacioli.clearing;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.PostgresLedgerStore;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settling a closed window on the ledger (clearing.md, Settlement on the ledger): every net debtor's
 * settlement account pays the hub {@code clearing:hub:<asset>}, the hub pays every net creditor, in ONE
 * atomic write {@code clearing:<window>:settle} whose database commit also marks the window settled.
 *
 * <p>A transaction holds at most {@value Limits#POSTINGS_PER_TRANSACTION_MAX} postings; a window with
 * more instructions is settled as one atomic batch of transactions {@code clearing:<w>:settle},
 * {@code clearing:<w>:settle:2}, … — still one database commit, all or none, with the window's row.
 * Debtors' postings come first, so the hub never goes below zero on the way and ends at zero.
 *
 * <p>Crash safety: the window's {@code settled} and the ledger transactions commit together (a commit
 * attachment), so after a kill -9 at any instant the window is settled with its transactions present,
 * or neither. Settling again submits the same ids: a settled window answers as it is.
 */
public final class Settlement {
    private final ClearingStore store;
    private final LedgerPort ledgers;
    private final Alerts alerts;
    private final ClearingMetrics metrics;

    public Settlement(ClearingStore store, LedgerPort ledgers, Alerts alerts, ClearingMetrics metrics) {
        this.store = store;
        this.ledgers = ledgers;
        this.alerts = alerts;
        this.metrics = metrics;
    }

    public static String hubAccount(String asset) {
        return "clearing:hub:" + asset;
    }

    public static String transactionId(String window, int part) {
        return "clearing:" + window + ":settle" + (part == 1 ? "" : ":" + part);
    }

    /** Settles the window, or records why it could not; answers the window as it now stands. */
    public Window settle(String ledger, String id, Actor actor) {
        long started = System.nanoTime();
        Window window = store.window(ledger, id).orElseThrow(() -> Windows.windowNotFound(id));
        switch (window.status()) {
            case OPEN -> throw Windows.invalidTransition("window", id, "open", WindowStatus.SETTLED.code());
            case SETTLED -> {
                return window;
            }
            case CLOSED, SETTLEMENT_FAILED -> {}
        }
        JsonNode report = RequestReader.MAPPER.readTree(window.report());
        ArrayNode shortfalls = shortfalls(ledger, report);
        if (!shortfalls.isEmpty()) {
            return failed(ledger, window, shortfalls, actor);
        }
        List<TransactionSpec> specs = specs(id, report);
        PostgresLedgerStore.CommitRows done = connection -> {
            ClearingStore.markSettled(
                    connection,
                    ledger,
                    id,
                    specs.isEmpty() ? null : specs.getFirst().id());
            Window settled = ClearingStore.window(connection, ledger, id, false).orElseThrow();
            byte[] json = ClearingJson.window(settled);
            ServiceEvents.append(connection, "clearing.window.settled", ledger, json);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.CLEARING_WINDOW_SETTLED,
                                    id,
                                    null,
                                    new String(json, StandardCharsets.UTF_8))
                            .inLedger(ledger));
        };
        Window failed = post(ledger, window, report, specs, done, actor);
        if (failed != null) {
            return failed;
        }
        Window settled = store.window(ledger, id).orElseThrow();
        Assert.that(
                settled.status() == WindowStatus.SETTLED,
                "window %s of %s is settled with its transaction",
                id,
                ledger);
        for (JsonNode asset : report.path("assets")) {
            metrics.settled(
                    asset.path("asset").stringValue(), asset.path("efficiency").stringValue());
        }
        metrics.obligations(ObligationStatus.SETTLED, obligations(report));
        metrics.settleTook(Duration.ofNanos(System.nanoTime() - started));
        alerts.resolve(alertKey(ledger, id));
        return settled;
    }

    /** Posts the settlement with the window's change; the window as failed when the ledger refused it, else null. */
    private Window post(
            String ledger,
            Window window,
            JsonNode report,
            List<TransactionSpec> specs,
            PostgresLedgerStore.CommitRows done,
            Actor actor) {
        if (specs.isEmpty()) {
            Transactions.run(store.dataSource(), "could not settle window " + window.id(), connection -> {
                done.write(connection);
                return null;
            });
            return null;
        }
        List<TransactionResult> results = Engines.await(ledgers.submitAtomically(ledger, specs, done));
        ResultCode first = results.getFirst().code();
        if (first == ResultCode.CREATED || first == ResultCode.EXISTS) {
            return null;
        }
        ObjectNode why = JsonNodeFactory.instance.objectNode();
        for (TransactionResult result : results) {
            if (!result.code().succeeded() && result.code() != ResultCode.LINKED_TRANSACTION_FAILED) {
                why.put("code", result.code().code());
            }
        }
        ArrayNode again = shortfalls(ledger, report);
        if (again.isEmpty()) {
            again.add(why);
        }
        return failed(ledger, window, again, actor);
    }

    private static long obligations(JsonNode report) {
        long count = 0;
        for (JsonNode asset : report.path("assets")) {
            count += asset.path("obligations").longValue();
        }
        return count;
    }

    /** Every net debtor whose settlement account holds less than it pays, and by how much. */
    private ArrayNode shortfalls(String ledger, JsonNode report) {
        ArrayNode shortfalls = JsonNodeFactory.instance.arrayNode();
        for (JsonNode asset : report.path("assets")) {
            for (JsonNode instruction : asset.path("instructions")) {
                if (!instruction.path("side").stringValue().equals("pay")) {
                    continue;
                }
                String account = instruction.path("account").stringValue();
                long owed = instruction.path("amount").longValue();
                long available = ledgers.balancesAsOf(ledger, account, Intake.LATEST_MICROS)
                        .available();
                if (available < owed) {
                    ObjectNode shortfall = shortfalls.addObject();
                    shortfall.put("participant", instruction.path("participant").stringValue());
                    shortfall.put("asset", asset.path("asset").stringValue());
                    shortfall.put("account", account);
                    shortfall.put("owed", owed);
                    shortfall.put("available", available);
                    shortfall.put("short_by", owed - available);
                }
            }
        }
        return shortfalls;
    }

    /** The postings, debtors first, cut into transactions of at most the ledger's postings per transaction. */
    static List<TransactionSpec> specs(String window, JsonNode report) {
        List<Posting> postings = new ArrayList<>();
        for (String side : List.of("pay", "receive")) {
            for (JsonNode asset : report.path("assets")) {
                String code = asset.path("asset").stringValue();
                long paid = 0;
                for (JsonNode instruction : asset.path("instructions")) {
                    long amount = instruction.path("amount").longValue();
                    String account = instruction.path("account").stringValue();
                    String sideOf = instruction.path("side").stringValue();
                    if (sideOf.equals("pay")) {
                        paid += amount;
                    }
                    if (sideOf.equals(side)) {
                        postings.add(
                                side.equals("pay")
                                        ? new Posting(account, hubAccount(code), amount, code)
                                        : new Posting(hubAccount(code), account, amount, code));
                    }
                }
                Assert.that(
                        paid == asset.path("net_settlement").longValue(),
                        "what %s's debtors pay is its net settlement",
                        code);
            }
        }
        List<TransactionSpec> specs = new ArrayList<>();
        int size = Limits.POSTINGS_PER_TRANSACTION_MAX;
        for (int from = 0; from < postings.size(); from += size) {
            specs.add(new TransactionSpec(
                    transactionId(window, specs.size() + 1),
                    postings.subList(from, Math.min(postings.size(), from + size)),
                    false,
                    null,
                    Metadata.of("clearing_window", window),
                    "settlement of clearing window " + window));
        }
        return specs;
    }

    private Window failed(String ledger, Window window, ArrayNode shortfalls, Actor actor) {
        ObjectNode failure = JsonNodeFactory.instance.objectNode();
        failure.put("code", "insufficient_funds");
        failure.set("short", shortfalls);
        Window after = Transactions.run(store.dataSource(), "could not record a failed settlement", connection -> {
            if (ClearingStore.markFailed(connection, ledger, window.id(), failure)) {
                Window failedWindow = ClearingStore.window(connection, ledger, window.id(), false)
                        .orElseThrow();
                ServiceEvents.append(
                        connection, "clearing.window.settlement_failed", ledger, ClearingJson.window(failedWindow));
            }
            return ClearingStore.window(connection, ledger, window.id(), false).orElseThrow();
        });
        if (after.status() == WindowStatus.SETTLEMENT_FAILED) {
            alerts.raise(new Alerts.Raise(
                    Severity.CRITICAL,
                    "clearing.settlement_failed",
                    alertKey(ledger, window.id()),
                    "clearing window " + window.id() + " in " + ledger + " could not settle",
                    "participants short: " + shortfalls,
                    "clearing_window:" + ledger + "/" + window.id()));
        }
        return after;
    }

    private static String alertKey(String ledger, String window) {
        return "clearing-settlement:" + ledger + "/" + window;
    }

    static ApiException notSettled(String id) {
        return new ApiException(409, "window_not_settled", "window " + id + " is not settled");
    }
}
