package dev.pacioli.payments.commissions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Commission plans on the real service and database, read back through the ledger's own API: a
 * three-level tree paid with amounts that leave remainders, each payee holding exactly the floors of
 * its shares and the books balanced per asset; cycles refused, also when two requests would close one
 * from both ends at once; replays; and refusals that leave the ledger as it was. Each test works in a
 * ledger of its own.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class CommissionHttpTest {
    private static final String TEMPLATE = "affiliates:{party}:commissions";

    private final HttpTester admin;
    private final String base;

    CommissionHttpTest(TestService.Running service) {
        this.admin = service.admin();
        this.base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("commissions"));
        expect(admin.post(base + "/accounts", "{\"id\": \"platform:revenue\", \"asset\": \"USD\"}"), 201);
        expect(admin.post(base + "/transactions", transfer("fund", "world", "platform:revenue", 1_000_000)), 201);
    }

    @Test
    void aThreeLevelTreePaysEachAncestorTheFloorOfItsShare() {
        tree();
        putPlan("affiliates", "[1000, 500, 200]", "platform:revenue", TEMPLATE, 201);

        // 12345: 10% = 1234.5, 5% = 617.25, 2% = 246.9.
        JsonNode paid = expect(apply("affiliates", "c-1", "dave", "12345"), 201).json();
        assertThat(paid.path("id").stringValue()).isEqualTo("c-1");
        assertThat(paid.path("commission_plan").stringValue()).isEqualTo("affiliates");
        assertThat(paid.path("party").stringValue()).isEqualTo("dave");
        assertThat(paid.path("amount").longValue()).isEqualTo(12_345);
        assertThat(postings(paid))
                .containsExactly(
                        "platform:revenue>affiliates:carol:commissions:1234",
                        "platform:revenue>affiliates:bob:commissions:617",
                        "platform:revenue>affiliates:alice:commissions:246");
        // 999 for carol: bob 10% = 99.9, alice 5% = 49.95; alice is a root, so two levels only.
        assertThat(postings(expect(apply("affiliates", "c-2", "carol", "\"999\""), 201)
                        .json()))
                .containsExactly(
                        "platform:revenue>affiliates:bob:commissions:99",
                        "platform:revenue>affiliates:alice:commissions:49");
        // 9 for bob: alice 10% = 0.9, nothing to pay; alice has no referrer at all.
        assertThat(apply("affiliates", "c-3", "bob", "9").code()).isEqualTo("no_commission");
        assertThat(apply("affiliates", "c-4", "alice", "1000000").code()).isEqualTo("no_commission");

        Map<String, Long> paidTo = new TreeMap<>(Map.of(
                "affiliates:alice:commissions", 246L + 49,
                "affiliates:bob:commissions", 617L + 99,
                "affiliates:carol:commissions", 1234L));
        paidTo.forEach((account, amount) -> {
            JsonNode read =
                    expect(admin.get(base + "/accounts/" + account), 200).json();
            assertThat(read.path("balances").path("balance").longValue())
                    .as(account)
                    .isEqualTo(amount);
            assertThat(read.path("normal_balance").stringValue()).isEqualTo("credit");
            assertThat(read.path("asset").stringValue()).isEqualTo("USD");
        });
        assertThat(admin.get(base + "/accounts/affiliates:dave:commissions").code())
                .isEqualTo("account_not_found");
        long total = paidTo.values().stream().mapToLong(Long::longValue).sum();
        assertThat(balance("platform:revenue")).isEqualTo(1_000_000 - total);
        assertBooksBalance();
        assertThat(admin.get(base + "/transactions/c-3").code()).isEqualTo("transaction_not_found");
    }

    @Test
    void theSameRequestAgainAnswersTheOriginalEvenAfterReferralsChange() {
        tree();
        putPlan("affiliates", "[1000, 500, 200]", "platform:revenue", TEMPLATE, 201);
        JsonNode first = expect(apply("affiliates", "r-1", "dave", "1000"), 201).json();
        Response again = expect(apply("affiliates", "r-1", "dave", "1000"), 200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json()).isEqualTo(first);

        // Dave moves under alice, and the plan changes: the request was paid once, as it was then.
        expect(putParty("dave", "\"alice\""), 200);
        putPlan("affiliates", "[5000]", "platform:revenue", TEMPLATE, 200);
        assertThat(expect(apply("affiliates", "r-1", "dave", "\"1000\""), 200).json())
                .isEqualTo(first);
        assertThat(balance("affiliates:carol:commissions")).isEqualTo(100);

        // The id with anything else is another request: refused, nothing paid.
        for (Response conflict : List.of(
                apply("affiliates", "r-1", "dave", "1001"),
                apply("affiliates", "r-1", "carol", "1000"),
                apply("other-plan", "r-1", "dave", "1000"),
                apply("affiliates", "fund", "dave", "1000"))) {
            assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
            assertThat(conflict.code()).isEqualTo("transaction_exists_with_different_fields");
        }
        // Under the new plan and tree a new id pays alice half.
        assertThat(postings(
                        expect(apply("affiliates", "r-2", "dave", "1001"), 201).json()))
                .containsExactly("platform:revenue>affiliates:alice:commissions:500");
        assertBooksBalance();
    }

    @Test
    void aCycleIsRefusedAndChangesNothing() {
        tree();
        for (String[] refused :
                new String[][] {{"alice", "dave"}, {"alice", "bob"}, {"bob", "dave"}, {"carol", "carol"}}) {
            Response answer = putParty(refused[0], "\"" + refused[1] + "\"");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(409);
            assertThat(answer.code()).isEqualTo("referral_cycle");
        }
        Response unknown = putParty("erin", "\"nobody\"");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.code()).isEqualTo("referrer_not_found");
        assertThat(admin.get(base + "/parties/erin").code()).isEqualTo("party_not_found");
        assertThat(referrer("alice")).isNull();
        assertThat(referrer("bob")).isEqualTo("alice");
        assertThat(referrer("carol")).isEqualTo("bob");
        assertThat(referrer("dave")).isEqualTo("carol");

        // Moving a subtree elsewhere is no cycle; setting the same referrer again changes nothing.
        JsonNode before = expect(admin.get(base + "/parties/carol"), 200).json();
        JsonNode same = expect(putParty("carol", "\"bob\""), 200).json();
        assertThat(same).isEqualTo(before);
        expect(putParty("erin", "null"), 201);
        JsonNode moved = expect(putParty("carol", "\"erin\""), 200).json();
        assertThat(moved.path("referrer").stringValue()).isEqualTo("erin");
        assertThat(moved.path("created_at")).isEqualTo(before.path("created_at"));
        assertThat(moved.path("updated_at").stringValue())
                .isGreaterThan(before.path("updated_at").stringValue());
        expect(admin.put(base + "/parties/erin", "{}"), 200);
        assertThat(putParty("erin", "\"dave\"").code()).isEqualTo("referral_cycle");
    }

    /**
     * Two requests that would close a cycle from both ends at once: A takes B while B takes A. Without
     * the ledger's referral lock each would read the other's old row and both would pass; with it,
     * exactly one of every pair is refused. Then a ring of four, all at once: exactly one refused.
     */
    @Test
    void concurrentChangesThatWouldCloseACycleFromBothEndsRefuseExactlyOne() throws Exception {
        int pairs = 24;
        for (int i = 0; i < pairs; i++) {
            expect(putParty("a" + i, "null"), 201);
            expect(putParty("b" + i, "null"), 201);
        }
        List<String[]> changes = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            changes.add(new String[] {"a" + i, "b" + i});
            changes.add(new String[] {"b" + i, "a" + i});
        }
        List<Response> answers = concurrently(changes);
        for (int i = 0; i < pairs; i++) {
            Response one = answers.get(2 * i);
            Response other = answers.get(2 * i + 1);
            assertThat(List.of(one.status(), other.status()))
                    .as("pair %d: %s / %s", i, one, other)
                    .containsExactlyInAnyOrder(200, 409);
            assertThat(one.status() == 409 ? one.code() : other.code()).isEqualTo("referral_cycle");
            boolean aTookB = one.status() == 200;
            assertThat(referrer("a" + i)).isEqualTo(aTookB ? "b" + i : null);
            assertThat(referrer("b" + i)).isEqualTo(aTookB ? null : "a" + i);
        }

        for (int i = 0; i < 4; i++) {
            expect(putParty("ring" + i, "null"), 201);
        }
        List<String[]> ring = List.of(
                new String[] {"ring0", "ring1"},
                new String[] {"ring1", "ring2"},
                new String[] {"ring2", "ring3"},
                new String[] {"ring3", "ring0"});
        List<Response> closing = concurrently(ring);
        assertThat(closing.stream().filter(answer -> answer.status() == 409).count())
                .as(closing.toString())
                .isEqualTo(1);
        assertThat(closing.stream().filter(answer -> answer.status() == 200).count())
                .isEqualTo(3);
    }

    @Test
    void plansAreCreatedReplacedAndRead() {
        JsonNode created = putPlan("split", "[1000, 0, 10000]", "platform:revenue", TEMPLATE, 201);
        assertThat(created.path("levels_bps").toString()).isEqualTo("[1000,0,10000]");
        assertThat(created.path("payee_account").stringValue()).isEqualTo(TEMPLATE);
        assertThat(putPlan("split", "[1000, 0, 10000]", "platform:revenue", TEMPLATE, 200))
                .isEqualTo(created);
        JsonNode replaced = putPlan("split", "[250]", "platform:fees", "partners:{party}", 200);
        assertThat(replaced.path("levels_bps").toString()).isEqualTo("[250]");
        assertThat(replaced.path("source").stringValue()).isEqualTo("platform:fees");
        assertThat(replaced.path("created_at")).isEqualTo(created.path("created_at"));
        assertThat(replaced.path("updated_at").stringValue())
                .isGreaterThan(created.path("updated_at").stringValue());
        assertThat(expect(admin.get(base + "/commission-plans/split"), 200).json())
                .isEqualTo(replaced);

        assertThat(admin.get(base + "/commission-plans/none").code()).isEqualTo("commission_plan_not_found");
        assertThat(apply("none", "x-1", "alice", "100").code()).isEqualTo("commission_plan_not_found");
        Response noAsset = admin.put(
                base + "/commission-plans/eur",
                planBody("[1]", "platform:revenue", TEMPLATE).replace("USD", "NOPE"));
        assertThat(noAsset.status()).isEqualTo(422);
        assertThat(noAsset.code()).isEqualTo("asset_not_found");
        assertThat(admin.get(base + "/commission-plans/eur").code()).isEqualTo("commission_plan_not_found");
    }

    @Test
    void refusedPaymentsMoveNothing() {
        tree();
        String before = books();
        putPlan("no-source", "[1000]", "platform:nothing", TEMPLATE, 201);
        Response noSource = apply("no-source", "n-1", "bob", "1000");
        assertThat(noSource.status()).isEqualTo(422);
        assertThat(noSource.code()).isEqualTo("account_not_found");
        assertThat(admin.get(base + "/accounts/affiliates:alice:commissions").code())
                .as("nothing opened for a source that does not exist")
                .isEqualTo("account_not_found");

        Response noParty = apply("no-source", "n-2", "nobody", "1000");
        assertThat(noParty.status()).isEqualTo(422);
        assertThat(noParty.code()).isEqualTo("party_not_found");

        // A party id whose payee account would be longer than an id.
        String longParty = "p".repeat(100);
        expect(putParty(longParty, "null"), 201);
        expect(putParty("child", "\"" + longParty + "\""), 201);
        putPlan("long-names", "[1000]", "platform:revenue", "affiliates:" + "x".repeat(40) + ":{party}", 201);
        Response unpayable = apply("long-names", "n-3", "child", "1000");
        assertThat(unpayable.status()).isEqualTo(422);
        assertThat(unpayable.code()).isEqualTo("payee_account_invalid");
        assertThat(books()).isEqualTo(before);

        // A source that cannot pay: the ledger's own refusal, and no money moved.
        expect(
                admin.post(base + "/accounts", "{\"id\": \"platform:empty\", \"asset\": \"USD\", \"min_balance\": 0}"),
                201);
        putPlan("poor", "[1000]", "platform:empty", TEMPLATE, 201);
        Response poor = apply("poor", "n-4", "bob", "1000");
        assertThat(poor.status()).isEqualTo(422);
        assertThat(poor.code()).isEqualTo("insufficient_funds");
        assertThat(admin.get(base + "/transactions/n-4").code()).isEqualTo("transaction_not_found");
        assertThat(balance("platform:empty")).isZero();
        assertBooksBalance();
    }

    @Test
    void aPayeeAccountTheClientOpenedIsPaidAsItIs() {
        tree();
        expect(admin.post(base + "/accounts", """
                {"id": "affiliates:bob:commissions", "asset": "USD", "min_balance": 0, "metadata": {"k": "v"}}"""), 201);
        putPlan("affiliates", "[1000, 500]", "platform:revenue", TEMPLATE, 201);
        assertThat(postings(
                        expect(apply("affiliates", "o-1", "carol", "100"), 201).json()))
                .containsExactly(
                        "platform:revenue>affiliates:bob:commissions:10",
                        "platform:revenue>affiliates:alice:commissions:5");
        JsonNode bob = expect(admin.get(base + "/accounts/affiliates:bob:commissions"), 200)
                .json();
        assertThat(bob.path("metadata").path("k").stringValue()).isEqualTo("v");
        assertThat(bob.path("balances").path("balance").longValue()).isEqualTo(10);
    }

    // ---- Helpers --------------------------------------------------------------------------------

    /** alice ← bob ← carol ← dave: each referred by the one before. */
    private void tree() {
        expect(putParty("alice", "null"), 201);
        expect(putParty("bob", "\"alice\""), 201);
        expect(putParty("carol", "\"bob\""), 201);
        JsonNode dave = expect(putParty("dave", "\"carol\""), 201).json();
        assertThat(dave.path("id").stringValue()).isEqualTo("dave");
        assertThat(dave.path("referrer").stringValue()).isEqualTo("carol");
        assertThat(dave.path("created_at")).isEqualTo(dave.path("updated_at"));
    }

    private Response putParty(String id, String referrerJson) {
        return admin.put(base + "/parties/" + id, "{\"referrer\": " + referrerJson + "}");
    }

    private String referrer(String id) {
        return expect(admin.get(base + "/parties/" + id), 200)
                .json()
                .path("referrer")
                .stringValue(null);
    }

    private static String planBody(String levels, String source, String template) {
        return "{\"asset\": \"USD\", \"levels_bps\": " + levels + ", \"source\": \"" + source
                + "\", \"payee_account\": \"" + template + "\"}";
    }

    private JsonNode putPlan(String id, String levels, String source, String template, int status) {
        return expect(admin.put(base + "/commission-plans/" + id, planBody(levels, source, template)), status)
                .json();
    }

    private Response apply(String plan, String id, String party, String amountJson) {
        return admin.post(
                base + "/commission-plans/" + plan + "/apply",
                "{\"id\": \"" + id + "\", \"party\": \"" + party + "\", \"amount\": " + amountJson + "}");
    }

    private static List<String> postings(JsonNode paid) {
        List<String> postings = new ArrayList<>();
        paid.path("postings").forEach(posting -> {
            assertThat(posting.path("asset").stringValue()).isEqualTo("USD");
            postings.add(posting.path("from").stringValue() + ">"
                    + posting.path("to").stringValue() + ":"
                    + posting.path("amount").longValue());
        });
        return postings;
    }

    private long balance(String account) {
        return expect(admin.get(base + "/accounts/" + account), 200)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    /** Per asset the ledger's debits equal its credits, and verify re-reads everything and agrees. */
    private void assertBooksBalance() {
        JsonNode trial = expect(admin.get(base + "/trial-balance"), 200).json();
        assertThat(trial.path("assets")).isNotEmpty();
        trial.path("assets").forEach(asset -> {
            assertThat(asset.path("balanced").booleanValue())
                    .as(asset.toString())
                    .isTrue();
            assertThat(asset.path("posted_debits").bigIntegerValue())
                    .isEqualTo(asset.path("posted_credits").bigIntegerValue());
        });
        JsonNode verified = expect(admin.post(base + "/verify", "{}"), 200).json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
    }

    /** The ledger's accounts and transactions as the API lists them. */
    private String books() {
        return admin.get(base + "/accounts?limit=1000").text()
                + admin.get(base + "/transactions?limit=1000").text();
    }

    /** Sends every change at once, from threads that start together; the answers in the order given. */
    private List<Response> concurrently(List<String[]> changes) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> pending = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String[] change : changes) {
                pending.add(threads.submit(() -> {
                    start.await();
                    return putParty(change[0], "\"" + change[1] + "\"");
                }));
            }
            start.countDown();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> answer : pending) {
                answers.add(answer.get());
            }
            return answers;
        }
    }

    private static String transfer(String id, String from, String to, long amount) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + from + "\", \"to\": \"" + to
                + "\", \"amount\": " + amount + ", \"asset\": \"USD\"}]}";
    }

    private static Response expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        return response;
    }
}
