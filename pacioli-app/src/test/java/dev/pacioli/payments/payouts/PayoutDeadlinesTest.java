package dev.pacioli.payments.payouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The payouts' deadlines with seconds instead of minutes, in a schema of this class's own (so only
 * this service's sweep sees these payouts): an approval window that passes expires the payout and
 * voids its reserve; a provider that never answers finally sends the payout to needs_review with a
 * critical alert, and an operator's resolution settles it.
 */
@ParameterizedClass
@MethodSource("databases")
class PayoutDeadlinesTest {
    private static final PaymentSettings FAST = new PaymentSettings(
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            Duration.ofMillis(500),
            Duration.ofMillis(500),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));
    private static List<Database> databases;

    private final Database database;
    private Service service;
    private HttpTester admin;
    private String base;

    PayoutDeadlinesTest(Database database) {
        this.database = database;
    }

    static synchronized List<Database> databases() {
        if (databases == null) {
            List<Database> all = new ArrayList<>();
            for (TestDatabases.TestDatabase shared : TestDatabases.all()) {
                all.add(TestDatabases.ownSchema(shared.database(), "pacioli_deadlines", 8));
            }
            databases = List.copyOf(all);
        }
        return databases;
    }

    @AfterAll
    static void dropSchemas() {
        databases.forEach(TestDatabases::drop);
    }

    @BeforeEach
    void start() {
        service = Service.start(
                database,
                new Service.Options(
                                Path.of("target", "test-data"),
                                TestService.ADMIN_KEY,
                                new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                                EngineConfig.DEFAULTS)
                        .withPayments(FAST));
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        admin.goLive();
        base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("late"));
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\","
                                + " \"to\": \"wallet\", \"amount\": 10000, \"asset\": \"USD\"}]}"),
                201);
        admin.post(
                "/v1/connectors",
                "{\"id\": \"sim-late\", \"kind\": \"simulator\", \"assets\":"
                        + " {\"USD\": \"providers:sim:USD\"}, \"config\": {}}");
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void anApprovalWindowThatPassesExpiresThePayoutAndVoidsItsReserve() {
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 0,"
                                + " \"approvals\": 1}], \"approval_window_seconds\": 1}"),
                200);
        JsonNode created = create("po-expires", "succeed").json();
        assertThat(created.path("status").stringValue()).isEqualTo("requires_approval");
        assertThat(available()).isEqualTo(10_000 - 100);
        Await.until(
                "the payout expires and its reserve is voided",
                Duration.ofSeconds(20),
                () -> "expired"
                                .equals(admin.get(base + "/payouts/po-expires")
                                        .json()
                                        .path("status")
                                        .stringValue())
                        && available() == 10_000);
    }

    @Test
    void aProviderThatNeverAnswersSendsThePayoutToReviewAndAnOperatorSettlesIt() {
        expect(create("po-stuck", "stuck"), 201);
        Await.until(
                "the payout needs review",
                Duration.ofSeconds(20),
                () -> "needs_review"
                        .equals(admin.get(base + "/payouts/po-stuck")
                                .json()
                                .path("status")
                                .stringValue()));
        // The alert is raised right after the move commits.
        Await.until(
                "the payout's critical alert",
                Duration.ofSeconds(20),
                () -> admin
                        .get("/v1/alerts?category=payout.needs_review&status=open")
                        .json()
                        .path("data")
                        .findValuesAsString("object")
                        .stream()
                        .anyMatch(object -> object.endsWith("/po-stuck")));
        assertThat(admin.as(null).get("/metrics").text()).contains("pacioli_payouts_stuck{state=\"processing\"}");

        Response resolved = admin.post(
                base + "/payouts/po-stuck/resolve",
                "{\"outcome\": \"paid\", \"reason\": \"the provider's dashboard shows it paid\"}");
        assertThat(resolved.json().path("status").stringValue()).isEqualTo("paid");
        Await.until(
                "the reserve is posted",
                Duration.ofSeconds(20),
                () -> admin.get(base + "/accounts/wallet")
                                .json()
                                .path("balances")
                                .path("balance")
                                .longValue()
                        == 10_000 - 100);
        assertThat(admin.get("/v1/audit-log?action=payout.resolved&object_id=po-stuck")
                        .json()
                        .path("data"))
                .hasSize(1);
    }

    private Response create(String id, String simulate) {
        return admin.post(
                base + "/payouts",
                "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": 100,"
                        + " \"asset\": \"USD\", \"connector\": \"sim-late\", \"destination\": {\"type\": \"external_id\","
                        + " \"id\": \"acct-9\"}, \"metadata\": {\"simulate\": \"" + simulate + "\"}}");
    }

    private long available() {
        return admin.get(base + "/accounts/wallet")
                .json()
                .path("balances")
                .path("available")
                .longValue();
    }

    private static void expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }
}
