package dev.pacioli.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Payouts and deposits screened at creation (controls.md, Screening), on a service of its own with its
 * own lists. A payout destination whose name, wallet address or country hits is created held ({@code
 * screening}) with a case per hit; the payout's creator cannot decide its case; a compliance officer's
 * clear sends it on to be paid (once every case of it is cleared), a confirm rejects it and gives its
 * reserve back. A deposit whose originator hits stays pending, held, with nothing credited, whatever
 * the provider says; a clear succeeds it once the provider has said it succeeded, a confirm fails it.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ScreeningHoldsTest {
    private static final String LIST = "{\"entries\": [{\"id\": \"sdn-1\", \"name\": \"Ivanka Kovalenko-Drummond\","
            + " \"type\": \"individual\", \"countries\": [\"RU\"],"
            + " \"addresses\": [\"0x7F367cC41522cE07553e823bf3be79A889DEbe1B\"]}], \"blocked_countries\": [\"KP\"]}";

    private final TestDatabases.TestDatabase shared;
    private Database database;
    private Service service;
    private HttpTester admin;
    private HttpTester officer;
    /** A writer that has the compliance flag too: it may decide cases, but not those of its own payouts. */
    private HttpTester maker;

    private String base;
    private String connector;

    ScreeningHoldsTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    @BeforeEach
    void start() {
        database = TestDatabases.ownSchema(shared.database(), "pacioli_screened", 8);
        service = TestService.startAsInstalled(
                        "screened",
                        database,
                        TestService.options(0, 0)
                                .withPayments(new PaymentSettings(
                                        Duration.ofMillis(200),
                                        Duration.ofMillis(500),
                                        Duration.ofSeconds(30),
                                        Duration.ofSeconds(30),
                                        Duration.ofSeconds(60),
                                        Duration.ofMillis(200))))
                .service();
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        admin.goLive();
        base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("screened"));
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": 10000,"
                                + " \"asset\": \"USD\"}]}"),
                201);
        connector = TestService.uniqueName("sim").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + connector + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                                + " \"providers:sim:USD\"}, \"config\": {}}"),
                201);
        expect(admin.put("/v1/screening/lists/sanctions", LIST), 200);
        officer = key("officer", "reader");
        maker = key("maker", "writer");
    }

    @AfterEach
    void stop() {
        service.close();
        TestDatabases.drop(database);
    }

    @Test
    void aNameHitIsHeldUntilAComplianceOfficerWhoDidNotCreateItClearsIt() {
        JsonNode held = create(
                maker,
                "po-name",
                "{\"type\": \"external_id\", \"id\": \"x\", \"name\": \"Drummond Ivanka"
                        + " Kovalenko\", \"country\": \"GB\"}");
        assertThat(held.path("status").stringValue()).isEqualTo("held");
        assertThat(held.path("hold_reason").stringValue()).isEqualTo("screening");
        assertThat(available()).isEqualTo(10000 - 100);
        List<JsonNode> cases = cases("po-name");
        assertThat(cases).hasSize(1);
        assertThat(cases.getFirst().path("status").stringValue()).isEqualTo("open");
        String caseId = cases.getFirst().path("id").stringValue();

        // The payout's creator may not decide its case, even with the flag; without the flag, no one may.
        expect(
                admin.post(
                        "/v1/screening/cases/" + caseId + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"admin\"}"),
                403);
        Response own = maker.post(
                "/v1/screening/cases/" + caseId + "/decide", "{\"decision\": \"clear\", \"reason\": \"me\"}");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.code()).isEqualTo("decider_is_creator");
        assertThat(status("po-name")).isEqualTo("held");

        expect(
                officer.post(
                        "/v1/screening/cases/" + caseId + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"different person: date of birth differs\"}"),
                200);
        awaitStatus("po-name", "paid");
    }

    @Test
    void aConfirmedAddressHitRejectsThePayoutAndGivesItsReserveBack() {
        // The list holds the address checksummed; the destination gives it in lower case.
        JsonNode held = create(
                "po-addr",
                "{\"type\": \"wallet_address\", \"address\": \"0x7f367cc41522ce07553e823bf3be79a889debe1b\"}");
        assertThat(held.path("hold_reason").stringValue()).isEqualTo("screening");
        String caseId = cases("po-addr").getFirst().path("id").stringValue();
        expect(
                officer.post(
                        "/v1/screening/cases/" + caseId + "/decide",
                        "{\"decision\": \"confirm\", \"reason\": \"the sanctioned wallet\"}"),
                200);
        assertThat(status("po-addr")).isEqualTo("rejected");
        Await.until("the reserve is voided", Duration.ofSeconds(20), () -> available() == 10000);
    }

    @Test
    void aPayoutWithTwoHitsIsReleasedOnlyWhenBothAreCleared() {
        JsonNode held = create(
                "po-two",
                "{\"type\": \"wallet_address\", \"address\": \"0x7F367cC41522cE07553e823bf3be79A889DEbe1B\","
                        + " \"name\": \"Ivanka Kovalenko-Drummond\", \"country\": \"KP\"}");
        assertThat(held.path("status").stringValue()).isEqualTo("held");
        List<JsonNode> cases = cases("po-two");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < cases.size(); i++) {
            assertThat(status("po-two"))
                    .as("after %d of %d cleared", i, cases.size())
                    .isEqualTo("held");
            expect(
                    officer.post(
                            "/v1/screening/cases/" + cases.get(i).path("id").stringValue() + "/decide",
                            "{\"decision\": \"clear\", \"reason\": \"reviewed\"}"),
                    200);
        }
        awaitStatus("po-two", "paid");
    }

    @Test
    void aDestinationThatHitsNothingIsNotHeld() {
        JsonNode created = create(
                "po-clean",
                "{\"type\": \"external_id\", \"id\": \"x\", \"name\": \"Marta Lindqvist\"," + " \"country\": \"SE\"}");
        assertThat(created.path("status").stringValue()).isEqualTo("approved");
        assertThat(cases("po-clean")).isEmpty();
        awaitStatus("po-clean", "paid");
    }

    @Test
    void aDepositFromASanctionedOriginatorIsHeldPendingAndSucceedsOnlyWhenCleared() {
        String originator = "{\"name\": \"KOVALENKO-DRUMMOND, Ivanka\", \"country\": \"GB\"}";
        expect(simulateDeposit("dep-held", "pending", originator), 202);
        awaitDeposit("dep-held", "pending");
        JsonNode held = deposit("dep-held");
        assertThat(held.path("hold_reason").stringValue()).isEqualTo("screening");
        assertThat(held.path("originator").path("name").stringValue()).isEqualTo("KOVALENKO-DRUMMOND, Ivanka");
        List<JsonNode> cases = cases("dep-held");
        assertThat(cases).hasSize(1);
        assertThat(cases.getFirst().path("object_type").stringValue()).isEqualTo("deposit");
        // The provider says the money arrived: the deposit stays held, nothing is credited.
        expect(simulateDeposit("dep-held", "succeeded", null), 202);
        Await.until(
                "the success is recorded",
                Duration.ofSeconds(20),
                () -> deposit("dep-held").path("provider_event_ids").size() == 2);
        assertThat(deposit("dep-held").path("status").stringValue()).isEqualTo("pending");
        assertThat(balance()).isEqualTo(10000);

        expect(
                officer.post(
                        "/v1/screening/cases/" + cases.getFirst().path("id").stringValue() + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"a namesake: other date of birth\"}"),
                200);
        awaitDeposit("dep-held", "succeeded");
        assertThat(deposit("dep-held").path("hold_reason").isNull()).isTrue();
        assertThat(balance()).isEqualTo(10000 + 500);
    }

    @Test
    void aClearedDepositThatTheProviderHasNotSettledWaitsForItsSuccess() {
        expect(
                simulateDeposit("dep-wait", "pending", "{\"address\": \"0x7f367cc41522ce07553e823bf3be79a889debe1b\"}"),
                202);
        awaitDeposit("dep-wait", "pending");
        expect(
                officer.post(
                        "/v1/screening/cases/"
                                + cases("dep-wait").getFirst().path("id").stringValue() + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"reviewed\"}"),
                200);
        Await.until(
                "the hold is lifted",
                Duration.ofSeconds(20),
                () -> deposit("dep-wait").path("hold_reason").isNull());
        assertThat(deposit("dep-wait").path("status").stringValue()).isEqualTo("pending");
        expect(simulateDeposit("dep-wait", "succeeded", null), 202);
        awaitDeposit("dep-wait", "succeeded");
        assertThat(balance()).isEqualTo(10000 + 500);
    }

    @Test
    void aConfirmedHitFailsAnOperatorsDepositAndCreditsNothing() {
        Response created = admin.post(
                base + "/deposits",
                "{\"id\": \"dep-op\", \"account\": \"wallet\", \"amount\": 500, \"asset\": \"USD\", \"connector\": \""
                        + connector
                        + "\", \"metadata\": {}, \"originator\": {\"name\": \"Someone\", \"country\": \"KP\"}}");
        expect(created, 201);
        assertThat(created.json().path("status").stringValue()).isEqualTo("pending");
        assertThat(created.json().path("hold_reason").stringValue()).isEqualTo("screening");
        String caseId = cases("dep-op").getFirst().path("id").stringValue();
        expect(
                officer.post(
                        "/v1/screening/cases/" + caseId + "/decide",
                        "{\"decision\": \"confirm\", \"reason\": \"sent from an embargoed country\"}"),
                200);
        assertThat(deposit("dep-op").path("status").stringValue()).isEqualTo("failed");
        assertThat(balance()).isEqualTo(10000);
    }

    @Test
    void aDepositWhoseOriginatorHitsNothingSucceedsAtOnce() {
        expect(simulateDeposit("dep-clean", "succeeded", "{\"name\": \"Marta Lindqvist\", \"country\": \"SE\"}"), 202);
        awaitDeposit("dep-clean", "succeeded");
        assertThat(cases("dep-clean")).isEmpty();
        assertThat(balance()).isEqualTo(10000 + 500);
    }

    // ---- helpers

    private Response simulateDeposit(String id, String status, String originator) {
        return admin.post(
                "/v1/connectors/" + connector + "/simulate/deposit",
                "{\"ledger\": \"" + base.substring("/v1/ledgers/".length()) + "\", \"deposit_id\": \"" + id
                        + "\", \"account\": \"wallet\", \"amount\": 500, \"asset\": \"USD\", \"status\": \"" + status
                        + "\"" + (originator == null ? "" : ", \"originator\": " + originator) + "}");
    }

    private JsonNode deposit(String id) {
        return admin.get(base + "/deposits/" + id).json();
    }

    private void awaitDeposit(String id, String status) {
        Await.until(
                id + " is " + status,
                Duration.ofSeconds(20),
                () -> status.equals(deposit(id).path("status").asString()));
    }

    private long balance() {
        return admin.get(base + "/accounts/wallet")
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    private JsonNode create(String id, String destination) {
        return create(admin, id, destination);
    }

    private JsonNode create(HttpTester creator, String id, String destination) {
        Response created = creator.post(
                base + "/payouts",
                "{\"id\": \"" + id
                        + "\", \"source\": \"wallet\", \"amount\": 100, \"asset\": \"USD\", \"connector\": \""
                        + connector + "\", \"destination\": " + destination + "}");
        expect(created, 201);
        return created.json();
    }

    private HttpTester key(String principal, String role) {
        Response key = admin.post(
                "/v1/api-keys",
                "{\"name\": \"" + principal + "\", \"role\": \"" + role + "\", \"principal\": \"" + principal
                        + "\", \"flags\": [\"compliance\"]}");
        expect(key, 201);
        return admin.as(key.json().path("secret").stringValue());
    }

    private List<JsonNode> cases(String payout) {
        List<JsonNode> found = new ArrayList<>();
        admin.get("/v1/screening/cases?limit=100").json().path("data").forEach(c -> {
            if (payout.equals(c.path("object_id").stringValue())) {
                found.add(c);
            }
        });
        return found;
    }

    private String status(String id) {
        return admin.get(base + "/payouts/" + id).json().path("status").stringValue();
    }

    private void awaitStatus(String id, String status) {
        Await.until(id + " is " + status, Duration.ofSeconds(20), () -> status.equals(status(id)));
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
