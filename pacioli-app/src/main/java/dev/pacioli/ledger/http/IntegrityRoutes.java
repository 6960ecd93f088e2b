package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TrialBalanceLine;
import java.util.List;
import java.util.TreeMap;

/** The ledger's integrity checks: the trial balance, and verify, which replays it from storage. */
final class IntegrityRoutes {
    private final Database database;
    private final Ledgers ledgers;
    private final Alerts alerts;

    IntegrityRoutes(Database database, Ledgers ledgers, Alerts alerts) {
        this.database = database;
        this.ledgers = ledgers;
        this.alerts = alerts;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/ledgers/{ledger}/trial-balance", Role.READER, this::trialBalance),
                Route.post("/v1/ledgers/{ledger}/verify", Role.OPERATOR, this::verify));
    }

    private Reply trialBalance(Call call) {
        Ledgers.Running ledger = ledgers.of(call);
        List<TrialBalanceLine> lines =
                database.reads().trialBalance(ledger.ledger().id());
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("ledger", ledger.ledger().name());
            out.json.writeName("assets");
            out.json.writeStartArray();
            for (TrialBalanceLine line : lines) {
                out.json.writeStartObject();
                out.string("asset", line.asset());
                out.json.writeNumberProperty("posted_debits", line.postedDebits());
                out.json.writeNumberProperty("posted_credits", line.postedCredits());
                out.json.writeNumberProperty("pending_debits", line.pendingDebits());
                out.json.writeNumberProperty("pending_credits", line.pendingCredits());
                out.json.writeBooleanProperty("balanced", line.balanced());
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply verify(Call call) {
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
        Ledger ledger = ledgers.of(call).ledger();
        VerifyReport report = database.verification().verify(ledger);
        alertOn(ledger.name(), report);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeBooleanProperty("ok", report.ok());
            out.json.writeName("checked");
            out.json.writeStartObject();
            new TreeMap<>(report.checked()).forEach(out::number);
            out.json.writeEndObject();
            out.json.writeName("failures");
            out.json.writeStartArray();
            report.failures().forEach(out.json::writeString);
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    /**
     * A failed verify is a critical alert on the ledger, until a later verify of it passes. The alert
     * carries the first failures; the full list is in the answer.
     */
    private void alertOn(String ledger, VerifyReport report) {
        String key = "ledger.verify:" + ledger;
        if (report.ok()) {
            alerts.resolve(key);
            return;
        }
        List<String> failures = report.failures();
        alerts.raise(new Alerts.Raise(
                Severity.CRITICAL,
                "ledger.verify",
                key,
                "verify of ledger " + ledger + " failed: " + failures.size() + " failure(s)",
                String.join("\n", failures.subList(0, Math.min(failures.size(), 20))),
                "ledger:" + ledger));
    }
}
