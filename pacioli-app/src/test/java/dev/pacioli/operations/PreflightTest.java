package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.custody.CustodySettings;
import dev.pacioli.custody.SoftHsm;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import dev.pacioli.postgres.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pacioli preflight} against a service of its own (its own schema): well configured, every check
 * passes and the exit code is 0; badly configured — a durability setting off, no backup, the development
 * KEK in production mode, an open breaker, the emergency stop engaged — each of those is named FAIL and
 * the exit code is 1.
 *
 * <p>The durability setting turned off is {@code synchronous_commit}, on the preflight's own connections:
 * {@code fsync} is the server's (the test servers run with it on, as they must), and the check reads
 * all three the same way.
 */
class PreflightTest {
    private static Database own;
    private static TestService.Running service;
    private static Path backups;

    @BeforeAll
    static void start() throws Exception {
        own = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_preflight", 8);
        service = TestService.start("preflight", own, 0, 0);
        HttpTester admin = service.admin();
        String base = admin.openLedgerWithWorldAndWallet("preflight");
        assertThat(admin.post(base + "/transactions", """
                        {"id": "t-1", "postings": [{"from": "world", "to": "wallet", "amount": 100, "asset": "USD"}]}""").status()).isEqualTo(201);
        assertThat(admin.post("/v1/alerts/channels", "{\"id\": \"ops-log\", \"kind\": \"log\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.put(
                                "/v1/alerts/routes",
                                "{\"rules\": [{\"severity\": \"critical\", \"channels\": [\"ops-log\"]}]}")
                        .status())
                .isEqualTo(200);
        backups = Files.createTempDirectory("pacioli-preflight-backups");
        Backup.toFile(own.dataSource(), own.schema(), backups.resolve("pacioli-20261205T000000Z.zip"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.service().close();
        }
        if (own != null) {
            TestDatabases.drop(own);
        }
        if (backups != null) {
            try (var files = Files.walk(backups)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void aWellConfiguredInstancePassesEveryCheck() throws Exception {
        CustodySettings hsm = CustodySettings.DEFAULTS.withKek("pkcs11:" + SoftHsm.config(), SoftHsm.PIN);
        List<Preflight.Check> checks = Preflight.run(inputs(own, hsm, backups));
        assertThat(checks)
                .as(table(checks))
                .allMatch(check ->
                        check.status() == Preflight.Status.PASS || check.name().equals("disk headroom"));
        assertThat(checks).hasSize(13);
        assertThat(Preflight.print(checks, new PrintStream(new ByteArrayOutputStream())))
                .isZero();
    }

    @Test
    void aBadlyConfiguredInstanceNamesEachFailingItem() throws Exception {
        HttpTester admin = service.admin();
        String broken = "preflight-broken";
        assertThat(admin.post("/v1/connectors", """
                        {"id": "%s", "kind": "http", "assets": {"USD": "providers:%s:USD"},
                         "config": {"base_url": "http://127.0.0.1:1"}}""".formatted(broken, broken)).status())
                .isEqualTo(201);
        tripBreaker(broken);
        assertThat(admin.post("/v1/controls/emergency-stop", "{\"scope\": \"payouts\", \"reason\": \"preflight test\"}")
                        .status())
                .isEqualTo(200);
        Path empty = Files.createTempDirectory("pacioli-preflight-none");
        CustodySettings development = CustodySettings.of(Map.of("PACIOLI_ENV", "production"));
        try (Database relaxed = synchronousCommitOff(own)) {
            List<Preflight.Check> checks = Preflight.run(inputs(relaxed, development, empty));
            Map<String, Preflight.Status> statuses =
                    checks.stream().collect(Collectors.toMap(Preflight.Check::name, Preflight.Check::status));
            String table = table(checks);
            assertThat(statuses.get("durability (fsync, synchronous_commit, full_page_writes)"))
                    .as(table)
                    .isEqualTo(Preflight.Status.FAIL);
            assertThat(statuses.get("recent backup that restores")).as(table).isEqualTo(Preflight.Status.FAIL);
            assertThat(statuses.get("production key-encryption key")).as(table).isEqualTo(Preflight.Status.FAIL);
            assertThat(statuses.get("mode and emergency stop")).as(table).isEqualTo(Preflight.Status.FAIL);
            assertThat(statuses.get("connector breakers closed")).as(table).isEqualTo(Preflight.Status.FAIL);
            assertThat(statuses.get("every ledger verifies")).as(table).isEqualTo(Preflight.Status.PASS);
            assertThat(table)
                    .contains("synchronous_commit = off", "no backup in", "production", "payouts", broken + " open");
            assertThat(Preflight.print(checks, new PrintStream(new ByteArrayOutputStream())))
                    .isEqualTo(1);
        } finally {
            admin.delete("/v1/controls/emergency-stop");
            admin.delete("/v1/connectors/" + broken);
            Files.deleteIfExists(empty);
        }
    }

    @Test
    void theCommandPrintsTheTableAndRefusesArgumentsItDoesNotKnow() throws Exception {
        PreflightCommand.Service here = new PreflightCommand.Service(
                "127.0.0.1",
                service.service().port(),
                TestService.ADMIN_KEY,
                null,
                CustodySettings.DEFAULTS,
                Path.of("target"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        // No PACIOLI_BACKUP_DIR and the development KEK: it runs every check and exits 1.
        int code = PreflightCommand.run(
                List.of("--expect-mode", "live"), here, Map.of(), () -> own.inSchema(own.schema(), 2), printed, errors);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("PASS  migrations current", "FAIL  recent backup that restores")
                .containsPattern("\\d+ passed, \\d+ warned, \\d+ failed");
        assertThat(PreflightCommand.run(List.of("--frobnicate"), here, Map.of(), () -> own, printed, errors))
                .isEqualTo(2);
        assertThat(PreflightCommand.run(List.of("--expect-mode", "maybe"), here, Map.of(), () -> own, printed, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--frobnicate'", "live or dry");
    }

    /** Calls through the connector to a port nothing listens on until its breaker opens. */
    private static void tripBreaker(String name) throws Exception {
        Connector connector = service.service().connectors().find(name).orElseThrow();
        URI refused = URI.create("http://127.0.0.1:1/");
        for (int i = 0; i < 50 && !connector.state().equals("open"); i++) {
            try {
                connector.send(
                        HttpExchange.Request.get(refused, Map.of()),
                        Idempotence.IDEMPOTENT,
                        HttpExchange::remoteTrouble);
            } catch (IOException | RuntimeException refusedCall) {
                // what opens the breaker
            }
        }
        assertThat(connector.state()).isEqualTo("open");
    }

    private static Preflight.Inputs inputs(Database database, CustodySettings custody, Path backupDirectory) {
        return new Preflight.Inputs(
                database,
                custody,
                BackupCommands.kek(custody, Path.of("target")),
                Path.of("target"),
                backupDirectory,
                Duration.ofDays(1),
                URI.create(service.admin().base().toString()),
                TestService.ADMIN_KEY,
                null,
                "live",
                Duration.ofDays(90));
    }

    /** The same schema through connections that commit without waiting for the WAL flush. */
    private static Database synchronousCommitOff(Database database) {
        var source = (com.zaxxer.hikari.HikariDataSource) database.dataSource();
        String url = source.getJdbcUrl();
        String options = (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
        return Database.connect(
                new DatabaseUrl(url + options, source.getUsername(), source.getPassword()), database.schema(), 2);
    }

    private static String table(List<Preflight.Check> checks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Preflight.print(checks, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
