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
import java.util.Optional;

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
                this::write,
                last -> Cursor.ofId(CURSOR_KIND, last.name()));
    }

    private Reply show(Call call) {
        String id = call.path("id");
        Connector connector = (Limits.isIdentifier(id) ? connectors.find(id) : Optional.<Connector>empty())
                .orElseThrow(() -> ApiException.notFound("connector_not_found", "no connector '" + id + "'"));
        try (JsonOutput out = new JsonOutput()) {
            write(out, connector);
            return Reply.json(200, out);
        }
    }

    private void write(JsonOutput out, Connector connector) {
        connectors.write(out, connector);
    }
}
