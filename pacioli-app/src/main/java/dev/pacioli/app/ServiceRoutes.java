package dev.pacioli.app;

import dev.pacioli.controls.ControlsState;
import dev.pacioli.controls.ModeWatch;
import dev.pacioli.ledger.http.Ledgers;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.postgres.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The service's own routes: liveness, readiness, metrics, and the OpenAPI document. */
final class ServiceRoutes {
    /** A readiness probe answers within this, whatever the database does. */
    static final long READINESS_CHECK_MILLIS = 2_000;

    private final Database database;
    private final Ledgers ledgers;
    private final ServiceMetrics metrics;
    private final byte[] openApi;
    private final ModeWatch controls;

    ServiceRoutes(Database database, Ledgers ledgers, ServiceMetrics metrics, ModeWatch controls) {
        this.controls = controls;
        this.database = database;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.openApi = resource("/openapi.yaml");
    }

    List<Route> routes() {
        return List.of(
                Route.get("/health/live", null, call -> health(200, "ok", Map.of())),
                Route.get("/health/ready", null, call -> ready()),
                Route.get(
                        "/metrics",
                        null,
                        call -> new Reply(
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                metrics.scrape().getBytes(StandardCharsets.UTF_8),
                                Map.of())),
                Route.get("/openapi.yaml", null, call -> new Reply(200, "application/yaml", openApi, Map.of())));
    }

    private static byte[] resource(String name) {
        try (InputStream in = ServiceRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply ready() {
        String database = databaseReachable() ? "ok" : "unreachable";
        String writers = ledgers.allWritersRunning() ? "ok" : "stopped";
        boolean ready = database.equals("ok") && writers.equals("ok");
        return health(
                ready ? 200 : 503,
                ready ? "ready" : "unavailable",
                Map.of("database", database, "writers", writers),
                controls());
    }

    /** What a drill or a dashboard checks first: the effective mode, the stop, the limits in force. */
    private record Controls(String executionMode, String emergencyStop, long limitsInForce) {}

    private Controls controls() {
        ControlsState.Scope stop = controls.stop();
        return new Controls(
                controls.current().mode().code(), stop == null ? "none" : stop.code(), ledgers.limitsInForce());
    }

    /**
     * Whether a pooled connection answers within {@link #READINESS_CHECK_MILLIS}. The check runs on a
     * virtual thread of its own that the probe does not wait for beyond that bound: when the database
     * is cut, the pool may hold it until its own connection timeout, and the probe must answer first.
     */
    private boolean databaseReachable() {
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        Thread.ofVirtual().name("readiness-check").start(() -> {
            try (Connection connection = database.dataSource().getConnection()) {
                check.complete(connection.isValid((int) (READINESS_CHECK_MILLIS / 1_000)));
            } catch (SQLException | RuntimeException e) {
                check.complete(false);
            }
        });
        try {
            return check.get(READINESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static Reply health(int status, String state, Map<String, String> checks) {
        return health(status, state, checks, null);
    }

    private static Reply health(int status, String state, Map<String, String> checks, Controls controls) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("status", state);
            if (!checks.isEmpty()) {
                out.json.writeName("checks");
                out.json.writeStartObject();
                new TreeMap<>(checks).forEach(out::string);
                out.json.writeEndObject();
            }
            if (controls != null) {
                out.json.writeName("controls");
                out.json.writeStartObject();
                out.string("emergency_stop", controls.emergencyStop());
                out.string("execution_mode", controls.executionMode());
                out.number("limits_in_force", controls.limitsInForce());
                out.json.writeEndObject();
            }
            out.json.writeEndObject();
            return Reply.json(status, out);
        }
    }
}
