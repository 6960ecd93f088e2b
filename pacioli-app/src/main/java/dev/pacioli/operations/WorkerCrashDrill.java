package dev.pacioli.operations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * {@code worker-crash}: kill -9 while payouts are processing → all finish, none submitted twice.
 *
 * <p>An instance of the drill's own (DrillInstances), in {@code live} mode, pays {@value #PAYOUTS}
 * payouts through an {@code http} connector to a loopback provider the drill hosts (DrillProvider),
 * which accepts each transfer at once and answers {@value #ANSWER_DELAY_MILLIS} ms later. Once
 * {@value #KILL_AFTER} transfers reached the provider the instance is SIGKILLed, with transfers in
 * flight (accepted by the provider, their answer lost with the process: it must hold, or the drill
 * fails, having checked nothing). Started again on the same
 * database, it must finish every payout ({@code paid}), POST no transfer id twice (after an unknown
 * outcome it asks for the status first), and its ledger must verify with the wallet down by exactly
 * the payouts paid.
 */
final class WorkerCrashDrill {
    static final int PAYOUTS = 40;
    static final long ANSWER_DELAY_MILLIS = 1_000;
    static final long AMOUNT = 100;
    static final long FUNDS = 1_000_000;
    /** Transfers at the provider before the kill: some done, the rest still to come. */
    static final int KILL_AFTER = 8;

    static final Duration WAIT_MAX = Duration.ofSeconds(60);
    private static final String LEDGER = "drill-worker-crash";

    private WorkerCrashDrill() {}

    static Drills.Result run(Drills drills) throws Exception {
        List<String> figures = new ArrayList<>();
        try (DrillProvider provider = DrillProvider.start(Duration.ofMillis(ANSWER_DELAY_MILLIS));
                DrillInstances instances = drills.instances("worker-crash", Map.of())) {
            instances.start();
            prepare(instances, provider);
            DrillWait.until("a transfer at the provider", WAIT_MAX, () -> provider.posts() >= KILL_AFTER);
            int atKill = provider.created();
            int inFlight = provider.unanswered();
            instances.kill(0);
            figures.add("SIGKILL with " + atKill + " of " + PAYOUTS + " transfers at the provider, " + inFlight
                    + " of them accepted and not answered yet");
            long restarted = System.nanoTime();
            instances.restart(0);
            figures.add("started again in " + (System.nanoTime() - restarted) / 1_000_000 + " ms");
            boolean finished = DrillWait.within(
                    WAIT_MAX,
                    () -> !statuses(instances).containsKey("processing")
                            && statuses(instances).getOrDefault("paid", 0) == PAYOUTS);
            Map<String, Integer> statuses = statuses(instances);
            figures.add("payouts by status: " + statuses
                    + (finished ? "" : " (not all paid within " + WAIT_MAX.toSeconds() + " s)"));
            figures.add("at the provider: " + provider.created() + " transfer(s), " + provider.posts() + " POST(s), "
                    + provider.statusQueries() + " status query(ies)");
            Map<String, Integer> twice = provider.submittedMoreThanOnce();
            figures.add("transfers submitted more than once: " + twice.size() + (twice.isEmpty() ? "" : " " + twice));
            boolean books = books(instances, figures);
            return new Drills.Result(
                    inFlight > 0 && finished && twice.isEmpty() && provider.created() == PAYOUTS && books, figures);
        }
    }

    private static void prepare(DrillInstances instances, DrillProvider provider) throws Exception {
        instances
                .send(0, "PUT", "/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"drill worker-crash\"}")
                .expect(200);
        String base = instances.openLedger(0, LEDGER, ", \"min_balance\": 0");
        instances
                .send(
                        0,
                        "POST",
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\"," + " \"to\": \"wallet\", \"amount\": "
                                + FUNDS + ", \"asset\": \"USD\"}]}")
                .expect(201);
        instances
                .send(
                        0,
                        "POST",
                        "/v1/connectors",
                        "{\"id\": \"drill-rail\", \"kind\": \"http\", \"assets\": {\"USD\":"
                                + " \"providers:drill-rail:USD\"}, \"config\": {\"base_url\": \"" + provider.baseUrl()
                                + "\"}}")
                .expect(201);
        for (int i = 0; i < PAYOUTS; i++) {
            instances
                    .send(
                            0,
                            "POST",
                            base + "/payouts",
                            "{\"id\": \"po-" + i + "\", \"source\": \"wallet\", \"amount\": "
                                    + AMOUNT + ", \"asset\": \"USD\", \"connector\": \"drill-rail\", \"destination\":"
                                    + " {\"type\": \"external_id\", \"id\": \"acct-" + i + "\"}}")
                    .expect(201);
        }
    }

    /** How many payouts are in each status. */
    private static Map<String, Integer> statuses(DrillInstances instances) throws Exception {
        DrillInstances.Answer answer = instances.send(0, "GET", "/v1/ledgers/" + LEDGER + "/payouts?limit=1000", null);
        Map<String, Integer> counts = new TreeMap<>();
        if (answer.status() != 200) {
            counts.put("unreadable (" + answer.status() + ")", 1);
            return counts;
        }
        for (JsonNode payout : answer.json().path("data")) {
            counts.merge(payout.path("status").asString(), 1, Integer::sum);
        }
        return counts;
    }

    /** The wallet is down by exactly the payouts paid, every reserve is posted, and the ledger verifies. */
    private static boolean books(DrillInstances instances, List<String> figures) throws Exception {
        String base = "/v1/ledgers/" + LEDGER;
        boolean reserves = DrillWait.within(WAIT_MAX, () -> {
            for (int i = 0; i < PAYOUTS; i++) {
                DrillInstances.Answer reserve =
                        instances.send(0, "GET", base + "/transactions/payout:po-" + i + ":reserve", null);
                if (reserve.status() != 200
                        || !"posted".equals(reserve.json().path("status").asString())) {
                    return false;
                }
            }
            return true;
        });
        long wallet = instances
                .send(0, "GET", base + "/accounts/wallet", null)
                .expect(200)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
        boolean verified = instances
                .send(0, "POST", base + "/verify", "{}")
                .expect(200)
                .json()
                .path("ok")
                .booleanValue();
        figures.add("every reserve posted: " + reserves + "; wallet " + wallet + " (expected "
                + (FUNDS - PAYOUTS * AMOUNT) + "); ledger verifies: " + verified);
        return reserves && wallet == FUNDS - PAYOUTS * AMOUNT && verified;
    }
}
