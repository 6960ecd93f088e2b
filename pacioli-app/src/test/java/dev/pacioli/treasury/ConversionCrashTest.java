package dev.pacioli.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli serve} in a child JVM converts 60 one-off conversions through an http provider on
 * loopback and is SIGKILLed three times at random points on the way (after a random number of
 * submissions reached the provider: between reserve and submission, mid-answer, mid-completion, as
 * the dice fall). After the last restart every conversion is final, the provider created each
 * conversion id exactly once, each reserve is posted (completed, with its delivery) or voided (failed)
 * as its conversion says, and the ledger verifies.
 *
 * <p>The provider completes most, fails every fifth and answers every fifth-plus-one only after the
 * connector's read timeout (accepted; an unknown outcome the worker resolves by asking).
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits on it")
class ConversionCrashTest {
    private static final String ADMIN_KEY = "pacioli_conversion_crash_admin_0123456789abcdef";
    private static final int CONVERSIONS = 60;
    private static final Duration WAIT_MAX = Duration.ofSeconds(120);

    @Test
    void killedWhileConvertingEachConversionIsMadeOnceAndItsReserveMatches() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long pid = ProcessHandle.current().pid();
        try (ConversionProvider provider = new ConversionProvider();
                ChildService service = ChildService.start("conversion-crash", ADMIN_KEY, Map.of())) {
            String ledger = "fx-crash-" + pid;
            String base = "/v1/ledgers/" + ledger;
            for (int i = 0; i < CONVERSIONS; i++) {
                String id = ledger + ".fx-" + i;
                switch (i % 5) {
                    case 0 -> provider.behave(id, ConversionProvider.Behaviour.FAIL);
                    case 1 -> provider.behave(id, ConversionProvider.Behaviour.SLOW);
                    default -> provider.behave(id, ConversionProvider.Behaviour.COMPLETE);
                }
            }
            HttpTester admin = service.admin();
            admin.goLive();
            setUp(admin, ledger, provider);
            for (int i = 0; i < CONVERSIONS; i++) {
                JsonNode made = admin.post(base + "/treasury/conversions", """
                                {"id": "fx-%d", "from_account": "treasury:usd", "to_account": "treasury:usdc",
                                 "from_amount": 1000, "provider": "fx"}""".formatted(i))
                        .json();
                assertThat(made.path("status").stringValue())
                        .as(made.toString())
                        .isEqualTo("pending");
            }
            for (int kill = 1; kill <= 3; kill++) {
                int threshold = Math.min(CONVERSIONS, kill * 12 + random.nextInt(12));
                Await.until(
                        "at least " + threshold + " submissions reached the provider (seed " + seed + ")",
                        WAIT_MAX,
                        () -> provider.postsSeen() >= threshold);
                service.killAndRestart();
            }
            Await.until("every conversion is final (seed " + seed + ")", WAIT_MAX, () -> {
                for (JsonNode conversion : admin.get(base + "/treasury/conversions?limit=1000")
                        .json()
                        .path("data")) {
                    String status = conversion.path("status").stringValue();
                    if (!status.equals("completed") && !status.equals("failed")) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(provider.created().values())
                    .as("creations per id (seed %d)", seed)
                    .containsOnly(1);
            assertThat(provider.created()).hasSize(CONVERSIONS);
            long completed = 0;
            for (JsonNode conversion :
                    admin.get(base + "/treasury/conversions?limit=1000").json().path("data")) {
                String id = conversion.path("id").stringValue();
                int index = Integer.parseInt(id.substring(3));
                String expected = index % 5 == 0 ? "failed" : "completed";
                assertThat(conversion.path("status").stringValue()).as(id).isEqualTo(expected);
                String reserve = admin.get(base + "/transactions/conversion:" + id + ":reserve")
                        .json()
                        .path("status")
                        .stringValue();
                assertThat(reserve).as(id + "'s reserve").isEqualTo(expected.equals("completed") ? "posted" : "voided");
                int deliver = admin.get(base + "/transactions/conversion:" + id + ":deliver")
                        .status();
                assertThat(deliver).as(id + "'s delivery").isEqualTo(expected.equals("completed") ? 200 : 404);
                completed += expected.equals("completed") ? 1 : 0;
            }
            assertThat(balance(admin, base, "treasury:usd")).isEqualTo(1_000_000 - completed * 1000);
            assertThat(balance(admin, base, "treasury:usdc")).isEqualTo(completed * 1000);
            assertThat(admin.post(base + "/verify", "{}").json().path("ok").booleanValue())
                    .isTrue();
            service.stop();
        }
    }

    private static void setUp(HttpTester admin, String ledger, ConversionProvider provider) {
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.put("/v1/assets/USDC", "{\"scale\": 2}").status()).isIn(200, 201);
        for (String account : List.of(
                "{\"id\": \"treasury:usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                "{\"id\": \"treasury:usdc\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}")) {
            assertThat(admin.post(base + "/accounts", account).status()).isEqualTo(201);
        }
        assertThat(admin.post(base + "/transactions", """
                        {"id": "fund", "postings": [{"from": "treasury:usd", "to": "world", "amount": 1000000,
                         "asset": "USD"}]}""").status()).isEqualTo(201);
        assertThat(admin.post("/v1/connectors", """
                        {"id": "fx", "kind": "http", "assets": {"USD": "providers:fx:USD", "USDC": "providers:fx:USDC"},
                         "config": {"base_url": "%s", "pairs": ["USD/USDC"], "read_timeout_ms": 500}}""".formatted(provider.baseUrl()))
                        .status())
                .isEqualTo(201);
    }

    private static long balance(HttpTester admin, String base, String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }
}
