package dev.pacioli.http;

import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.postgres.ApiKey.Role;
import dev.pacioli.postgres.TrialBalanceLine;
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

/** Health, metrics, the OpenAPI document, and the ledger's integrity checks: trial balance and verify. */
final class OperationsRoutes {
    /** A readiness probe answers within this, whatever the database does. */
    static final long READINESS_CHECK_MILLIS = 2_000;

    private final Api api;
    private final byte[] openApi;

    OperationsRoutes(Api api) {
        this.api = api;
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
                                api.metrics().scrape().getBytes(StandardCharsets.UTF_8),
                                Map.of())),
                Route.get("/openapi.yaml", null, call -> new Reply(200, "application/yaml", openApi, Map.of())),
                Route.get("/v1/ledgers/{ledger}/trial-balance", Role.READER, this::trialBalance),
                Route.post("/v1/ledgers/{ledger}/verify", Role.OPERATOR, this::verify));
    }

    private static byte[] resource(String name) {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream(name)) {
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
        String writers = api.ledgers().allWritersRunning() ? "ok" : "stopped";
        boolean ready = database.equals("ok") && writers.equals("ok");
        return health(
                ready ? 200 : 503, ready ? "ready" : "unavailable", Map.of("database", database, "writers", writers));
    }

    /**
     * Whether a pooled connection answers within {@link #READINESS_CHECK_MILLIS}. The check runs on a
     * virtual thread of its own that the probe does not wait for beyond that bound: when the database
     * is cut, the pool may hold it until its own connection timeout, and the probe must answer first.
     */
    private boolean databaseReachable() {
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        Thread.ofVirtual().name("readiness-check").start(() -> {
            try (Connection connection = api.database().dataSource().getConnection()) {
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
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("status", state);
            if (!checks.isEmpty()) {
                out.json.writeName("checks");
                out.json.writeStartObject();
                new TreeMap<>(checks).forEach(out::string);
                out.json.writeEndObject();
            }
            out.json.writeEndObject();
            return Reply.json(status, out);
        }
    }

    private Reply trialBalance(Call call) {
        List<TrialBalanceLine> lines =
                api.database().reads().trialBalance(call.ledger.ledger().id());
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("ledger", call.ledger.ledger().name());
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
        VerifyReport report = api.database().verification().verify(call.ledger.ledger());
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
}
