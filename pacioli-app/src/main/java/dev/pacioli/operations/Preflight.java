package dev.pacioli.operations;

import dev.pacioli.custody.CustodySettings;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.postgres.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli preflight}: the go-live list of the systems Pacioli replaces, as checks that print PASS,
 * WARN or FAIL with what they saw, and an exit code (1 when any fails). The database is read directly
 * (durability settings, migrations, keys, ledgers, a backup restored into a scratch schema); the running
 * service through its API at {@code url} with the admin key (mode and stop, breakers, metrics, an alert
 * sent through every route). Each check stands alone: one that cannot run fails with why, the others
 * still run.
 */
public final class Preflight {
    public enum Status {
        PASS,
        WARN,
        FAIL
    }

    public record Check(String name, Status status, String detail) {}

    /**
     * What the checks look at. {@code backups} null: {@code PACIOLI_BACKUP_DIR} is not set. {@code
     * natsAddress} null: NATS is not configured.
     */
    public record Inputs(
            Database database,
            CustodySettings custody,
            Supplier<com.google.crypto.tink.Aead> kek,
            Path dataDirectory,
            Path backups,
            Duration backupEvery,
            URI url,
            String adminKey,
            InetSocketAddress natsAddress,
            String expectedMode,
            Duration adminKeyAgeMax) {}

    private static final Duration CLOCK_SKEW_MAX = Duration.ofSeconds(1);
    private static final Duration ALERT_WAIT_MAX = Duration.ofSeconds(20);
    private static final double DISK_FREE_WARN = 0.20;
    private static final double DISK_FREE_FAIL = 0.10;

    private final Inputs in;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Preflight(Inputs in) {
        this.in = in;
    }

    /** Every check, in the order of the list. */
    public static List<Check> run(Inputs inputs) {
        Preflight preflight = new Preflight(inputs);
        List<Check> checks = new ArrayList<>();
        checks.add(preflight.attempt("migrations current", preflight::migrations));
        checks.add(
                preflight.attempt("durability (fsync, synchronous_commit, full_page_writes)", preflight::durability));
        checks.add(preflight.attempt("recent backup that restores", preflight::backup));
        checks.add(preflight.attempt("admin keys younger than the rotation period", preflight::adminKeys));
        checks.add(preflight.attempt("production key-encryption key", preflight::kek));
        checks.add(preflight.attempt("mode and emergency stop", preflight::controls));
        checks.add(preflight.attempt("connector breakers closed", preflight::breakers));
        checks.add(preflight.attempt("NATS reachable", preflight::nats));
        checks.add(preflight.attempt("metrics scrapeable", preflight::metrics));
        checks.add(preflight.attempt("clock skew against the database", preflight::clock));
        checks.add(preflight.attempt("disk headroom", preflight::disk));
        checks.add(preflight.attempt("every ledger verifies", preflight::ledgers));
        checks.add(preflight.attempt("every alert channel delivers", preflight::alerts));
        return checks;
    }

    /** Prints the table; answers the exit code: 1 when a check failed, else 0. */
    public static int print(List<Check> checks, PrintStream out) {
        int width =
                checks.stream().mapToInt(check -> check.name().length()).max().orElse(10);
        for (Check check : checks) {
            out.printf(Locale.ROOT, "%-4s  %-" + width + "s  %s%n", check.status(), check.name(), check.detail());
        }
        long failed =
                checks.stream().filter(check -> check.status() == Status.FAIL).count();
        long warned =
                checks.stream().filter(check -> check.status() == Status.WARN).count();
        out.printf(Locale.ROOT, "%d passed, %d warned, %d failed%n", checks.size() - failed - warned, warned, failed);
        return failed > 0 ? 1 : 0;
    }

    @FunctionalInterface
    private interface Probe {
        Check run(String name) throws Exception;
    }

    private Check attempt(String name, Probe probe) {
        try {
            return probe.run(name);
        } catch (Exception e) {
            return new Check(
                    name, Status.FAIL, "could not check: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    // ---- the database

    private Check migrations(String name) {
        List<String> pending = Stream.of(in.database().migrations())
                .filter(info -> info.getVersion() != null && !info.getState().isApplied())
                .map(info -> "V" + info.getVersion() + " " + info.getState().getDisplayName())
                .toList();
        return pending.isEmpty()
                ? new Check(name, Status.PASS, "every migration applied")
                : new Check(name, Status.FAIL, "not applied: " + String.join(", ", pending) + " (pacioli migrate up)");
    }

    private Check durability(String name) throws SQLException {
        List<String> off = new ArrayList<>();
        try (Connection connection = in.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet row = statement.executeQuery("show " + setting)) {
                    row.next();
                    if (!row.getString(1).equals("on")) {
                        off.add(setting + " = " + row.getString(1));
                    }
                }
            }
        }
        return off.isEmpty()
                ? new Check(name, Status.PASS, "all on")
                : new Check(name, Status.FAIL, String.join(", ", off) + ": an acknowledged write may be lost");
    }

    private Check backup(String name) throws Exception {
        if (in.backups() == null) {
            return new Check(name, Status.FAIL, "no PACIOLI_BACKUP_DIR: no scheduled backups");
        }
        Path newest;
        try (Stream<Path> files = Files.list(in.backups())) {
            newest = files.filter(file -> file.getFileName().toString().matches("pacioli-.*\\.zip(\\.aead)?"))
                    .max((a, b) -> a.getFileName().compareTo(b.getFileName()))
                    .orElse(null);
        }
        if (newest == null) {
            return new Check(name, Status.FAIL, "no backup in " + in.backups());
        }
        Duration age = Duration.between(Files.getLastModifiedTime(newest).toInstant(), Instant.now());
        if (age.compareTo(in.backupEvery().multipliedBy(2)) > 0) {
            return new Check(name, Status.FAIL, newest.getFileName() + " is " + age.toHours() + " h old");
        }
        return restoresInScratch(name, newest, age);
    }

    /** Restores the backup into a schema of its own on the same database, then drops it. */
    private Check restoresInScratch(String name, Path file, Duration age) throws SQLException {
        String schema = "pacioli_preflight_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Database scratch = in.database().inSchema(schema, 2)) {
            Restore.Result restored = Restore.fromFile(scratch, file, in.kek());
            boolean ok = restored.ledgers().stream()
                    .allMatch(ledger -> ledger.report().ok());
            return new Check(
                    name,
                    ok ? Status.PASS : Status.FAIL,
                    file.getFileName() + " (" + age.toMinutes() + " min old) restored into a scratch schema: "
                            + restored.ledgers().size() + " ledger(s)"
                            + (ok ? ", each verified" : ", one fails verify"));
        } finally {
            try (Connection connection = in.database().dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    private Check adminKeys(String name) throws SQLException {
        try (Connection connection = in.database().dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("select count(*), min(created_at)::text"
                        + " from api_keys where role = 'admin' and revoked_at is null"
                        + " and created_at < now() - make_interval(secs => ?)")) {
            select.setDouble(1, in.adminKeyAgeMax().toSeconds());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long old = row.getLong(1);
                return old == 0
                        ? new Check(
                                name,
                                Status.PASS,
                                "none older than " + in.adminKeyAgeMax().toDays() + " days")
                        : new Check(
                                name,
                                Status.FAIL,
                                old + " admin key(s) older than "
                                        + in.adminKeyAgeMax().toDays() + " days (the oldest made " + row.getString(2)
                                        + "): make new ones, revoke these");
            }
        }
    }

    private Check kek(String name) {
        String kek = in.custody().kek();
        if (kek != null && kek.startsWith("pkcs11:")) {
            in.kek().get(); // the token answers: its key opens
            return new Check(name, Status.PASS, "PKCS#11 (" + kek.substring("pkcs11:".length()) + "), opened");
        }
        return new Check(
                name,
                Status.FAIL,
                (kek == null ? "the development key file under the data directory" : kek)
                        + (in.custody().production() ? " in production" : "")
                        + ": set PACIOLI_KEK=pkcs11:<config> (docs/custody.md)");
    }

    private Check clock(String name) throws SQLException {
        try (Connection connection = in.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select extract(epoch from clock_timestamp()) * 1000")) {
            long local = System.currentTimeMillis();
            row.next();
            long skew = Math.abs(Math.round(row.getDouble(1)) - local);
            return skew < CLOCK_SKEW_MAX.toMillis()
                    ? new Check(name, Status.PASS, skew + " ms")
                    : new Check(name, Status.FAIL, skew + " ms: keep the clocks in sync (NTP)");
        }
    }

    private Check disk(String name) throws IOException {
        Path where = Files.exists(in.dataDirectory()) ? in.dataDirectory() : Path.of(".");
        FileStore store = Files.getFileStore(where);
        double free = (double) store.getUsableSpace() / store.getTotalSpace();
        String detail = String.format(Locale.ROOT, "%.0f%% free on %s", free * 100, where.toAbsolutePath());
        Status status = free < DISK_FREE_FAIL ? Status.FAIL : free < DISK_FREE_WARN ? Status.WARN : Status.PASS;
        return new Check(name, status, detail);
    }

    private Check ledgers(String name) {
        List<Ledger> ledgers = in.database().catalog().listLedgers();
        List<String> failing = new ArrayList<>();
        for (Ledger ledger : ledgers) {
            VerifyReport report = in.database().verification().verify(ledger);
            if (!report.ok()) {
                failing.add(ledger.name());
            }
        }
        return failing.isEmpty()
                ? new Check(name, Status.PASS, ledgers.size() + " ledger(s) verified")
                : new Check(name, Status.FAIL, "failing verify: " + String.join(", ", failing));
    }

    private Check nats(String name) throws IOException {
        if (in.natsAddress() == null) {
            return new Check(name, Status.PASS, "not configured (events are read from the API and webhooks)");
        }
        try (Socket socket = new Socket()) {
            socket.connect(in.natsAddress(), 3_000);
            return new Check(name, Status.PASS, "connected to " + in.natsAddress());
        }
    }

    // ---- the running service

    private Check controls(String name) throws Exception {
        JsonNode controls = get("/v1/controls");
        String mode = controls.path("mode").stringValue();
        JsonNode stop = controls.path("emergency_stop");
        if (!stop.isNull() && !stop.isMissingNode()) {
            return new Check(
                    name,
                    Status.FAIL,
                    "an emergency stop of scope " + stop.path("scope").stringValue() + " is in force: "
                            + stop.path("reason").stringValue());
        }
        return mode.equals(in.expectedMode())
                ? new Check(name, Status.PASS, "mode " + mode + ", no stop")
                : new Check(name, Status.FAIL, "mode " + mode + ", expected " + in.expectedMode());
    }

    private Check breakers(String name) throws Exception {
        List<String> open = new ArrayList<>();
        int count = 0;
        for (JsonNode connector : get("/v1/connectors?limit=1000").path("data")) {
            count++;
            if (!connector.path("state").stringValue().equals("closed")) {
                open.add(connector.path("id").stringValue() + " "
                        + connector.path("state").stringValue());
            }
        }
        return open.isEmpty()
                ? new Check(name, Status.PASS, count + " connector(s), every breaker closed")
                : new Check(name, Status.FAIL, "not closed: " + String.join(", ", open));
    }

    private Check metrics(String name) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(in.url().resolve("/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 && answer.body().contains("pacioli_")
                ? new Check(name, Status.PASS, in.url().resolve("/metrics") + " answers with Pacioli's metrics")
                : new Check(name, Status.FAIL, in.url().resolve("/metrics") + " answered " + answer.statusCode());
    }

    /** A critical test alert goes through the routes; each of its deliveries must succeed. */
    private Check alerts(String name) throws Exception {
        JsonNode raised = send("POST", "/v1/alerts/test", "{\"severity\": \"critical\"}");
        String id = raised.path("id").stringValue();
        long deadline = System.nanoTime() + ALERT_WAIT_MAX.toNanos();
        JsonNode deliveries = raised.path("deliveries");
        while (System.nanoTime() < deadline) {
            deliveries = get("/v1/alerts/" + id).path("deliveries");
            if (deliveries
                    .valueStream()
                    .allMatch(delivery -> !delivery.path("status").stringValue().equals("pending"))) {
                break;
            }
            Thread.sleep(250);
        }
        if (deliveries.isEmpty()) {
            return new Check(name, Status.WARN, "no channel is routed critical alerts (PUT /v1/alerts/routes)");
        }
        List<String> failed = new ArrayList<>();
        deliveries.forEach(delivery -> {
            if (!delivery.path("status").stringValue().equals("succeeded")) {
                failed.add(delivery.path("channel").stringValue() + " ("
                        + delivery.path("last_error").stringValue() + ")");
            }
        });
        return failed.isEmpty()
                ? new Check(name, Status.PASS, deliveries.size() + " channel(s) delivered test alert " + id)
                : new Check(name, Status.FAIL, "not delivered: " + String.join(", ", failed));
    }

    private JsonNode get(String path) throws Exception {
        return send("GET", path, null);
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(in.url().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + in.adminKey());
        request = body == null
                ? request.GET()
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return RequestReader.MAPPER.readTree(answer.body());
    }
}
