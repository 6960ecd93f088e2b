package dev.pacioli.platform.connectors;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import java.util.List;

/**
 * The connectors' health (operator): {@code GET /v1/connectors} and {@code GET /v1/connectors/{id}}.
 * A connector's {@code id} is its name. Nothing secret is shown: no URL path or query, no header, no
 * key; the last error names at most the host.
 */
public final class ConnectorRoutes {
    private static final String CURSOR_KIND = "connectors";

    private final Connectors connectors;

    public ConnectorRoutes(Connectors connectors) {
        this.connectors = connectors;
    }

    public List<Route> routes() {
        return List.of(
                Route.list("/v1/connectors", Role.OPERATOR, false, this::list),
                Route.get("/v1/connectors/{id}", Role.OPERATOR, this::show));
    }

    private Reply list(Call call) {
        int limit = call.limit();
        String after = Cursor.id(call.query("cursor"), CURSOR_KIND);
        return Lists.inMemory(
                connectors.all(),
                Connector::name,
                after,
                limit,
                ConnectorRoutes::write,
                last -> Cursor.ofId(CURSOR_KIND, last.name()));
    }

    private Reply show(Call call) {
        String id = call.path("id");
        Connector connector = (Limits.isIdentifier(id) ? connectors.find(id) : java.util.Optional.<Connector>empty())
                .orElseThrow(() -> ApiException.notFound("connector_not_found", "no connector '" + id + "'"));
        try (JsonOutput out = new JsonOutput()) {
            write(out, connector);
            return Reply.json(200, out);
        }
    }

    static void write(JsonOutput out, Connector connector) {
        Connector.Health health = connector.health();
        ConnectorSettings settings = connector.settings();
        out.json.writeStartObject();
        out.string("id", connector.name());
        out.string("name", connector.name());
        out.string("kind", connector.kind());
        out.string("state", health.state());
        out.number("recent_failures", health.recentFailures());
        millis(out, "last_success_at", health.lastSuccessAtMillis());
        millis(out, "last_failure_at", health.lastFailureAtMillis());
        out.string("last_error", health.lastError());
        out.json.writeName("breaker");
        out.json.writeStartObject();
        out.number("failures", settings.breaker().failures());
        out.number("open_wait_ms", settings.breaker().openWait().toMillis());
        out.number("successes", settings.breaker().successes());
        out.json.writeEndObject();
        out.number("connect_timeout_ms", settings.connectTimeout().toMillis());
        out.number("read_timeout_ms", settings.readTimeout().toMillis());
        out.json.writeEndObject();
    }

    private static void millis(JsonOutput out, String name, long millis) {
        if (millis == 0) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, millis * 1_000);
        }
    }
}
