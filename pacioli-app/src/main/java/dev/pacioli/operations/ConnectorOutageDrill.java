package dev.pacioli.operations;

import dev.pacioli.platform.RequestReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * {@code connector-outage}: a provider that answers 5xx and then times out opens the connector's
 * breaker; payouts wait (none failed, none sent into the open breaker, none sent twice); once the
 * provider recovers, every payout is submitted and accepted exactly once and is paid.
 *
 * <p>The drill plays the provider itself ({@link DrillProvider}, on 127.0.0.1: the service must be able
 * to reach this host's loopback, so it runs beside the service, and the service's outbound policy must
 * let loopback through: a service listening on loopback only, or {@code PACIOLI_OUTBOUND_ALLOW}
 * covering 127.0.0.1). It creates an {@code http} connector of its own with short timeouts (the
 * breaker's settings are the service's: {@code 5} failures in a row open it, it lets a trial through
 * after its open wait, 30 s by default), a scratch ledger with a funded wallet, and goes live for the
 * drill (payouts leave only in live mode; the mode found is put back after, and switching releases
 * nothing held elsewhere). {@link #FIRST} payouts meet the outage; once the breaker is seen open
 * through {@code GET /v1/connectors/{id}}, {@link #WHILE_OPEN} more are created and must wait in
 * {@code approved}, unsent.
 */
final class ConnectorOutageDrill {
    static final String CHECKS = "provider answers 5xx, then times out → breaker opens, payouts wait, nothing sent"
            + " twice; recovery pays each once";

    static final int FIRST = 3;
    static final int WHILE_OPEN = 2;
    private static final int PROVIDER_5XX = 2;
    private static final long AMOUNT = 100;
    private static final long OPEN_WAIT_MILLIS = 60_000;
    private static final long WAITING_MILLIS = 3_000;
    private static final long RECOVERY_WAIT_MILLIS = 120_000;
    private static final Set<String> WAITING = Set.of("approved", "processing");

    private ConnectorOutageDrill() {}

    @SuppressWarnings("try") // the live mode is held for the whole drill, then put back
    static Drills.Result run(Drills d) throws Exception {
        List<String> figures = new ArrayList<>();
        try (LiveForDrill live = LiveForDrill.enter(d, "connector-outage", figures);
                DrillProvider provider = DrillProvider.failing(PROVIDER_5XX)) {
            String base = d.scratchLedger("outage");
            Drills.expect(
                    d.send(
                            "POST",
                            base + "/transactions",
                            "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": "
                                    + AMOUNT * (FIRST + WHILE_OPEN) + ", \"asset\": \"USD\"}]}"),
                    201);
            String connector = "drill-rail-" + base.substring(base.lastIndexOf('-') + 1);
            Drills.expect(
                    d.send(
                            "POST",
                            "/v1/connectors",
                            "{\"id\": \"" + connector + "\", \"kind\": \"http\", \"assets\": {\"USD\": \"providers:"
                                    + connector + ":USD\"}, \"config\": {\"base_url\": \"" + provider.baseUrl()
                                    + "\", \"connect_timeout_ms\": 500, \"read_timeout_ms\": 500}}"),
                    201);
            try {
                return new ConnectorOutageDrill.Run(d, provider, base, connector, figures).outageAndRecovery();
            } finally {
                provider.recover();
                figures.add("the drill's connector deleted: "
                        + d.send("DELETE", "/v1/connectors/" + connector, null).statusCode());
            }
        }
    }

    /** One run of the drill: the outage, what waits, the recovery, and what the provider counted. */
    private record Run(Drills d, DrillProvider provider, String base, String connector, List<String> figures) {
        Drills.Result outageAndRecovery() throws Exception {
            long started = System.nanoTime();
            for (int i = 1; i <= FIRST; i++) {
                create("po-outage-" + i);
            }
            boolean opened = DrillWait.within(
                    Duration.ofMillis(OPEN_WAIT_MILLIS),
                    () -> "open".equals(breaker().path("state").asString("")));
            figures.add("breaker " + (opened ? "open after " + millisSince(started) + " ms" : "never opened")
                    + "; the provider answered " + provider.answered5xx() + " request(s) 5xx and stalled "
                    + provider.stalled() + " past the 500 ms read timeout");
            int postsWhenOpen = provider.posts();
            for (int i = 1; i <= WHILE_OPEN; i++) {
                create("po-open-" + i);
            }
            Thread.sleep(WAITING_MILLIS);
            Map<String, String> waiting = statuses();
            boolean waited = waiting.values().stream().allMatch(WAITING::contains);
            boolean heldBack = waiting.entrySet().stream()
                    .filter(payout -> payout.getKey().startsWith("po-open-"))
                    .allMatch(payout -> payout.getValue().equals("approved"));
            int sentWhileOpen = provider.posts() - postsWhenOpen;
            figures.add("while open, " + WAITING_MILLIS + " ms: " + waiting + "; submissions received meanwhile: "
                    + sentWhileOpen);

            long recovering = System.nanoTime();
            provider.recover();
            boolean paid = DrillWait.within(Duration.ofMillis(RECOVERY_WAIT_MILLIS), () -> {
                Map<String, String> now = statuses();
                return now.size() == FIRST + WHILE_OPEN && now.values().stream().allMatch("paid"::equals);
            });
            figures.add("after recovery: " + statuses() + (paid ? " in " + millisSince(recovering) + " ms" : ""));
            boolean closed = DrillWait.within(
                    Duration.ofMillis(10_000),
                    () -> "closed".equals(breaker().path("state").asString("")));
            figures.add("breaker after: " + breaker().path("state").asString("?"));
            Map<String, Integer> twice = provider.submittedMoreThanOnce();
            boolean once = provider.created() == FIRST + WHILE_OPEN && twice.isEmpty();
            figures.add("transfers the provider accepted: " + provider.created() + ", each once: " + once
                    + "; second submissions of an accepted transfer: " + provider.repeats()
                    + (twice.isEmpty() ? "" : " " + twice));
            return new Drills.Result(
                    opened
                            && provider.answered5xx() > 0
                            && provider.stalled() > 0
                            && waited
                            && heldBack
                            && sentWhileOpen == 0
                            && paid
                            && closed
                            && once
                            && provider.repeats() == 0,
                    figures);
        }

        private void create(String id) throws Exception {
            Drills.expect(
                    d.send(
                            "POST",
                            base + "/payouts",
                            "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": " + AMOUNT
                                    + ", \"asset\": \"USD\", \"connector\": \"" + connector + "\", \"destination\":"
                                    + " {\"type\": \"external_id\", \"id\": \"drill\"}}"),
                    201);
        }

        private JsonNode breaker() {
            try {
                return d.json("GET", "/v1/connectors/" + connector, null);
            } catch (Exception e) {
                return RequestReader.MAPPER.createObjectNode();
            }
        }

        private Map<String, String> statuses() {
            Map<String, String> statuses = new LinkedHashMap<>();
            try {
                for (JsonNode payout :
                        d.json("GET", base + "/payouts?limit=100", null).path("data")) {
                    statuses.put(
                            payout.path("id").asString(""),
                            payout.path("status").asString(""));
                }
            } catch (Exception e) {
                statuses.put("(unreadable)", e.getMessage());
            }
            return new TreeMap<>(statuses);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
