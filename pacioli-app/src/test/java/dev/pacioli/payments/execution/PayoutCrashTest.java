package dev.pacioli.payments.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.payments.rails.TestProvider;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli serve} in a child JVM pays 200 payouts through an {@code http} connector served by a
 * loopback test provider, and is SIGKILLed twice at random points on the way. After the last restart
 * every payout reaches a final state, the provider received each transfer id at most once as a new
 * transfer, every final payout's reserve is posted (paid) or voided (failed) as its state says, and
 * the ledger verifies.
 *
 * <p>The provider pays most transfers, fails every tenth, answers every tenth-plus-one by dropping the
 * connection after accepting it (an unknown outcome: the worker must ask before anything else), and
 * leaves every tenth-plus-two pending until the test settles it after the last restart.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits on it")
class PayoutCrashTest {
    private static final String ADMIN_KEY = "pacioli_payout_crash_admin_0123456789abcdef";
    private static final int PAYOUTS = 200;
    private static final Duration WAIT_MAX = Duration.ofSeconds(90);

    @Test
    void killedTwiceWhilePayingItSendsNoTransferTwiceAndItsReservesMatchThePayouts() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long pid = ProcessHandle.current().pid();
        try (TestProvider provider = TestProvider.start();
                ChildService service = ChildService.start("payout-crash", ADMIN_KEY, Map.of())) {
            String ledger = "crash-" + pid;
            String base = "/v1/ledgers/" + ledger;
            for (int i = 0; i < PAYOUTS; i++) {
                String transfer = ledger + ".po-" + i;
                switch (i % 10) {
                    case 0 -> provider.nextFor(transfer, TestProvider.Behaviour.FAIL);
                    case 1 -> provider.nextFor(transfer, TestProvider.Behaviour.ACCEPT_THEN_DROP);
                    case 2 -> provider.nextFor(transfer, TestProvider.Behaviour.PEND);
                    default -> provider.nextFor(transfer, TestProvider.Behaviour.PAY);
                }
            }
            HttpTester admin = service.admin();
            admin.goLive();
            admin.openLedgerWithWorldAndWallet(ledger);
            assertThat(admin.post(
                                    base + "/transactions",
                                    "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\","
                                            + " \"to\": \"wallet\", \"amount\": 1000000, \"asset\": \"USD\"}]}")
                            .status())
                    .isEqualTo(201);
            assertThat(admin.post(
                                    "/v1/connectors",
                                    "{\"id\": \"rail\", \"kind\": \"http\", \"assets\": {\"USD\":"
                                            + " \"providers:rail:USD\"}, \"config\": {\"base_url\": \""
                                            + provider.baseUrl()
                                            + "\"}}")
                            .status())
                    .isEqualTo(201);
            for (int i = 0; i < PAYOUTS; i++) {
                assertThat(admin.post(
                                        base + "/payouts",
                                        "{\"id\": \"po-" + i + "\", \"source\": \"wallet\", \"amount\":"
                                                + " 100, \"asset\": \"USD\", \"connector\": \"rail\", \"destination\": {\"type\":"
                                                + " \"external_id\", \"id\": \"acct-" + i + "\"}}")
                                .status())
                        .isEqualTo(201);
            }
            for (int kill = 1; kill <= 2; kill++) {
                int threshold = 20 + random.nextInt(60) + (kill - 1) * 60;
                Await.until(
                        "at least " + threshold + " transfers reached the provider (seed " + seed + ")",
                        WAIT_MAX,
                        () -> provider.posts().size() >= threshold);
                service.killAndRestart();
                assertThat(admin.get("/health/ready").status()).isEqualTo(200);
            }
            Await.until("every pending transfer reached the provider", WAIT_MAX, () -> {
                for (int i = 2; i < PAYOUTS; i += 10) {
                    if (provider.transfer(ledger + ".po-" + i).isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 2; i < PAYOUTS; i += 10) {
                provider.settle(ledger + ".po-" + i, "paid", null);
            }
            Await.until("every payout is final (seed " + seed + ")", WAIT_MAX, () -> {
                for (JsonNode payout :
                        admin.get(base + "/payouts?limit=1000").json().path("data")) {
                    String status = payout.path("status").stringValue();
                    if (!status.equals("paid") && !status.equals("failed")) {
                        return false;
                    }
                }
                return true;
            });

            assertThat(provider.receivedNewMoreThanOnce())
                    .as("transfers received twice as new (seed %d)", seed)
                    .isEmpty();
            JsonNode payouts = admin.get(base + "/payouts?limit=1000").json().path("data");
            assertThat(payouts).hasSize(PAYOUTS);
            for (JsonNode payout : payouts) {
                String id = payout.path("id").stringValue();
                int index = Integer.parseInt(id.substring(3));
                String expected = index % 10 == 0 ? "failed" : "paid";
                assertThat(payout.path("status").stringValue()).as(id).isEqualTo(expected);
                String reserve = expected.equals("paid") ? "posted" : "voided";
                Await.until(
                        id + "'s reserve is " + reserve,
                        WAIT_MAX,
                        () -> reserve.equals(admin.get(base + "/transactions/payout:" + id + ":reserve")
                                .json()
                                .path("status")
                                .stringValue()));
            }
            long paid = payouts.findValuesAsString("status").stream()
                    .filter("paid"::equals)
                    .count();
            assertThat(admin.get(base + "/accounts/wallet")
                            .json()
                            .path("balances")
                            .path("balance")
                            .longValue())
                    .isEqualTo(1_000_000 - paid * 100);
            assertThat(admin.post(base + "/verify", "{}").json().path("ok").booleanValue())
                    .isTrue();
            service.stop();
        }
    }
}
