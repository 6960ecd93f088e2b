package dev.pacioli.operations;

import dev.pacioli.platform.RequestReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * {@code duplicate-instruction}: one signed payout instruction (payments.md, inbound {@code kind:
 * "instructions"}) delivered twice at the same instant makes one payout. The drill sets up what a
 * trusted upstream system would talk to: a scratch ledger with a funded wallet, a simulator connector
 * the payout goes through, and an instructions connector verifying {@code hmac_sha256_hex} with a
 * secret the drill generates. It signs one instruction, releases both deliveries from one latch, and
 * passes when one answer is 201 and the other 200 (the replay), both name the same payout created by
 * {@code connector:<id>}, the ledger holds exactly one payout, and the wallet's available balance fell
 * by one payout's amount (one reserve). It then deletes both connectors (the payout settles or is
 * canceled first, so nothing is in flight).
 */
final class DuplicateInstructionDrill {
    static final String CHECKS = "one signed instruction sent twice at once → one payout";

    private static final long FUNDS = 10_000;
    private static final long AMOUNT = 250;
    private static final long SETTLE_WAIT_MILLIS = 10_000;
    private static final Set<String> SETTLED = Set.of("paid", "failed", "canceled", "rejected", "expired", "returned");

    private DuplicateInstructionDrill() {}

    static Drills.Result run(Drills d) throws Exception {
        List<String> figures = new ArrayList<>();
        String base = d.scratchLedger("instruction");
        String ledger = base.substring(base.lastIndexOf('/') + 1);
        Drills.expect(
                d.send(
                        "POST",
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": "
                                + FUNDS + ", \"asset\": \"USD\"}]}"),
                201);
        String suffix = HexFormat.of().formatHex(random(4));
        String simulator = "drill-sim-" + suffix;
        String bot = "drill-bot-" + suffix;
        String secret = HexFormat.of().formatHex(random(32));
        Drills.expect(
                d.send(
                        "POST",
                        "/v1/connectors",
                        "{\"id\": \"" + simulator + "\", \"kind\": \"simulator\", \"assets\": {\"USD\": \"providers:"
                                + simulator + ":USD\"}, \"config\": {}}"),
                201);
        try {
            Drills.expect(
                    d.send(
                            "POST",
                            "/v1/connectors",
                            "{\"id\": \"" + bot + "\", \"kind\": \"inbound\", \"assets\": {}, \"config\": {},"
                                    + " \"inbound\": {\"scheme\": \"hmac_sha256_hex\", \"secret\": \"" + secret
                                    + "\", \"kind\": \"instructions\", \"default_ledger\": \"" + ledger + "\"}}"),
                    201);
            try {
                return deliverTwice(d, base, simulator, bot, secret, figures);
            } finally {
                figures.add("instructions connector deleted: "
                        + d.send("DELETE", "/v1/connectors/" + bot, null).statusCode());
            }
        } finally {
            settle(d, base);
            figures.add("simulator connector deleted: "
                    + d.send("DELETE", "/v1/connectors/" + simulator, null).statusCode());
        }
    }

    private static Drills.Result deliverTwice(
            Drills d, String base, String simulator, String bot, String secret, List<String> figures) throws Exception {
        String payout = "po-drill-1";
        String body = "{\"id\": \"" + payout + "\", \"source\": \"wallet\", \"amount\": " + AMOUNT
                + ", \"asset\": \"USD\", \"connector\": \"" + simulator + "\", \"destination\": {\"type\":"
                + " \"external_id\", \"id\": \"drill\"}, \"metadata\": {\"drill\": \"duplicate-instruction\"}}";
        Map<String, String> signed = Map.of("X-Signature", sign(secret, body));
        long availableBefore = available(d, base);
        List<HttpResponse<String>> answers = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                sent.add(senders.submit(() -> {
                    go.await();
                    return d.send("POST", "/v1/inbound/" + bot, body, signed);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> answer : sent) {
                answers.add(answer.get());
            }
        }
        figures.add("two deliveries answered in " + (System.nanoTime() - started) / 1_000_000 + " ms: "
                + answers.get(0).statusCode() + " and " + answers.get(1).statusCode());
        List<String> named = new ArrayList<>();
        boolean byConnector = true;
        for (HttpResponse<String> answer : answers) {
            JsonNode json = readable(answer.body());
            named.add(json.path("id").asString(""));
            byConnector &= ("connector:" + bot).equals(json.path("created_by").asString(""));
        }
        figures.add("payout named by each answer: " + named + ", created by connector:" + bot + ": " + byConnector);
        int payouts =
                d.json("GET", base + "/payouts?limit=100", null).path("data").size();
        figures.add("payouts on the drill's ledger: " + payouts);
        long reserved = availableBefore - available(d, base);
        figures.add("wallet available fell by " + reserved + " (one payout reserves " + AMOUNT + ")");
        List<Integer> statuses =
                answers.stream().map(HttpResponse::statusCode).sorted().toList();
        boolean passed = statuses.equals(List.of(200, 201))
                && named.get(0).equals(payout)
                && named.get(1).equals(payout)
                && byConnector
                && payouts == 1
                && reserved == AMOUNT;
        return new Drills.Result(passed, figures);
    }

    /** The payout goes its way (paid when live); one held in dry mode is canceled, so its connector can go. */
    private static void settle(Drills d, String base) throws Exception {
        long deadline = System.nanoTime() + SETTLE_WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = d.send("GET", base + "/payouts?limit=100", null);
            if (answer.statusCode() != 200) {
                return;
            }
            boolean open = false;
            for (JsonNode payout : readable(answer.body()).path("data")) {
                String status = payout.path("status").asString("");
                if (status.equals("held") || status.equals("requires_approval")) {
                    d.send("POST", base + "/payouts/" + payout.path("id").asString("") + "/cancel", "{}");
                }
                open |= !SETTLED.contains(status);
            }
            if (!open) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static long available(Drills d, String base) throws Exception {
        return d.json("GET", base + "/accounts/wallet", null)
                .path("balances")
                .path("available")
                .longValue();
    }

    private static JsonNode readable(String body) {
        try {
            return RequestReader.MAPPER.readTree(body);
        } catch (RuntimeException e) {
            return RequestReader.MAPPER.createObjectNode();
        }
    }

    /** The {@code X-Signature} of {@code hmac_sha256_hex}: hex HMAC-SHA256 of the raw body. */
    static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        new SecureRandom().nextBytes(out);
        return out;
    }
}
