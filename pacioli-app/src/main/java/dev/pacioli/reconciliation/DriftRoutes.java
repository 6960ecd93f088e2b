package dev.pacioli.reconciliation;

import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An account's drift settings, its drift history, and clearing a drift (which releases held payouts). */
final class DriftRoutes {
    private static final String ACCOUNTS = ReconciliationRoutes.BASE + "/accounts/{account}";

    private final Reconciliation reconciliation;

    DriftRoutes(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    List<Route> routes() {
        return List.of(
                Route.put(ACCOUNTS, Role.ADMIN, this::put),
                Route.get(ACCOUNTS, Role.READER, this::get),
                Route.post(ACCOUNTS + "/clear-drift", Role.OPERATOR, this::clear));
    }

    private Reply put(Call call) {
        String ledger = call.path("ledger");
        String account = call.path("account");
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "tiers", "above", "actions");
        DriftPolicy policy = DriftSettings.read(body);
        reader.finish();
        reconciliation.account(ledger, account);
        String json = DriftSettings.write(policy);
        reconciliation.drifts.putSettings(ledger, account, json, Actor.of(call));
        return get(call);
    }

    private Reply get(Call call) {
        String ledger = call.path("ledger");
        String account = call.path("account");
        reconciliation.account(ledger, account);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ledger", ledger);
        out.put("account", account);
        out.put("settings", RequestReader.MAPPER.readTree(DriftSettings.write(reconciliation.policy(ledger, account))));
        List<DriftStore.Drift> history = reconciliation.drifts.history(ledger, account, LocalDate.of(1970, 1, 1));
        out.put("drift", history.isEmpty() ? null : history.getLast().json());
        out.put("holds_payouts", reconciliation.drifts.holdsPayouts(ledger));
        return ReconciliationRoutes.json(200, out);
    }

    private Reply clear(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "reason");
        String reason = body.string("reason", true, ReconciliationRoutes.REASON_LENGTH_MAX);
        reader.finish();
        DriftStore.Cleared cleared =
                reconciliation.clearDrift(call.path("ledger"), call.path("account"), reason, Actor.of(call));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", call.path("account"));
        out.put("cleared", cleared.drifts());
        out.put("holds_payouts", cleared.ledgerStillHolds());
        return ReconciliationRoutes.json(200, out);
    }
}
