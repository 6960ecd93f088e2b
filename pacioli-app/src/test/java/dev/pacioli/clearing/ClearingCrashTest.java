package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli serve} in a child JVM is SIGKILLed while settling a window of 150 participants (three
 * ledger transactions in one atomic commit with the window's row), three times at seeded random
 * instants. After each restart the window is either settled with every settlement transaction present,
 * or closed with none of them; the hub is at zero and the ledger verifies; settling again settles it,
 * and once more changes nothing.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits on it")
class ClearingCrashTest {
    private static final String ADMIN_KEY = "pacioli_clearing_crash_admin_0123456789abcdef";
    private static final int PARTICIPANTS = 150;
    private static final int ROUNDS = 3;

    @Test
    void killedWhileSettlingTheWindowIsSettledOrNotNeverHalf() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long pid = ProcessHandle.current().pid();
        try (ChildService service = ChildService.start("clearing-crash", ADMIN_KEY, Map.of())) {
            HttpTester admin = service.admin();
            admin.goLive();
            ClearingFixture fixture = new ClearingFixture(admin, "crash-" + pid);
            for (int p = 0; p < PARTICIPANTS; p++) {
                fixture.participant("p" + p, 1_000_000_000_000L);
                fixture.fund("p" + p, 1_000_000_000, "fund-" + p);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                String window = "w-" + round;
                obligations(fixture, random, round);
                fixture.close(window);
                long delayMillis = random.nextInt(80);
                Thread settler = Thread.ofVirtual().start(() -> {
                    try {
                        admin.post(fixture.clearing + "/windows/" + window + "/settle", "{}");
                    } catch (RuntimeException | AssertionError e) {
                        // The child died under it: what matters is what the restarted child says.
                    }
                });
                Thread.sleep(delayMillis);
                service.kill();
                settler.join(30_000);
                service.restart();
                checkWholeOrNothing(
                        fixture, window, "seed " + seed + " round " + round + " after " + delayMillis + " ms");
                JsonNode settled = fixture.settle(window);
                assertThat(settled.path("status").stringValue()).isEqualTo("settled");
                assertThat(fixture.settle(window).path("settled_at").stringValue())
                        .isEqualTo(settled.path("settled_at").stringValue());
                checkWholeOrNothing(fixture, window, "seed " + seed + " round " + round + " settled again");
            }
            service.stop();
        }
    }

    /** A cycle through every participant plus random extras: each is a net debtor or creditor somewhere. */
    private static void obligations(ClearingFixture fixture, Random random, int round) {
        StringBuilder body = new StringBuilder("{\"obligations\": [");
        for (int i = 0; i < PARTICIPANTS * 3; i++) {
            int debtor = i % PARTICIPANTS;
            int creditor = i < PARTICIPANTS ? (debtor + 1) % PARTICIPANTS : random.nextInt(PARTICIPANTS);
            if (creditor == debtor) {
                creditor = (debtor + 1) % PARTICIPANTS;
            }
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": \"r")
                    .append(round)
                    .append("-")
                    .append(i)
                    .append("\", \"debtor\": \"p")
                    .append(debtor)
                    .append("\", \"creditor\": \"p")
                    .append(creditor)
                    .append("\", \"amount\": ")
                    .append(1 + random.nextInt(1_000_000))
                    .append(", \"asset\": \"USD\"}");
        }
        expect(fixture.admin.post(fixture.clearing + "/obligations/batch", body + "]}"), 200);
    }

    private static void checkWholeOrNothing(ClearingFixture fixture, String window, String when) {
        String status = expect(fixture.admin.get(fixture.clearing + "/windows/" + window), 200)
                .json()
                .path("status")
                .stringValue();
        assertThat(status).as(when).isIn("closed", "settled");
        int instructions = 0;
        for (JsonNode asset : expect(fixture.admin.get(fixture.clearing + "/windows/" + window + "/report"), 200)
                .json()
                .path("assets")) {
            instructions += asset.path("instructions").size();
        }
        int parts = (instructions + Limits.POSTINGS_PER_TRANSACTION_MAX - 1) / Limits.POSTINGS_PER_TRANSACTION_MAX;
        assertThat(parts)
                .as("a settlement of %d postings in several transactions", instructions)
                .isGreaterThan(1);
        int present = 0;
        for (int part = 1; part <= parts + 1; part++) {
            String id = Settlement.transactionId(window, part);
            if (fixture.admin.get(fixture.base + "/transactions/" + id).status() == 200) {
                present++;
            }
        }
        assertThat(present).as("%s: %s's transactions", when, window).isEqualTo(status.equals("settled") ? parts : 0);
        assertThat(fixture.balance("clearing:hub:USD")).as(when).isZero();
        JsonNode verified =
                expect(fixture.admin.post(fixture.base + "/verify", "{}"), 200).json();
        assertThat(verified.path("ok").booleanValue())
                .as("%s: %s", when, verified)
                .isTrue();
    }
}
