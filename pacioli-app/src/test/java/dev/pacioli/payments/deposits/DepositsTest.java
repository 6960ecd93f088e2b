package dev.pacioli.payments.deposits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Money in, end to end: the simulator's deposits, a provider's signed webhook delivered many times at
 * once (one deposit), routing by deposit route, what routes nowhere kept and alerted, reversal, signed
 * instructions that create one payout each, and a payout the provider returns.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class DepositsTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(30);
    private static final String SECRET = "a-shared-secret-of-the-bank";

    private final HttpTester admin;
    private final HttpTester anonymous;
    private String ledger;
    private String base;
    private String simulator;

    DepositsTest(TestService.Running service) {
        this.admin = service.admin();
        this.anonymous = service.admin().as(null);
    }

    @BeforeEach
    void ledgerAndSimulator() {
        ledger = TestService.uniqueName("in");
        base = admin.openLedgerWithWorldAndWallet(ledger);
        simulator = id("sim");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + simulator + "\", \"kind\": \"simulator\", \"assets\":"
                                + " {\"USD\": \"providers:sim:USD\"}, \"config\": {\"return_delay_ms\": 200}}"),
                201);
    }

    @Test
    void theSimulatorsDepositCreditsTheAccountOnceAndCanBeReversed() {
        String body = "{\"ledger\": \"" + ledger + "\", \"deposit_id\": \"dep-1\", \"account\": \"wallet\","
                + " \"amount\": 500, \"asset\": \"USD\"}";
        expect(admin.post("/v1/connectors/" + simulator + "/simulate/deposit", body), 202);
        await(
                "the deposit is recorded",
                () -> admin.get(base + "/deposits/dep-1").status() == 200);
        expect(admin.post("/v1/connectors/" + simulator + "/simulate/deposit", body), 202);
        JsonNode deposit = admin.get(base + "/deposits/dep-1").json();
        assertThat(deposit.path("status").stringValue()).isEqualTo("succeeded");
        assertThat(deposit.path("ledger_transactions").get(0).stringValue()).isEqualTo("deposit:dep-1");
        assertThat(balance("wallet")).isEqualTo(500);
        assertThat(balance("providers:sim:USD")).isEqualTo(500);

        JsonNode reversed = admin.post(base + "/deposits/dep-1/reverse", "{\"reason\": \"chargeback\"}")
                .json();
        assertThat(reversed.path("status").stringValue()).isEqualTo("reversed");
        assertThat(balance("wallet")).isEqualTo(0);
        assertThat(admin.get(base + "/deposits?limit=10").json().path("data")).hasSize(1);
    }

    @Test
    void aSignedWebhookDeliveredTwentyTimesAtOnceMakesOneDepositAndABadSignatureNone() throws Exception {
        String bank = id("bank");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + bank + "\", \"kind\": \"inbound\", \"assets\":"
                                + " {\"USD\": \"providers:bank:USD\"}, \"config\": {}, \"inbound\": {\"scheme\": \"hmac_sha256_hex\","
                                + " \"secret\": \"" + SECRET + "\", \"kind\": \"events\", \"default_ledger\": \""
                                + ledger + "\"}}"),
                201);
        expect(
                admin.post(
                        base + "/deposit-routes",
                        "{\"connector\": \"" + bank + "\", \"reference\": \"VA-1\"," + " \"account\": \"wallet\"}"),
                201);
        byte[] event = ("{\"id\": \"evt-" + ledger + "\", \"type\": \"deposit.succeeded\", \"timestamp\":"
                        + " \"2026-12-05T10:10:00Z\", \"data\": {\"id\": \"bank-dep-1\", \"amount\": 1500, \"asset\": \"USD\","
                        + " \"reference\": \"VA-1\", \"metadata\": {}}}")
                .getBytes(StandardCharsets.UTF_8);

        Response forged = anonymous.send(
                "POST",
                "/v1/inbound/" + bank,
                new String(event, StandardCharsets.UTF_8),
                Map.of("X-Signature", "00".repeat(32)));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.code()).isEqualTo("invalid_signature");

        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                answers.add(threads.submit(() -> anonymous.send(
                        "POST",
                        "/v1/inbound/" + bank,
                        new String(event, StandardCharsets.UTF_8),
                        Map.of("X-Signature", sign(event)))));
            }
        }
        int duplicates = 0;
        for (Future<Response> answer : answers) {
            assertThat(answer.get().status()).isEqualTo(200);
            duplicates += answer.get().json().path("duplicate").booleanValue() ? 1 : 0;
        }
        assertThat(duplicates).isEqualTo(19);
        await("the wallet is credited once", () -> balance("wallet") == 1500);
        JsonNode deposits = admin.get(base + "/deposits").json().path("data");
        assertThat(deposits).hasSize(1);
        assertThat(deposits.get(0).path("provider_reference").stringValue()).isNotNull();
        assertThat(admin.as(null).get("/metrics").text())
                .contains("pacioli_inbound_webhooks_total{connector=\"" + bank + "\",outcome=\"duplicate\"}")
                .contains("pacioli_inbound_webhooks_total{connector=\"" + bank + "\",outcome=\"bad_signature\"}");

        byte[] nowhere = ("{\"id\": \"evt-nowhere-" + ledger + "\", \"type\": \"deposit.succeeded\", \"data\":"
                        + " {\"id\": \"bank-dep-2\", \"amount\": 10, \"asset\": \"USD\", \"reference\": \"VA-404\"}}")
                .getBytes(StandardCharsets.UTF_8);
        expect(
                anonymous.send(
                        "POST",
                        "/v1/inbound/" + bank,
                        new String(nowhere, StandardCharsets.UTF_8),
                        Map.of("X-Signature", sign(nowhere))),
                200);
        await(
                "what routes nowhere is alerted",
                () -> admin
                        .get("/v1/alerts?category=inbound.unmatched&limit=1000")
                        .json()
                        .path("data")
                        .findValuesAsString("dedupe_key")
                        .stream()
                        .anyMatch(key -> key.endsWith("evt-nowhere-" + ledger)));
        assertThat(balance("wallet")).isEqualTo(1500);
    }

    @Test
    void aDepositNamingACommissionPlanPaysTheReferrersInItsOwnTransaction() {
        expect(
                admin.post(
                        base + "/accounts",
                        "{\"id\": \"platform:revenue\", \"asset\": \"USD\"," + " \"normal_balance\": \"debit\"}"),
                201);
        expect(admin.put(base + "/parties/grandma", "{\"referrer\": null}"), 201);
        expect(admin.put(base + "/parties/mom", "{\"referrer\": \"grandma\"}"), 201);
        expect(admin.put(base + "/parties/kid", "{\"referrer\": \"mom\"}"), 201);
        expect(
                admin.put(
                        base + "/commission-plans/affiliates",
                        "{\"asset\": \"USD\", \"levels_bps\": [1000, 500, 200],"
                                + " \"source\": \"platform:revenue\", \"payee_account\": \"affiliates:{party}\"}"),
                201);
        Response deposit = admin.post(
                base + "/deposits",
                "{\"id\": \"dep-c\", \"account\": \"wallet\", \"amount\": 9999,"
                        + " \"asset\": \"USD\", \"connector\": \"" + simulator
                        + "\", \"metadata\": {\"commission_plan\":"
                        + " \"affiliates\", \"party\": \"kid\"}}");
        expect(deposit, 201);
        JsonNode transaction = admin.get(base + "/transactions/deposit:dep-c").json();
        assertThat(transaction.path("postings")).hasSize(3);
        assertThat(balance("wallet")).isEqualTo(9999);
        assertThat(balance("affiliates:mom")).isEqualTo(999); // floor(9999 x 1000 / 10000)
        assertThat(balance("affiliates:grandma")).isEqualTo(499); // floor(9999 x 500 / 10000)
        assertThat(admin.post(
                                base + "/deposits",
                                "{\"id\": \"dep-d\", \"account\": \"wallet\", \"amount\": 1,"
                                        + " \"asset\": \"USD\", \"connector\": \"" + simulator + "\", \"metadata\":"
                                        + " {\"commission_plan\": \"none\", \"party\": \"kid\"}}")
                        .code())
                .isEqualTo("commission_plan_not_found");
        assertThat(admin.get(base + "/deposits/dep-d").code()).isEqualTo("deposit_not_found");
    }

    @Test
    void aSignedInstructionCreatesOnePayoutAndTheProviderMayReturnIt() throws Exception {
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\","
                                + " \"to\": \"wallet\", \"amount\": 10000, \"asset\": \"USD\"}]}"),
                201);
        String bot = id("bot");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + bot + "\", \"kind\": \"inbound\", \"assets\": {},"
                                + " \"config\": {}, \"inbound\": {\"scheme\": \"hmac_sha256_hex\", \"secret\": \""
                                + SECRET + "\","
                                + " \"kind\": \"instructions\", \"default_ledger\": \"" + ledger + "\"}}"),
                201);
        byte[] instruction = ("{\"id\": \"po-signal-1\", \"source\": \"wallet\", \"amount\": 400, \"asset\": \"USD\","
                        + " \"connector\": \"" + simulator
                        + "\", \"destination\": {\"type\": \"external_id\", \"id\": \"x\"},"
                        + " \"metadata\": {\"simulate\": \"return\"}}")
                .getBytes(StandardCharsets.UTF_8);
        // The same instruction twice at once: one payout, one 201 and one replay.
        List<Future<Response>> both = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2; i++) {
                both.add(threads.submit(() -> anonymous.send(
                        "POST",
                        "/v1/inbound/" + bot,
                        new String(instruction, StandardCharsets.UTF_8),
                        Map.of("X-Signature", sign(instruction)))));
            }
        }
        assertThat(List.of(both.get(0).get().status(), both.get(1).get().status()))
                .containsExactlyInAnyOrder(201, 200);
        Response created = both.get(0).get().status() == 201
                ? both.get(0).get()
                : both.get(1).get();
        assertThat(created.json().path("created_by").stringValue()).isEqualTo("connector:" + bot);
        assertThat(anonymous
                        .send(
                                "POST",
                                "/v1/inbound/" + bot,
                                new String(instruction, StandardCharsets.UTF_8),
                                Map.of("X-Signature", sign(instruction)))
                        .status())
                .isEqualTo(200);
        byte[] other = new String(instruction, StandardCharsets.UTF_8)
                .replace("400", "401")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(anonymous
                        .send(
                                "POST",
                                "/v1/inbound/" + bot,
                                new String(other, StandardCharsets.UTF_8),
                                Map.of("X-Signature", sign(other)))
                        .code())
                .isEqualTo("payout_exists_with_different_fields");

        await(
                "the payout is paid, then returned, and the amount comes back",
                () -> "returned"
                                .equals(admin.get(base + "/payouts/po-signal-1")
                                        .json()
                                        .path("status")
                                        .stringValue())
                        && balance("wallet") == 10000);
    }

    private static String id(String prefix) {
        return TestService.uniqueName(prefix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    }

    private static String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private long balance(String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    private static void expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
