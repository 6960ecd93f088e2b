package dev.pacioli.operations;

import dev.pacioli.platform.RequestReader;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.MigrationsDown;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli drill}: the failures the replaced systems' checklists drilled by hand, run against a
 * running service (its API, with the admin key) and its database, each printing PASS or FAIL with its
 * figures (docs/operations.md). Each drill works on objects of its own (a scratch ledger, a scratch
 * schema) and leaves the service as it found it.
 */
public final class Drills {
    /** What a drill saw: whether the behaviour held, and its figures, one per line. */
    public record Result(boolean passed, List<String> figures) {}

    /** A drill: what it checks, and the check. */
    public record Drill(String name, String checks, Run run) {}

    @FunctionalInterface
    public interface Run {
        Result run(Drills drills) throws Exception;
    }

    /** Every drill of the contract; those not built yet say so when run. */
    public static final List<Drill> ALL = List.of(
            new Drill(
                    "emergency-stop", "engaged → no transfer accepted after its answer; lifted cleanly", Drills::stop),
            new Drill("ledger-tamper", "a stored row changed → verify fails → a critical alert", Drills::tamper),
            new Drill("backup-restore", "a backup restores with every head and every ledger verifying", Drills::backup),
            new Drill(
                    "migration-rollback",
                    "the newest migration down and up again, on a copy with data; every ledger verifies",
                    Drills::rollback),
            new Drill("dependency-outage", DependencyOutageDrill.CHECKS, DependencyOutageDrill::run),
            new Drill("duplicate-instruction", DuplicateInstructionDrill.CHECKS, DuplicateInstructionDrill::run),
            new Drill(
                    "worker-crash",
                    "kill -9 while payouts are processing → all finish, none submitted twice",
                    WorkerCrashDrill::run),
            new Drill("connector-outage", ConnectorOutageDrill.CHECKS, ConnectorOutageDrill::run),
            new Drill(
                    "rpc-slow",
                    "chain node slow past the timeout → timeouts handled, nothing lost or sent twice",
                    RpcSlowDrill::run),
            new Drill(
                    "writer-failover",
                    "two instances, the writer's holder killed → taken over within 10 s, nothing acknowledged lost",
                    WriterFailoverDrill::run));

    private final Database database;
    private final URI url;
    private final String adminKey;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public Drills(Database database, URI url, String adminKey) {
        this.database = database;
        this.url = url;
        this.adminKey = adminKey;
    }

    /** Extra environment for the instances a drill starts itself (DrillInstances): a test breaks a behaviour with it. */
    private Map<String, String> instanceSettings = Map.of();

    Drills withInstanceSettings(Map<String, String> settings) {
        this.instanceSettings = Map.copyOf(settings);
        return this;
    }

    /** A scratch database beside this one and instances of the drill's own on it, with {@code settings}. */
    DrillInstances instances(String drill, Map<String, String> settings) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(instanceSettings);
        return DrillInstances.create(database, drill, all);
    }

    // ---- emergency-stop

    private static Result stop(Drills d) throws Exception {
        String base = d.scratchLedger("stop");
        List<String> figures = new ArrayList<>();
        int before = d.transfer(base, "before").statusCode();
        figures.add("transfer before the stop: " + before);
        long started = System.nanoTime();
        HttpResponse<String> engaged =
                d.send("POST", "/v1/controls/emergency-stop", "{\"scope\": \"all\", \"reason\": \"drill\"}");
        figures.add("stop engaged in " + (System.nanoTime() - started) / 1_000_000 + " ms: " + engaged.statusCode());
        int during = d.transfer(base, "during").statusCode();
        figures.add("transfer under the stop: " + during);
        HttpResponse<String> lifted = d.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"drill over\"}");
        figures.add("stop lifted: " + lifted.statusCode());
        int after = d.transfer(base, "after").statusCode();
        figures.add("transfer after: " + after);
        return new Result(
                before == 201
                        && engaged.statusCode() == 200
                        && during == 423
                        && lifted.statusCode() == 200
                        && after == 201,
                figures);
    }

    // ---- ledger-tamper

    private static Result tamper(Drills d) throws Exception {
        String base = d.scratchLedger("tamper");
        d.transfer(base, "t-1");
        String ledger = base.substring(base.lastIndexOf('/') + 1);
        List<String> figures = new ArrayList<>();
        figures.add("verify before: " + d.json("POST", base + "/verify", "{}").path("ok"));
        int changed = d.changeEntry(ledger, 1);
        figures.add("stored rows changed: " + changed);
        JsonNode tampered = d.json("POST", base + "/verify", "{}");
        figures.add("verify after the change: " + tampered.path("ok") + " ("
                + tampered.path("failures").size() + " failure(s))");
        boolean alerted = false;
        for (JsonNode alert : d.json("GET", "/v1/alerts?status=open&severity=critical&limit=1000", null)
                .path("data")) {
            alerted |= alert.path("object").stringValue().contains(ledger);
        }
        figures.add("critical alert open: " + alerted);
        d.changeEntry(ledger, -1);
        boolean restored = d.json("POST", base + "/verify", "{}").path("ok").booleanValue();
        figures.add("verify once the row is put back: " + restored);
        return new Result(changed == 1 && !tampered.path("ok").booleanValue() && alerted && restored, figures);
    }

    /** Moves one posted amount of the ledger's first entry by {@code delta}, behind the engine's back. */
    private int changeEntry(String ledger, long delta) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement update =
                        connection.prepareStatement("update entries set debit = debit + ? where ctid = (select ctid"
                                + " from entries where ledger_id = (select id from ledgers where name = ?) and debit > 0"
                                + " order by sequence, account_id limit 1)")) {
            update.setLong(1, delta);
            update.setString(2, ledger);
            return update.executeUpdate();
        }
    }

    // ---- backup-restore and migration-rollback, in a scratch schema of the same database

    private static Result backup(Drills d) throws Exception {
        return d.inScratch((scratch, manifest, restored) -> {
            List<String> figures = new ArrayList<>();
            figures.add(manifest.ledgers().size() + " ledger(s) in the manifest, "
                    + restored.ledgers().size() + " restored");
            boolean ok = restored.ledgers().stream()
                            .allMatch(ledger -> ledger.report().ok())
                    && restored.ledgers().size() == manifest.ledgers().size();
            figures.add("every ledger verified at its manifest head: " + ok);
            figures.add("load " + restored.loadMillis() + " ms, verify " + restored.verifyMillis() + " ms");
            return new Result(ok, figures);
        });
    }

    private static Result rollback(Drills d) throws Exception {
        return d.inScratch((scratch, manifest, restored) -> {
            List<String> figures = new ArrayList<>();
            MigrationsDown.Outcome down =
                    new MigrationsDown(scratch.dataSource()).down(1, false, (transaction, step) -> {});
            figures.add("down: "
                    + (down.refused()
                            ? "refused (it would drop data)"
                            : "V" + down.steps().getFirst().version() + " taken back"));
            int up = scratch.migrate();
            figures.add("up: " + up + " migration(s) applied again");
            boolean ok = !down.refused()
                    && up == 1
                    && scratch.catalog().listLedgers().stream()
                            .allMatch(ledger ->
                                    scratch.verification().verify(ledger).ok());
            figures.add("every ledger verifies after: " + ok);
            return new Result(ok, figures);
        });
    }

    @FunctionalInterface
    private interface Scratch {
        Result run(Database scratch, BackupManifest manifest, Restore.Result restored) throws Exception;
    }

    /** A backup of the live database restored into a schema of its own, handed over, then dropped. */
    private Result inScratch(Scratch body) throws Exception {
        String schema =
                "pacioli_drill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path file = Files.createTempFile("pacioli-drill-", ".zip");
        Files.delete(file);
        try {
            BackupManifest manifest = Backup.toFile(database.dataSource(), database.schema(), file);
            try (Database scratch = database.inSchema(schema, 2)) {
                return body.run(scratch, manifest, Restore.fromFile(scratch, file));
            }
        } finally {
            Files.deleteIfExists(file);
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    // ---- the API

    /** A ledger of the drill's own with world and wallet accounts; answers its base path. */
    String scratchLedger(String drill) throws Exception {
        String ledger = "drill-" + drill + "-" + UUID.randomUUID().toString().substring(0, 8);
        String base = "/v1/ledgers/" + ledger;
        send("PUT", "/v1/assets/USD", "{\"scale\": 2}");
        expect(send("POST", "/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
        expect(
                send(
                        "POST",
                        base + "/accounts",
                        "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}"),
                201);
        expect(send("POST", base + "/accounts", "{\"id\": \"wallet\", \"asset\": \"USD\"}"), 201);
        return base;
    }

    HttpResponse<String> transfer(String base, String id) throws Exception {
        return send(
                "POST",
                base + "/transactions",
                "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\","
                        + " \"to\": \"wallet\", \"amount\": 100, \"asset\": \"USD\"}]}");
    }

    JsonNode json(String method, String path, String body) throws Exception {
        HttpResponse<String> answer = send(method, path, body);
        expect(answer, 200);
        return RequestReader.MAPPER.readTree(answer.body());
    }

    static void expect(HttpResponse<String> answer, int status) throws IOException {
        if (answer.statusCode() != status) {
            throw new IOException(answer.request().method() + " " + answer.uri().getPath() + " answered "
                    + answer.statusCode() + ": " + answer.body());
        }
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, Map.of());
    }

    /** As {@link #send(String, String, String)}, with more headers (a webhook's signature). */
    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey);
        headers.forEach(request::header);
        request = body == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The service's database, for a drill that acts on it (dependency-outage cuts it). */
    Database database() {
        return database;
    }

    /** Runs one drill; a drill that throws fails with why. */
    public Map.Entry<Drill, Result> run(Drill drill) {
        try {
            return Map.entry(drill, drill.run().run(this));
        } catch (Exception e) {
            return Map.entry(
                    drill,
                    new Result(
                            false, List.of("could not run: " + e.getClass().getSimpleName() + ": " + e.getMessage())));
        }
    }

    static Map<String, Drill> byName() {
        Map<String, Drill> drills = new LinkedHashMap<>();
        ALL.forEach(drill -> drills.put(drill.name(), drill));
        return drills;
    }
}
