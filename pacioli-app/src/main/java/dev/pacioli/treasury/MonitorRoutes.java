package dev.pacioli.treasury;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import java.util.List;
import java.util.Map;

/** Balance monitors' routes (treasury.md, Balance monitors). */
final class MonitorRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/balance-monitors";

    private final BalanceMonitors monitors;
    private final TreasuryStore store;

    MonitorRoutes(BalanceMonitors monitors, TreasuryStore store) {
        this.monitors = monitors;
        this.store = store;
    }

    List<Route> routes() {
        return List.of(Route.put(BASE + "/{id}", Role.ADMIN, this::put), Route.get(BASE, Role.READER, this::list));
    }

    private Reply put(Call call) {
        String ledger = call.path("ledger");
        String id = call.path("id");
        RequestReader reader = new RequestReader();
        if (!Limits.isIdentifier(id)) {
            reader.add("id", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
        }
        RequestReader.Fields body = call.body(
                reader, "account", RequestReader.orNull("below"), RequestReader.orNull("above"), "on", "severity");
        String account = body.identifier("account", true);
        Long below = body.signedLong("below");
        Long above = body.signedLong("above");
        String on = body.choice("on", Map.of("balance", "balance", "available", "available"), "balance");
        String severity = body.choice(
                "severity", Map.of("info", "info", "warning", "warning", "critical", "critical"), "warning");
        if (below == null && above == null && !reader.hasErrors()) {
            reader.add("below", FieldError.REQUIRED, "below or above is required: the line to watch");
        }
        if (below != null && above != null && below > above) {
            reader.add("above", FieldError.INVALID_VALUE, "must not be under below");
        }
        reader.finish();
        if (store.accounts(ledger, List.of(account)).isEmpty()) {
            reader.add("account", FieldError.INVALID_VALUE, "no account '" + account + "' on this ledger");
            reader.finish();
        }
        BalanceMonitor asked = new BalanceMonitor(ledger, id, account, below, above, on, severity, "ok", 0, null, 0, 0);
        boolean created = monitors.put(asked, Actor.of(call));
        BalanceMonitor stored = monitors.monitors(ledger).stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow();
        try (JsonOutput out = new JsonOutput()) {
            MonitorJson.monitor(out, stored);
            return Reply.json(created ? 201 : 200, out);
        }
    }

    private Reply list(Call call) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeArrayPropertyStart("data");
            monitors.monitors(call.path("ledger")).forEach(m -> MonitorJson.monitor(out, m));
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }
}
