package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Seeded random windows settled on the real ledger: random obligations among 2..200 participants in
 * 1..3 assets, then per asset the nets sum to zero, every participant's net is its incoming − outgoing
 * (a simple reference computed here), the settlement transactions move exactly the nets, the hub ends
 * at zero, and the net settlement never exceeds what pairwise netting would settle. A failure names
 * its seed.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ClearingRandomTest {
    private static final List<String> ASSETS = List.of("USD", "CLRA", "CLRB");

    private final HttpTester admin;

    ClearingRandomTest(TestService.Running service) {
        this.admin = service.admin();
    }

    @Test
    void randomWindowsSettleExactlyTheirNets() {
        for (String asset : ASSETS) {
            assertThat(admin.put("/v1/assets/" + asset, "{\"scale\": 2}").status())
                    .isIn(200, 201);
        }
        for (long seed = 1; seed <= 3; seed++) {
            run(seed, seed == 1 ? 200 : 0);
        }
    }

    /** One seeded window; {@code participantsAtLeast} forces a large one (more postings than a transaction holds). */
    private void run(long seed, int participantsAtLeast) {
        Random random = new Random(seed);
        int participants = Math.max(participantsAtLeast, 2 + random.nextInt(60));
        int assets = 1 + random.nextInt(3);
        ClearingFixture fixture = new ClearingFixture(admin, TestService.uniqueName("clear-rand"));
        for (int p = 0; p < participants; p++) {
            StringBuilder accounts = new StringBuilder();
            StringBuilder caps = new StringBuilder();
            for (int a = 0; a < assets; a++) {
                String code = ASSETS.get(a);
                accounts.append(a == 0 ? "" : ", ")
                        .append("\"")
                        .append(code)
                        .append("\": \"participants:p")
                        .append(p)
                        .append(":")
                        .append(code)
                        .append("\"");
                caps.append(a == 0 ? "" : ", ").append("\"").append(code).append("\": 1000000000000");
            }
            expect(
                    admin.put(
                            fixture.clearing + "/participants/p" + p,
                            "{\"name\": \"P" + p + "\", \"settlement_accounts\": {" + accounts
                                    + "}, \"net_debit_caps\": {" + caps + "}}"),
                    201);
        }
        int count = 1 + random.nextInt(3_000);
        Map<String, Map<String, Long>> reference = new TreeMap<>();
        Map<String, Map<String, Long>> pairs = new HashMap<>();
        Map<String, Long> outgoing = new HashMap<>();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int debtor = random.nextInt(participants);
            int creditor = (debtor + 1 + random.nextInt(participants - 1)) % participants;
            String asset = ASSETS.get(random.nextInt(assets));
            long amount = 1 + random.nextInt(1_000_000);
            String d = "p" + debtor;
            String c = "p" + creditor;
            reference.computeIfAbsent(asset, x -> new TreeMap<>()).merge(c, amount, Long::sum);
            reference.get(asset).merge(d, -amount, Long::sum);
            boolean ordered = d.compareTo(c) < 0;
            pairs.computeIfAbsent(asset, x -> new HashMap<>())
                    .merge(ordered ? d + "|" + c : c + "|" + d, ordered ? amount : -amount, Long::sum);
            outgoing.merge(d + ":" + asset, amount, Long::sum);
            items.add("{\"id\": \"o" + i + "\", \"debtor\": \"" + d + "\", \"creditor\": \"" + c + "\", \"amount\": "
                    + amount + ", \"asset\": \"" + asset + "\"}");
        }
        for (int from = 0; from < items.size(); from += 1_000) {
            String body = "{\"obligations\": ["
                    + String.join(",", items.subList(from, Math.min(items.size(), from + 1_000))) + "]}";
            expect(admin.post(fixture.clearing + "/obligations/batch", body), 200);
        }
        // Every participant can pay whatever it owes, with something left to see the exact movement.
        List<String> fundings = new ArrayList<>();
        for (Map.Entry<String, Long> owed : outgoing.entrySet()) {
            String[] key = owed.getKey().split(":");
            String worldAccount = "world:" + key[1];
            fundings.add("{\"id\": \"fund-" + key[0] + "-" + key[1] + "\", \"postings\": [{\"from\": \"" + worldAccount
                    + "\", \"to\": \"participants:" + key[0] + ":" + key[1] + "\", \"amount\": " + (owed.getValue() + 7)
                    + ", \"asset\": \"" + key[1] + "\"}]}");
        }
        for (String asset : ASSETS.subList(0, assets)) {
            expect(
                    admin.post(
                            fixture.base + "/accounts",
                            "{\"id\": \"world:" + asset + "\", \"asset\": \"" + asset
                                    + "\", \"normal_balance\": \"debit\"}"),
                    201);
        }
        expect(
                admin.post(
                        fixture.base + "/transactions/batch",
                        "{\"atomic\": true, \"transactions\": [" + String.join(",", fundings) + "]}"),
                200);
        fixture.close("w-1");
        JsonNode report =
                expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200).json();
        JsonNode settled = fixture.settle("w-1");
        assertThat(settled.path("status").stringValue()).as("seed %d", seed).isEqualTo("settled");
        check(seed, fixture, report, reference, pairs, outgoing);
    }

    private void check(
            long seed,
            ClearingFixture fixture,
            JsonNode report,
            Map<String, Map<String, Long>> reference,
            Map<String, Map<String, Long>> pairs,
            Map<String, Long> outgoing) {
        assertThat(report.path("assets").size()).as("seed %d", seed).isEqualTo(reference.size());
        Map<String, Long> moved = settlementMovements(fixture);
        for (JsonNode asset : report.path("assets")) {
            String code = asset.path("asset").stringValue();
            Map<String, Long> expected = reference.get(code);
            long sum = 0;
            long positive = 0;
            for (JsonNode position : asset.path("positions")) {
                String participant = position.path("participant").stringValue();
                long net = position.path("net").longValue();
                assertThat(net).as("seed %d %s %s", seed, code, participant).isEqualTo(expected.get(participant));
                assertThat(net)
                        .isEqualTo(position.path("incoming").longValue()
                                - position.path("outgoing").longValue());
                sum += net;
                positive += Math.max(0, net);
                String account = "participants:" + participant + ":" + code;
                assertThat(moved.getOrDefault(account, 0L))
                        .as("seed %d: the settlement moves %s's net", seed, account)
                        .isEqualTo(net);
                long funded =
                        outgoing.containsKey(participant + ":" + code) ? outgoing.get(participant + ":" + code) + 7 : 0;
                assertThat(fixture.balance(account)).isEqualTo(funded + net);
            }
            assertThat(sum).as("seed %d: nets of %s sum to zero", seed, code).isZero();
            assertThat(asset.path("net_settlement").longValue()).isEqualTo(positive);
            long pairwise =
                    pairs.get(code).values().stream().mapToLong(Math::abs).sum();
            assertThat(positive).as("seed %d: never above pairwise", seed).isLessThanOrEqualTo(pairwise);
            assertThat(fixture.balance("clearing:hub:" + code))
                    .as("seed %d hub", seed)
                    .isZero();
            assertThat(moved.getOrDefault("clearing:hub:" + code, 0L)).isZero();
        }
    }

    /** Net credits per account over the window's settlement transactions (credit-normal: to − from). */
    private Map<String, Long> settlementMovements(ClearingFixture fixture) {
        Map<String, Long> moved = new HashMap<>();
        for (int part = 1; ; part++) {
            String id = Settlement.transactionId("w-1", part);
            var found = admin.get(fixture.base + "/transactions/" + id);
            if (found.status() == 404) {
                assertThat(part)
                        .as("a settled window has its first transaction")
                        .isGreaterThan(1);
                return moved;
            }
            for (JsonNode posting : found.json().path("postings")) {
                long amount = posting.path("amount").longValue();
                moved.merge(posting.path("to").stringValue(), amount, Long::sum);
                moved.merge(posting.path("from").stringValue(), -amount, Long::sum);
            }
        }
    }
}
