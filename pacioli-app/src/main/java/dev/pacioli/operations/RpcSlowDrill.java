package dev.pacioli.operations;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * {@code rpc-slow}: chain node slow → timeouts handled, nothing lost.
 *
 * <p>An instance of the drill's own, in {@code live} mode, sends chain transactions from a custody
 * wallet through an {@code evm_rpc} connector whose URL is a delaying proxy (DrillNode) in front of a
 * local node the drill starts (anvil, mining each transaction as it arrives); the connector's read
 * timeout is {@value #READ_TIMEOUT_MILLIS} ms. First every call answers {@value #SLOW_MILLIS} ms late
 * (past the timeout), then only {@code eth_sendRawTransaction} does: a broadcast the service sees time
 * out while the node takes and mines it. Then the node is fast again.
 *
 * <p>It holds when broadcasts were answered past the timeout (else it checked nothing), every
 * transaction is {@code confirmed} (none lost, none failed), the wallet used
 * exactly one nonce per transaction (none sent twice as two intents), and the recipient received
 * exactly their sum. Without a node the drill fails and says it needs one.
 */
final class RpcSlowDrill {
    static final long CHAIN_ID = 31_337;
    static final int TRANSACTIONS = 6;
    static final long READ_TIMEOUT_MILLIS = 1_000;
    static final long SLOW_MILLIS = 2_500;
    static final Duration ALL_SLOW_FOR = Duration.ofSeconds(5);
    static final Duration BROADCAST_SLOW_FOR = Duration.ofSeconds(12);
    static final Duration WAIT_MAX = Duration.ofSeconds(60);
    private static final String WALLET = "drill-rpc-slow";
    private static final BigInteger FUNDS_WEI = BigInteger.TEN.pow(21);

    private RpcSlowDrill() {}

    static Drills.Result run(Drills drills) throws Exception {
        Optional<Path> binary = DrillNode.binary();
        if (binary.isEmpty()) {
            return new Drills.Result(
                    false,
                    List.of(
                            "needs an EVM node: Foundry's anvil, at PACIOLI_ANVIL, in .tools/ (scripts/setup-test-tools)"
                                    + " or on the PATH"));
        }
        List<String> figures = new ArrayList<>();
        try (DrillNode node = DrillNode.start(binary.get(), CHAIN_ID);
                DrillInstances instances = drills.instances(
                        "rpc-slow",
                        Map.of(
                                "PACIOLI_CUSTODY_RECEIPT_POLL", "200",
                                "PACIOLI_CUSTODY_MONITOR_INTERVAL", "1000",
                                "PACIOLI_CONNECTOR_OPEN_WAIT", "1s"))) {
            instances.start();
            String from = prepare(instances, node);
            String to = "0x000000000000000000000000000000000000d011";
            node.slow(new DrillNode.Slowness(Duration.ofMillis(SLOW_MILLIS), Set.of()));
            send(instances, 0, TRANSACTIONS / 2, to);
            Thread.sleep(ALL_SLOW_FOR);
            node.slow(new DrillNode.Slowness(Duration.ofMillis(SLOW_MILLIS), Set.of("eth_sendRawTransaction")));
            send(instances, TRANSACTIONS / 2, TRANSACTIONS, to);
            Thread.sleep(BROADCAST_SLOW_FOR);
            figures.add("node slow past the " + READ_TIMEOUT_MILLIS + " ms timeout: " + node.delayed() + " of "
                    + node.calls() + " call(s) answered " + SLOW_MILLIS + " ms late, " + node.broadcastsDelayed()
                    + " of them broadcasts (each reached the node); statuses then: "
                    + statuses(instances));
            figures.add("calls by method meanwhile: " + node.byMethod());
            node.slow(new DrillNode.Slowness(Duration.ZERO, Set.of()));
            long fast = System.nanoTime();
            boolean finished =
                    DrillWait.within(WAIT_MAX, () -> statuses(instances).getOrDefault("confirmed", 0) == TRANSACTIONS);
            Map<String, Integer> statuses = statuses(instances);
            figures.add("node fast again: " + statuses
                    + (finished
                            ? " after " + (System.nanoTime() - fast) / 1_000_000 + " ms"
                            : " (not all confirmed within " + WAIT_MAX.toSeconds() + " s)"));
            long nonces = DrillNode.quantity(node.call("eth_getTransactionCount", from, "latest"))
                    .longValueExact();
            BigInteger received = DrillNode.quantity(node.call("eth_getBalance", to, "latest"));
            BigInteger expected = BigInteger.valueOf(sum());
            figures.add("on chain: " + nonces + " nonce(s) used for " + TRANSACTIONS + " transaction(s); received "
                    + received + " wei (expected " + expected + ")");
            return new Drills.Result(
                    node.broadcastsDelayed() > 0 && finished && nonces == TRANSACTIONS && received.equals(expected),
                    figures);
        }
    }

    /** Live mode, the connector through the proxy, the wallet funded on the node: answers its address. */
    private static String prepare(DrillInstances instances, DrillNode node) throws Exception {
        instances
                .send(0, "PUT", "/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"drill rpc-slow\"}")
                .expect(200);
        instances
                .send(
                        0,
                        "POST",
                        "/v1/connectors",
                        "{\"id\": \"drill-node\", \"kind\": \"evm_rpc\", \"config\": {\"urls\": [\""
                                + node.proxyUrl() + "\"], \"chain_id\": " + CHAIN_ID + ", \"confirmations\": 1,"
                                + " \"read_timeout_ms\": " + READ_TIMEOUT_MILLIS + "}}")
                .expect(201);
        String address = instances
                .send(
                        0,
                        "POST",
                        "/v1/custody/wallets",
                        "{\"id\": \"" + WALLET + "\", \"chain\": \"evm:" + CHAIN_ID + "\"}")
                .expect(201)
                .json()
                .path("address")
                .asString();
        node.call("anvil_setBalance", address, "0x" + FUNDS_WEI.toString(16));
        return address;
    }

    private static void send(DrillInstances instances, int from, int to, String recipient) throws Exception {
        for (int i = from; i < to; i++) {
            instances
                    .send(
                            0,
                            "POST",
                            "/v1/custody/wallets/" + WALLET + "/transactions",
                            "{\"id\": \"ctx-" + i + "\", \"to\": \"" + recipient + "\", \"value_wei\": \"" + value(i)
                                    + "\"}")
                    .expect(201);
        }
    }

    private static long value(int i) {
        return 1_000 + i;
    }

    private static long sum() {
        long sum = 0;
        for (int i = 0; i < TRANSACTIONS; i++) {
            sum += value(i);
        }
        return sum;
    }

    private static Map<String, Integer> statuses(DrillInstances instances) throws Exception {
        DrillInstances.Answer answer =
                instances.send(0, "GET", "/v1/custody/wallets/" + WALLET + "/transactions?limit=100", null);
        Map<String, Integer> counts = new TreeMap<>();
        if (answer.status() != 200) {
            counts.put("unreadable (" + answer.status() + ")", 1);
            return counts;
        }
        for (JsonNode transaction : answer.json().path("data")) {
            if (transaction.path("id").asString().startsWith("ctx-")) {
                counts.merge(transaction.path("status").asString(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
