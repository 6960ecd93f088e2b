package dev.pacioli.controls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.ControlsCommand;
import dev.pacioli.app.Service;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The execution mode and the emergency stop as an operator meets them, each test on a fresh
 * installation of its own (its own schema): dry at first and holding payouts until someone goes live
 * and releases them; a stop that holds new payouts and, with scope all, refuses every money-moving
 * write while reads go on; a lift that releases nothing by itself; the command-line stop with no HTTP
 * service running.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ControlsTest {
    static final PaymentSettings FAST = new PaymentSettings(
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofMillis(200));

    private static final List<Database> OWN = new ArrayList<>();

    private final TestDatabases.TestDatabase shared;
    private Database database;
    private Service service;
    private HttpTester admin;
    private String base;

    ControlsTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    @BeforeEach
    void freshInstallation() {
        database = TestDatabases.ownSchema(shared.database(), "pacioli_controls", 8);
        synchronized (OWN) {
            OWN.add(database);
        }
    }

    private void start() {
        service = TestService.startAsInstalled(
                        "controls", database, TestService.options(0, 0).withPayments(FAST))
                .service();
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("controls"));
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\","
                                + " \"amount\": 10000000, \"asset\": \"USD\"}]}"),
                201);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @AfterAll
    static void dropSchemas() {
        synchronized (OWN) {
            OWN.forEach(TestDatabases::drop);
        }
    }

    @Test
    void aFreshInstallationIsDryAndHoldsPayoutsUntilAnOperatorGoesLiveAndReleasesThem() {
        start();
        JsonNode controls = admin.get("/v1/controls").json();
        assertThat(controls.path("mode").stringValue()).isEqualTo("dry");
        assertThat(controls.path("effective_mode").stringValue()).isEqualTo("dry");
        assertThat(controls.path("emergency_stop").isNull()).isTrue();
        String simulator = simulator();

        // Accepted and reserved as usual, then held instead of sent.
        assertThat(payout("po-dry", simulator).path("status").stringValue()).isEqualTo("approved");
        awaitStatus("po-dry", "held");
        assertThat(admin.get(base + "/payouts/po-dry")
                        .json()
                        .path("hold_reason")
                        .stringValue())
                .isEqualTo("dry_mode");
        assertThat(kinds("po-dry")).doesNotContain("submission");

        Response live = admin.put("/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"launch\"}");
        expect(live, 200);
        assertThat(live.json().path("mode").stringValue()).isEqualTo("live");
        assertThat(live.json().path("effective_mode").stringValue()).isEqualTo("live");
        assertThat(live.json().path("changed_by").stringValue()).isEqualTo("admin");
        // Going live sends what is new, and releases nothing by itself.
        payout("po-live", simulator);
        awaitStatus("po-live", "paid");
        assertThat(admin.get(base + "/payouts/po-dry").json().path("status").stringValue())
                .isEqualTo("held");

        Response released = admin.post(
                base + "/payouts/release",
                "{\"hold_reason\": \"dry_mode\", \"ids\": [\"po-dry\", \"po-live\", \"po-none\"],"
                        + " \"reason\": \"live now\"}");
        expect(released, 200);
        assertThat(released.json().path("released")).hasSize(1);
        assertThat(released.json().path("released").get(0).path("status").stringValue())
                .isEqualTo("approved");
        assertThat(codes(released.json().path("refused")))
                .containsExactly("po-live invalid_state_transition", "po-none payout_not_found");
        awaitStatus("po-dry", "paid");

        JsonNode audit = admin.get("/v1/audit-log?action=controls.mode_changed").json();
        assertThat(audit.path("data")).hasSize(1);
        assertThat(audit.path("data").get(0).path("reason").stringValue()).isEqualTo("launch");
        assertThat(audit.path("data").get(0).path("principal").stringValue()).isEqualTo("admin");
        // The same mode again changes nothing and records nothing.
        expect(admin.put("/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"again\"}"), 200);
        assertThat(admin.get("/v1/audit-log?action=controls.mode_changed")
                        .json()
                        .path("data"))
                .hasSize(1);
    }

    @Test
    void anEmergencyStopHoldsNewPayoutsAndWithScopeAllRefusesEveryMoneyMovingWrite() {
        start();
        admin.goLive();
        String simulator = simulator();

        Response engaged = admin.post(
                "/v1/controls/emergency-stop", "{\"scope\": \"payouts\", \"reason\": \"provider incident\"}");
        expect(engaged, 200);
        assertThat(engaged.json().path("emergency_stop").path("scope").stringValue())
                .isEqualTo("payouts");
        assertThat(engaged.json().path("emergency_stop").path("engaged_by").stringValue())
                .isEqualTo("admin");
        JsonNode held = payout("po-stopped", simulator);
        assertThat(held.path("status").stringValue()).isEqualTo("held");
        assertThat(held.path("hold_reason").stringValue()).isEqualTo("emergency_stop");
        // Money still moves on the ledger under scope payouts.
        expect(transfer("t-payouts-scope"), 201);
        assertThat(openAlerts()).contains("controls.emergency_stop");

        expect(admin.post("/v1/controls/emergency-stop", "{\"scope\": \"all\", \"reason\": \"breach\"}"), 200);
        Response refused = transfer("t-all-scope");
        expect(refused, 423);
        assertThat(refused.code()).isEqualTo("emergency_stop");
        expect(
                admin.post(
                        base + "/transactions/batch",
                        "{\"transactions\": [{\"id\": \"b1\", \"postings\": [{\"from\": \"wallet\","
                                + " \"to\": \"world\", \"amount\": 1, \"asset\": \"USD\"}]}]}"),
                423);
        Response payout = admin.post(base + "/payouts", payoutBody("po-all", simulator));
        expect(payout, 423);
        assertThat(admin.get(base + "/payouts/po-all").status()).isEqualTo(404);
        // Reads keep working, and readiness shows the stop (without making the service unready).
        expect(admin.get(base + "/accounts/wallet/balances"), 200);
        Response ready = admin.get("/health/ready");
        expect(ready, 200);
        assertThat(ready.json().path("controls").path("emergency_stop").stringValue())
                .isEqualTo("all");
        assertThat(ready.json().path("controls").path("execution_mode").stringValue())
                .isEqualTo("live");
        expect(admin.get(base + "/payouts?status=held"), 200);

        Response lifted = admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"contained\"}", Map.of());
        expect(lifted, 200);
        assertThat(lifted.json().path("emergency_stop").isNull()).isTrue();
        expect(transfer("t-after-lift"), 201);
        // What the stop held stays held until released.
        assertThat(admin.get(base + "/payouts/po-stopped").json().path("status").stringValue())
                .isEqualTo("held");
        expect(admin.post(base + "/payouts/po-stopped/release", "{\"reason\": \"contained\"}"), 200);
        awaitStatus("po-stopped", "paid");
        assertThat(openAlerts()).doesNotContain("controls.emergency_stop");

        List<String> actions = new ArrayList<>();
        admin.get("/v1/audit-log")
                .json()
                .path("data")
                .forEach(r -> actions.add(r.path("action").stringValue()));
        assertThat(actions)
                .contains(
                        "controls.mode_changed",
                        "controls.emergency_stop_engaged",
                        "controls.emergency_stop_lifted",
                        "payout.released");
    }

    @Test
    void theCommandLineStopsWithNoServiceRunningAndTheServiceFindsItInForce() {
        ControlsStore store = new ControlsStore(database.dataSource());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = ControlsCommand.run(
                store,
                List.of("stop", "--scope", "payouts", "--reason", "the API is unreachable"),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("emergency stop: payouts");
        assertThat(store.read().stop().engagedBy()).startsWith("cli:");

        start();
        JsonNode controls = admin.get("/v1/controls").json();
        assertThat(controls.path("emergency_stop").path("scope").stringValue()).isEqualTo("payouts");
        assertThat(controls.path("emergency_stop").path("reason").stringValue()).isEqualTo("the API is unreachable");
        admin.goLive();
        assertThat(payout("po-cli", simulator()).path("hold_reason").stringValue())
                .isEqualTo("emergency_stop");
        store.lift("back", Actor.commandLine("cli:test"));
    }

    // ---- helpers

    private String simulator() {
        String id = TestService.uniqueName("sim").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + id + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                                + " \"providers:sim:USD\"}, \"config\": {}}"),
                201);
        return id;
    }

    static String payoutBody(String id, String connector) {
        return "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": 100, \"asset\": \"USD\","
                + " \"connector\": \"" + connector + "\", \"destination\": {\"type\": \"external_id\","
                + " \"id\": \"x\"}}";
    }

    private JsonNode payout(String id, String connector) {
        Response created = admin.post(base + "/payouts", payoutBody(id, connector));
        expect(created, 201);
        return created.json();
    }

    private Response transfer(String id) {
        return admin.post(
                base + "/transactions",
                "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"wallet\", \"to\": \"world\","
                        + " \"amount\": 1, \"asset\": \"USD\"}]}");
    }

    private void awaitStatus(String id, String status) {
        Await.until(
                id + " is " + status,
                Duration.ofSeconds(20),
                () -> status.equals(
                        admin.get(base + "/payouts/" + id).json().path("status").stringValue()));
    }

    private List<String> kinds(String id) {
        List<String> kinds = new ArrayList<>();
        admin.get(base + "/payouts/" + id + "/history")
                .json()
                .path("data")
                .forEach(entry -> kinds.add(entry.path("kind").stringValue()));
        return kinds;
    }

    private List<String> openAlerts() {
        List<String> keys = new ArrayList<>();
        admin.get("/v1/alerts?status=open")
                .json()
                .path("data")
                .forEach(a -> keys.add(a.path("dedupe_key").stringValue()));
        return keys;
    }

    private static List<String> codes(JsonNode refused) {
        List<String> codes = new ArrayList<>();
        refused.forEach(
                r -> codes.add(r.path("id").stringValue() + " " + r.path("code").stringValue()));
        return codes;
    }

    static void expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }
}
