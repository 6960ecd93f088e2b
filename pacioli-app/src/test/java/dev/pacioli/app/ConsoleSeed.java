package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.reconciliation.ReconciliationFixture;
import java.util.List;
import java.util.Map;

/**
 * What the console's pages show in {@link ConsoleTest}, made through the API as an operator would: a
 * ledger with a funded wallet (three fundings and a reversal), a simulator connector, a payout awaiting
 * two approvals and one whose provider never answers, a payout held by a screening hit, a deposit, a
 * settled clearing window, a reconciliation run with proposals, a treasury buffer and a custody wallet with a chain transaction held by an emergency stop.
 *
 * @param pages each page of the console with the texts it must show
 */
record ConsoleSeed(
        String ledger,
        String alice,
        String bob,
        String makerApprover,
        String approvalPayout,
        String stuckPayout,
        String reconciliationRun,
        List<Page> pages) {

    /** A page by its hash, the texts that prove it rendered its data, and whether it draws a chart. */
    record Page(String name, String hash, List<String> texts, boolean chart) {}

    static final String CONNECTOR = "sim-console";

    String base() {
        return "/v1/ledgers/" + ledger;
    }

    static ConsoleSeed plant(HttpTester admin) {
        String ledger = TestService.uniqueName("console");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        for (int i = 1; i <= 3; i++) {
            expect(admin.post(base + "/transactions", transfer("fund-" + i, "world", "wallet", 40_000 * i)), 201);
        }
        expect(admin.post(base + "/transactions/fund-2/reverse", "{\"id\": \"fund-2-reversal\"}"), 201);
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + CONNECTOR + "\", \"kind\": \"simulator\", \"assets\":"
                                + " {\"USD\": \"providers:sim:USD\"}, \"config\": {}}"),
                201);
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 1000, \"approvals\": 2}],"
                                + " \"approval_window_seconds\": 3600}"),
                200);
        HttpTester maker = key(admin, "maker", "writer", "[]");
        String makerApprover = secret(admin, "maker", "reader", "[\"approver\"]");
        String alice = secret(admin, "alice", "reader", "[\"approver\"]");
        String bob = secret(admin, "bob", "reader", "[\"approver\"]");
        expect(maker.post(base + "/payouts", payout("po-approve", 5_000, "acct-approve", "succeed")), 201);
        expect(maker.post(base + "/payouts", payout("po-stuck", 100, "acct-stuck", "stuck")), 201);

        ReconciliationFixture reconciliation = ReconciliationFixture.setUp(admin, ledger);
        assertThat(reconciliation.proposals).isNotEmpty();
        List<Page> pages = List.of(
                new Page("deposits", "#/deposits/" + ledger, deposit(admin, ledger), false),
                new Page("screening", "#/screening/open", screening(admin, maker, base), false),
                new Page("clearing", "#/clearing/" + ledger, clearing(admin, base), true),
                new Page(
                        "reconciliation",
                        "#/reconciliation/" + ledger,
                        List.of(
                                ReconciliationFixture.ACCOUNT,
                                "Match rate",
                                "Drift of " + ReconciliationFixture.ACCOUNT),
                        true),
                new Page("treasury", "#/treasury/" + ledger, treasury(admin, base), true),
                new Page("custody", "#/custody", custody(admin), false),
                new Page("audit", "#/audit", List.of("payout.approved", "api_key.created", "alice"), false),
                new Page("ledgers-list", "#/ledgers", List.of(ledger), false),
                new Page("overview-final", "#/overview", List.of("po-stuck", CONNECTOR, ledger), false));
        return new ConsoleSeed(
                ledger, alice, bob, makerApprover, "po-approve", "po-stuck", reconciliation.runId, pages);
    }

    private static List<String> deposit(HttpTester admin, String ledger) {
        expect(
                admin.post(
                        "/v1/connectors/" + CONNECTOR + "/simulate/deposit",
                        "{\"ledger\": \"" + ledger + "\", \"deposit_id\": \"dep-console\", \"account\": \"wallet\","
                                + " \"amount\": 777, \"asset\": \"USD\"}"),
                200,
                201,
                202);
        return List.of("dep-console", "777 USD", "succeeded");
    }

    private static List<String> screening(HttpTester admin, HttpTester maker, String base) {
        expect(
                admin.put(
                        "/v1/screening/lists/console-sanctions",
                        "{\"entries\": [{\"id\": \"sdn-console\", \"name\": \"Ivanka Kovalenko-Drummond\","
                                + " \"type\": \"individual\", \"countries\": [\"RU\"], \"addresses\": []}],"
                                + " \"blocked_countries\": []}"),
                200);
        String held = "{\"id\": \"po-screened\", \"source\": \"wallet\", \"amount\": 200, \"asset\": \"USD\","
                + " \"connector\": \"" + CONNECTOR
                + "\", \"destination\": {\"type\": \"external_id\", \"id\": \"acct-x\","
                + " \"name\": \"Ivanka Kovalenko Drummond\", \"country\": \"US\"}}";
        expect(maker.post(base + "/payouts", held), 201);
        return List.of("po-screened", "Ivanka Kovalenko", "console-sanctions");
    }

    private static List<String> clearing(HttpTester admin, String base) {
        String clearing = base + "/clearing";
        for (String participant : List.of("A", "B", "C")) {
            expect(
                    admin.put(
                            clearing + "/participants/" + participant,
                            "{\"name\": \"Bank " + participant
                                    + "\", \"settlement_accounts\": {\"USD\": \"participants:" + participant
                                    + ":USD\"}, \"net_debit_caps\": {}}"),
                    200,
                    201);
            expect(
                    admin.post(
                            base + "/transactions",
                            transfer("fund-" + participant, "world", "participants:" + participant + ":USD", 500_000)),
                    201);
        }
        obligation(admin, clearing, "ob-1", "A", "B", 100_000);
        obligation(admin, clearing, "ob-2", "B", "C", 60_000);
        obligation(admin, clearing, "ob-3", "C", "A", 70_000);
        String window =
                admin.get(clearing + "/windows/current").json().path("id").stringValue();
        expect(admin.post(clearing + "/windows/" + window + "/close", "{}"), 200);
        expect(admin.post(clearing + "/windows/" + window + "/settle", "{}"), 200);
        obligation(admin, clearing, "ob-4", "A", "C", 10_000);
        String second =
                admin.get(clearing + "/windows/current").json().path("id").stringValue();
        expect(admin.post(clearing + "/windows/" + second + "/close", "{}"), 200);
        return List.of("Netting efficiency per window", "Positions in window", "Participant", "settled", window);
    }

    private static void obligation(
            HttpTester admin, String clearing, String id, String debtor, String creditor, long amount) {
        expect(
                admin.post(
                        clearing + "/obligations",
                        "{\"id\": \"" + id + "\", \"debtor\": \"" + debtor + "\", \"creditor\": \"" + creditor
                                + "\", \"amount\": " + amount + ", \"asset\": \"USD\"}"),
                201);
    }

    private static List<String> treasury(HttpTester admin, String base) {
        for (String account : List.of("treasury:float", "treasury:operating")) {
            expect(admin.post(base + "/accounts", "{\"id\": \"" + account + "\", \"asset\": \"USD\"}"), 201);
        }
        expect(admin.post(base + "/transactions", transfer("fund-float", "world", "treasury:float", 3_000)), 201);
        expect(
                admin.put(
                        base + "/treasury/buffers/treasury:float",
                        "{\"min\": 2000, \"target\": 5000, \"max\": 9000, \"critical\": 1000,"
                                + " \"top_up_from\": \"treasury:operating\", \"sweep_to\": \"treasury:operating\","
                                + " \"providers\": [\"" + CONNECTOR + "\"], \"conversion_timeout_seconds\": 60}"),
                200,
                201);
        return List.of("treasury:float", "Buffer levels", "9000");
    }

    private static List<String> custody(HttpTester admin) {
        expect(
                admin.post(
                        "/v1/custody/wallets",
                        "{\"id\": \"console-hot\", \"chain\": \"evm:31337\", \"label\": \"console relayer\"}"),
                201);
        // Under an emergency stop a new chain transaction is accepted and held, and stays held once the
        // stop is lifted: one pending chain transaction for the page, with nothing signed or sent (the
        // chain's node is a port where nothing listens).
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"evm-console\", \"kind\": \"evm_rpc\", \"config\": {\"urls\":"
                                + " [\"http://127.0.0.1:1\"], \"chain_id\": 31337, \"confirmations\": 1}}"),
                201);
        expect(
                admin.post("/v1/controls/emergency-stop", "{\"scope\": \"payouts\", \"reason\": \"seed a held one\"}"),
                200);
        Response held = admin.post(
                "/v1/custody/wallets/console-hot/transactions",
                "{\"id\": \"ctx-console\", \"to\": \"0x000000000000000000000000000000000000dead\","
                        + " \"value_wei\": \"1000\"}");
        expect(held, 201);
        assertThat(held.json().path("status").stringValue()).isEqualTo("held");
        expect(admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"seeded\"}", Map.of()), 200);
        return List.of("console-hot", "console relayer", "evm:31337", "ctx-console", "held", "Release");
    }

    private static HttpTester key(HttpTester admin, String principal, String role, String flags) {
        return admin.as(secret(admin, principal, role, flags));
    }

    private static String secret(HttpTester admin, String principal, String role, String flags) {
        Response created = admin.post(
                "/v1/api-keys",
                "{\"name\": \"" + principal + " " + role + "\", \"role\": \"" + role + "\", \"principal\": \""
                        + principal + "\", \"flags\": " + flags + "}");
        expect(created, 201);
        return created.json().path("secret").stringValue();
    }

    private static String payout(String id, long amount, String destination, String simulate) {
        return "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": " + amount + ", \"asset\": \"USD\","
                + " \"connector\": \"" + CONNECTOR + "\", \"destination\": {\"type\": \"external_id\", \"id\": \""
                + destination + "\"}, \"metadata\": {\"simulate\": \"" + simulate + "\"}}";
    }

    private static String transfer(String id, String from, String to, long amount) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + from + "\", \"to\": \"" + to
                + "\", \"amount\": " + amount + ", \"asset\": \"USD\"}]}";
    }

    private static Response expect(Response response, Integer... statuses) {
        assertThat(List.of(statuses)).as("%s", response).contains(response.status());
        return response;
    }
}
