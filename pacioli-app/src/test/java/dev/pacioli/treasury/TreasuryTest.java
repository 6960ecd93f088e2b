package dev.pacioli.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.TestService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Treasury's scripted day on the real service: withdrawals drain a USDC float below min and a cycle
 * converts USD to target through the primary provider (an http provider on loopback); the primary
 * starts answering 503, its conversion never completes and goes to needs_review with an alert, its
 * breaker opens, and the next cycle converts through the secondary (the simulator); a deposit takes the
 * float above max and a cycle sweeps it. After each step every asset balances and verify is ok.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class TreasuryTest {
    private final HttpTester admin;

    TreasuryTest(TestService.Running service) {
        this.admin = service.admin();
    }

    /** A loopback conversion provider: completes at 1:1, or answers 503 to everything once told to. */
    static final class Provider implements AutoCloseable {
        final HttpServer server;
        final AtomicBoolean failing = new AtomicBoolean();
        final Map<String, Integer> received = new ConcurrentHashMap<>();

        Provider() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/conversions", exchange -> {
                byte[] answer;
                int status;
                if (failing.get()) {
                    status = 503;
                    answer = "{}".getBytes(StandardCharsets.UTF_8);
                } else if (exchange.getRequestMethod().equals("POST")) {
                    JsonNode body = RequestReader.MAPPER.readTree(
                            exchange.getRequestBody().readAllBytes());
                    String id = body.path("id").stringValue();
                    received.merge(id, 1, Integer::sum);
                    status = 200;
                    answer = ("{\"id\": \"" + id + "\", \"status\": \"completed\", \"to_amount\": "
                                    + body.path("from_amount").longValue() + ", \"rate\": \"1.0000\"}")
                            .getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 404;
                    answer = "{}".getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private Response call(String method, String path, String json) {
        return admin.send(method, path, json, Map.of());
    }

    private void post(String base, String id, String from, String to, long amount, String asset) {
        Response made = admin.post(
                base + "/transactions",
                "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + from + "\", \"to\": \"" + to
                        + "\", \"amount\": " + amount + ", \"asset\": \"" + asset + "\"}]}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }

    private void account(String base, String id, String asset, String side) {
        Response made = admin.post(
                base + "/accounts",
                "{\"id\": \"" + id + "\", \"asset\": \"" + asset + "\", \"normal_balance\": \"" + side + "\"}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }

    private long balance(String base, String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    /** {@code pacioli_illegal_transitions_total} of conversions asked for by clients, as scraped. */
    private double illegalConversionMoves() {
        String key = "pacioli_illegal_transitions_total{object=\"conversion\",source=\"client\"} ";
        return admin.as(null)
                .get("/metrics")
                .text()
                .lines()
                .filter(line -> line.startsWith(key))
                .mapToDouble(
                        line -> Double.parseDouble(line.substring(key.length()).trim()))
                .findFirst()
                .orElse(0);
    }

    /** Every asset balances and verify replays the ledger without a failure. */
    private void booksHold(String base) {
        JsonNode trial = admin.get(base + "/trial-balance").json();
        for (JsonNode line : trial.path("assets")) {
            assertThat(line.path("balanced").booleanValue()).as(line.toString()).isTrue();
        }
        Response verify = admin.post(base + "/verify", null);
        assertThat(verify.json().path("ok").booleanValue())
                .as(verify.toString())
                .isTrue();
    }

    private JsonNode cycle(String base) {
        Response cycle = call("POST", base + "/treasury/cycles", null);
        assertThat(cycle.status()).as(cycle.toString()).isEqualTo(201);
        return cycle.json();
    }

    private String status(String base, String conversion) {
        return call("GET", base + "/treasury/conversions/" + conversion, null)
                .json()
                .path("status")
                .stringValue();
    }

    @Test
    void aScriptedDay() throws Exception {
        String ledger = TestService.uniqueName("treasury");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.put("/v1/assets/USDC", "{\"scale\": 2}").status()).isIn(200, 201);
        account(base, "treasury:usd:operating", "USD", "debit");
        account(base, "treasury:usdc:float", "USDC", "debit");
        account(base, "treasury:usdc:reserve", "USDC", "debit");
        account(base, "equity:usd", "USD", "credit");
        account(base, "equity:usdc", "USDC", "credit");
        account(base, "withdrawals:usdc", "USDC", "debit");
        post(base, "seed-usd", "treasury:usd:operating", "equity:usd", 10_000_000, "USD");
        post(base, "seed-usdc", "treasury:usdc:float", "equity:usdc", 1_500_000, "USDC");
        String suffix = TestService.uniqueName("").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String primary = "primary" + suffix;
        String secondary = "secondary" + suffix;
        try (Provider provider = new Provider()) {
            Response made = admin.post(
                    "/v1/connectors",
                    "{\"id\": \"" + primary + "\", \"kind\": \"http\", \"assets\":"
                            + " {\"USD\": \"providers:" + primary + ":USD\", \"USDC\": \"providers:" + primary
                            + ":USDC\"},"
                            + " \"config\": {\"base_url\": \"" + provider.baseUrl() + "\", \"pairs\": [\"USD/USDC\"],"
                            + " \"read_timeout_ms\": 500}, \"priority\": 1}");
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            made = admin.post(
                    "/v1/connectors",
                    "{\"id\": \"" + secondary + "\", \"kind\": \"simulator\", \"assets\":"
                            + " {\"USD\": \"providers:" + secondary + ":USD\", \"USDC\": \"providers:" + secondary
                            + ":USDC\"},"
                            + " \"config\": {\"rates\": {\"USD/USDC\": \"1.0000\"}, \"fee_bps\": 10}, \"priority\": 2}");
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            Response buffer =
                    call("PUT", base + "/treasury/buffers/treasury:usdc:float", """
                    {"min": 500000, "target": 1000000, "max": 2000000, "critical": 200000,
                     "top_up_from": "treasury:usd:operating", "sweep_to": "treasury:usdc:reserve",
                     "providers": ["%s", "%s"], "conversion_timeout_seconds": 10}""".formatted(secondary, primary));
            assertThat(buffer.status()).as(buffer.toString()).isEqualTo(201);

            // Withdrawals drain the float below min: the cycle converts through the primary (priority 1).
            post(base, "withdrawals-1", "withdrawals:usdc", "treasury:usdc:float", 1_200_000, "USDC");
            JsonNode first = cycle(base).path("decisions").get(0);
            assertThat(first.path("action").stringValue()).as(first.toString()).isEqualTo("conversion");
            assertThat(first.path("amount").longValue()).isEqualTo(700_000);
            String conversion1 = first.path("conversion").stringValue();
            Await.until(
                    "the first conversion completes",
                    Duration.ofSeconds(30),
                    () -> "completed".equals(status(base, conversion1)));
            JsonNode done = call("GET", base + "/treasury/conversions/" + conversion1, null)
                    .json();
            assertThat(done.path("provider").stringValue()).isEqualTo(primary);
            assertThat(provider.received).containsEntry(ledger + "." + conversion1, 1);
            assertThat(balance(base, "treasury:usdc:float")).isEqualTo(1_000_000);
            assertThat(balance(base, "treasury:usd:operating")).isEqualTo(9_300_000);
            booksHold(base);

            // The primary fails: its conversion never completes, goes to needs_review with an alert.
            provider.failing.set(true);
            post(base, "withdrawals-2", "withdrawals:usdc", "treasury:usdc:float", 600_000, "USDC");
            String conversion2 =
                    cycle(base).path("decisions").get(0).path("conversion").stringValue();
            // Its status queries keep failing: the breaker opens while the conversion stays with it.
            Await.until(
                    "the primary's breaker is open",
                    Duration.ofSeconds(30),
                    () -> admin.get("/v1/connectors/" + primary).text().contains("\"open\""));
            Await.until(
                    "the second conversion needs review",
                    Duration.ofSeconds(30),
                    () -> "needs_review".equals(status(base, conversion2)));
            JsonNode again = cycle(base).path("decisions").get(0);
            assertThat(again.path("action").stringValue())
                    .as("no second job in flight")
                    .isEqualTo("none");
            Response alerts = admin.get("/v1/alerts?category=treasury.conversion&limit=100");
            assertThat(alerts.text()).contains(conversion2);
            booksHold(base);
            Response resolved = call(
                    "POST",
                    base + "/treasury/conversions/" + conversion2 + "/resolve",
                    "{\"outcome\": \"failed\", \"reason\": \"the provider never answered\"}");
            assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
            double refusedBefore = illegalConversionMoves();
            Response again2 = call(
                    "POST",
                    base + "/treasury/conversions/" + conversion2 + "/resolve",
                    "{\"outcome\": \"failed\", \"reason\": \"twice\"}");
            assertThat(again2.code()).isEqualTo("invalid_state_transition");
            assertThat(illegalConversionMoves()).isEqualTo(refusedBefore + 1);
            assertThat(balance(base, "treasury:usd:operating")).isEqualTo(9_300_000);

            // The next cycle goes to the secondary, sized by its quote (1.0000 less 10 bps) so that the float
            // gets its whole shortfall: 600,000 USDC is 600,601 USD (600,600.6 rounded up).
            JsonNode third = cycle(base).path("decisions").get(0);
            assertThat(third.path("amount").longValue()).as(third.toString()).isEqualTo(600_601);
            assertThat(third.path("reason").stringValue()).contains(secondary + "'s quoted rate 0.999");
            String conversion3 = third.path("conversion").stringValue();
            Await.until(
                    "the third conversion completes",
                    Duration.ofSeconds(30),
                    () -> "completed".equals(status(base, conversion3)));
            JsonNode viaSecondary = call("GET", base + "/treasury/conversions/" + conversion3, null)
                    .json();
            assertThat(viaSecondary.path("provider").stringValue()).isEqualTo(secondary);
            assertThat(viaSecondary.path("to_amount").longValue()).isEqualTo(600_000);
            assertThat(viaSecondary.path("rate").stringValue()).isEqualTo("1.0000");
            assertThat(balance(base, "treasury:usdc:float")).isEqualTo(1_000_000);
            assertThat(balance(base, "treasury:usd:operating")).isEqualTo(9_300_000 - 600_601);
            booksHold(base);

            // A deposit takes it above max: the sweep brings it back to target.
            post(base, "deposit-1", "treasury:usdc:float", "equity:usdc", 1_500_000, "USDC");
            JsonNode sweep = cycle(base).path("decisions").get(0);
            assertThat(sweep.path("action").stringValue()).as(sweep.toString()).isEqualTo("sweep");
            assertThat(balance(base, "treasury:usdc:float")).isEqualTo(1_000_000);
            assertThat(balance(base, "treasury:usdc:reserve")).isEqualTo(1_500_000);
            booksHold(base);
            JsonNode listed = call("GET", base + "/treasury/buffers", null)
                    .json()
                    .path("data")
                    .get(0);
            assertThat(listed.path("status").stringValue()).isEqualTo("ok");
        } finally {
            admin.delete("/v1/connectors/" + primary);
            admin.delete("/v1/connectors/" + secondary);
        }
    }

    /** The monitor's alerts, oldest first: status and count. */
    private List<String> monitorAlerts(String dedupeKey) {
        List<String> found = new ArrayList<>();
        for (JsonNode alert : admin.get("/v1/alerts?category=balance_monitor&limit=1000")
                .json()
                .path("data")) {
            if (alert.path("dedupe_key").stringValue().equals(dedupeKey)) {
                found.add(alert.path("status").stringValue());
            }
        }
        return found;
    }

    @Test
    void aTopUpBetweenAssetsOfDifferentScalesConvertsTheShortfallInTheSourceAsset() {
        String ledger = TestService.uniqueName("scales");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        // Micro-units: 1 USDM is 1,000,000 minor units; 1 USD is 100.
        assertThat(admin.put("/v1/assets/USDM", "{\"scale\": 6}").status()).isIn(200, 201);
        account(base, "treasury:usd", "USD", "debit");
        account(base, "treasury:usdm", "USDM", "debit");
        account(base, "equity:usd", "USD", "credit");
        post(base, "seed-usd", "treasury:usd", "equity:usd", 10_000_000, "USD");
        String provider =
                "fxm" + TestService.uniqueName("").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        try {
            Response made = admin.post("/v1/connectors", """
                    {"id": "%s", "kind": "simulator", "assets": {"USD": "providers:%s:USD", "USDM": "providers:%s:USDM"},
                     "config": {"rates": {"USD/USDM": "10000", "USDM/USD": "0.0001"}}}""".formatted(provider, provider, provider));
            assertThat(made.status()).as(made.toString()).isEqualTo(201);
            Response buffer = call("PUT", base + "/treasury/buffers/treasury:usdm", """
                    {"min": 500000000, "target": 1000000000, "max": 2000000000, "critical": 0,
                     "top_up_from": "treasury:usd", "sweep_to": "treasury:usd", "providers": ["%s"],
                     "conversion_timeout_seconds": 60}""".formatted(provider));
            assertThat(buffer.status()).as(buffer.toString()).isEqualTo(201);

            // Empty: 1,000 USDM short, which is 1,000 USD at the quoted 10,000 micro-units per cent.
            JsonNode decision = cycle(base).path("decisions").get(0);
            assertThat(decision.path("action").stringValue())
                    .as(decision.toString())
                    .isEqualTo("conversion");
            assertThat(decision.path("amount").longValue()).isEqualTo(100_000);
            assertThat(decision.path("reason").stringValue())
                    .contains("1000000000 USDM is 100000 USD at " + provider + "'s quoted rate 10000");
            String conversion = decision.path("conversion").stringValue();
            Await.until(
                    "the conversion completes",
                    Duration.ofSeconds(30),
                    () -> "completed".equals(status(base, conversion)));
            assertThat(balance(base, "treasury:usdm")).isEqualTo(1_000_000_000);
            assertThat(balance(base, "treasury:usd")).isEqualTo(10_000_000 - 100_000);
            booksHold(base);
        } finally {
            admin.delete("/v1/connectors/" + provider);
        }
    }

    @Test
    void aBalanceMonitorSeesEveryCrossingAsTransactionsCommit() {
        String ledger = TestService.uniqueName("monitor");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        post(base, "fund", "world", "wallet", 30_000, "USD");
        Response put = call(
                "PUT",
                base + "/balance-monitors/low-wallet",
                "{\"account\": \"wallet\", \"below\": 20000, \"above\": null, \"on\": \"balance\","
                        + " \"severity\": \"warning\"}");
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        assertThat(put.json().path("state").stringValue()).isEqualTo("ok");
        String key = "balance_monitor:" + ledger + ":low-wallet";

        // Down and back up inside one atomic batch: raised, then resolved.
        Response batch = admin.post(base + "/transactions/batch", """
                {"atomic": true, "transactions": [
                 {"id": "down-1", "postings": [{"from": "wallet", "to": "world", "amount": 20000, "asset": "USD"}]},
                 {"id": "up-1", "postings": [{"from": "world", "to": "wallet", "amount": 20000, "asset": "USD"}]}]}""");
        assertThat(batch.status()).as(batch.toString()).isIn(200, 201);
        Await.until(
                "the crossing inside the batch is raised and resolved",
                Duration.ofSeconds(20),
                () -> monitorAlerts(key).equals(List.of("resolved")));

        // Across commits: down (open), then up (resolved); the line is judged at each commit.
        post(base, "down-2", "wallet", "world", 15_000, "USD");
        Await.until(
                "the monitor is below",
                Duration.ofSeconds(20),
                () -> monitorAlerts(key).contains("open"));
        // The alert is raised as the crossing is judged; the monitor's row records the state just after.
        Await.until(
                "the monitor's state is below",
                Duration.ofSeconds(20),
                () -> monitorState(base).equals("below"));
        post(base, "up-2", "world", "wallet", 15_000, "USD");
        Await.until(
                "the monitor is back",
                Duration.ofSeconds(20),
                () -> !monitorAlerts(key).contains("open") && monitorAlerts(key).size() == 2);
        Await.until(
                "the monitor's state is ok",
                Duration.ofSeconds(20),
                () -> monitorState(base).equals("ok"));
    }

    private String monitorState(String base) {
        return call("GET", base + "/balance-monitors", null)
                .json()
                .path("data")
                .get(0)
                .path("state")
                .stringValue();
    }
}
