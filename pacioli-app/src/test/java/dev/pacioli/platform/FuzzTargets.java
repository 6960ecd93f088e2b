package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.clearing.ClearingWalkthrough;
import dev.pacioli.postgres.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * One valid request per operation of openapi.yaml that takes input, over resources made for it: the
 * table the input fuzz test ({@link InputFuzzTest}) starts every bad request from. Each request is valid
 * as given, so a fuzzed one is wrong only in the value the test put in.
 *
 * <p>The resources: a ledger with {@code world} and {@code wallet} (what {@link
 * HttpTester#openLedgerWithWorldAndWallet} opens) and a transaction {@code seed}; and a second ledger
 * with a webhook scoped to it and one delivery (the webhook's URL does not resolve, so deliveries fail
 * and wait; no other ledger's events reach it). Ids that a request would use up (a transaction to
 * create, a pending to post, an account to close, a key to revoke, a webhook to delete) come fresh
 * from a supplier for every request.
 *
 * <p>Payments have a ledger of their own (so the fuzz ledger sees none of their workers' events), with
 * a policy that makes every payout wait for one approval: a simulator connector, an instructions
 * connector whose requests are signed for the body as sent, and an approver's key. A payout to approve,
 * reject, cancel, release or resolve is a fresh one in the state it needs (held and needs_review set in
 * the database); connectors changed or deleted are fresh ones no payout uses.
 */
final class FuzzTargets {
    /** Ids of the valid writers' transactions start with this; the fuzz's own never do. */
    static final String WRITER_PREFIX = "valid-";

    private static final String URL = "https://webhooks.invalid/fuzz";

    /**
     * A valid request of one operation.
     *
     * @param operation as in {@link OpenApiContract#operations()}: the method and the path template
     * @param pathValues a valid value for each path parameter of the template
     * @param body a valid JSON body, or null for an operation without one
     * @param readBack the stored resource an accepted request wrote, read back (null: it stores no text)
     * @param key the API key secret to send the request with (null: the admin's)
     * @param headers the headers of a request, from the body as finally sent (null body for none)
     * @param covered inputs another target already fuzzes through the same code, left out here to keep
     *     the probes within their limit: path and query parameter names, body places as {@code
     *     destination.type}
     */
    record Target(
            String operation,
            Map<String, Supplier<String>> pathValues,
            Supplier<String> body,
            ReadBack readBack,
            String key,
            Function<String, Map<String, String>> headers,
            Set<String> covered,
            String query) {
        Target(String operation, Map<String, Supplier<String>> pathValues, Supplier<String> body, ReadBack readBack) {
            this(operation, pathValues, body, readBack, null, sent -> Map.of(), Set.of(), null);
        }

        /** This request with a query a valid one needs ({@code name=value}); a probe of that name replaces it. */
        Target withQuery(String required) {
            return new Target(operation, pathValues, body, readBack, key, headers, covered, required);
        }

        /** This request sent with another key. */
        Target as(String secret) {
            return new Target(operation, pathValues, body, readBack, secret, headers, covered, query);
        }

        /** This request with headers computed from the body as sent (a signature of it). */
        Target with(Function<String, Map<String, String>> computed) {
            return new Target(operation, pathValues, body, readBack, key, computed, covered, query);
        }

        /** This request without probes of these inputs, which another target fuzzes through the same code. */
        Target covering(String... inputs) {
            return new Target(operation, pathValues, body, readBack, key, headers, Set.of(inputs), query);
        }

        String method() {
            return operation.substring(0, operation.indexOf(' '));
        }

        String template() {
            return operation.substring(operation.indexOf(' ') + 1);
        }

        @Override
        public String toString() {
            return operation;
        }
    }

    /** Reads back, from the service, the resource an accepted request stored; its answer says which. */
    interface ReadBack {
        JsonNode resource(HttpTester admin, JsonNode answer);
    }

    final String ledger;
    final String hookLedger;
    private final HttpTester admin;
    private final String base;
    final String hookId;
    private final String deliveryId;

    private FuzzTargets(HttpTester admin, String ledger, String hookLedger, String hookId) {
        this.admin = admin;
        this.ledger = ledger;
        this.hookLedger = hookLedger;
        this.base = "/v1/ledgers/" + ledger;
        this.hookId = hookId;
        this.deliveryId = firstDelivery(admin, hookId);
    }

    /** Creates the resources the table refers to; the database puts payouts in states no route makes. */
    static FuzzTargets setUp(TestService.Running service) {
        HttpTester admin = service.admin();
        String ledger = TestService.uniqueName("fuzz");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        created(admin.post(base + "/transactions", transfer("seed", 1_000)));
        String hookLedger = TestService.uniqueName("fuzz-hooks");
        String hookBase = admin.openLedgerWithWorldAndWallet(hookLedger);
        String hookId = created(admin.post("/v1/webhooks", webhook(hookLedger)))
                .path("id")
                .stringValue();
        created(admin.post(hookBase + "/transactions", transfer("delivered", 1)));
        FuzzTargets targets = new FuzzTargets(admin, ledger, hookLedger, hookId);
        targets.database = service.database();
        targets.screening = new ScreeningFuzzTargets(service);
        targets.reconciliation = new ReconciliationFuzzTargets(service.admin());
        targets.treasury = new TreasuryFuzzTargets(service);
        return targets;
    }

    /** Every target: one per operation that takes input. */
    List<Target> all() {
        List<Target> all = new ArrayList<>();
        all.addAll(catalog());
        all.addAll(accounts());
        all.addAll(transactions());
        all.addAll(keysAndWebhooks());
        all.add(new Target("GET /v1/audit-log", Map.of(), null, null));
        all.add(new Target("POST /v1/audit-log/verify", Map.of(), () -> "{}", null));
        all.addAll(alerts());
        all.addAll(commissions());
        all.addAll(limits());
        all.addAll(paymentConnectors());
        all.addAll(payouts());
        all.addAll(deposits());
        all.addAll(screening.all());
        all.addAll(clearing());
        all.addAll(reconciliation.all());
        all.addAll(treasury.all());
        all.addAll(custody());
        return all;
    }

    // ---- Payments: on a ledger of their own, so the fuzz ledger sees none of their workers' events ----

    /** Payouts of 1000 USD and more wait for one approval, so no worker takes the fuzz's payouts. */
    private static final String POLICY = "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 1000, \"approvals\": 1}]}";

    private static final String INBOUND_SECRET = "fuzz-inbound-secret";

    private Database database;
    private ScreeningFuzzTargets screening;
    private ReconciliationFuzzTargets reconciliation;
    private TreasuryFuzzTargets treasury;
    private String payLedger;
    private String payBase;
    /** The simulator connector payouts and deposits go through; never deleted. */
    private String simulator;
    /** An inbound connector of payout instructions, verifying hmac_sha256_hex. */
    private String instructions;
    /** A reader key with the approver flag, of a principal other than the admin's. */
    private String approver;

    private String payoutId;
    private String payloadHash;
    private String depositId;

    /**
     * The payments ledger (funded {@code wallet}, the approval policy), the simulator and instructions
     * connectors, the approver's key, and one payout and one deposit to read.
     */
    private synchronized void setUpPayments() {
        if (payLedger != null) {
            return;
        }
        payLedger = TestService.uniqueName("fuzz-pay");
        payBase = admin.openLedgerWithWorldAndWallet(payLedger);
        created(admin.post(payBase + "/transactions", transfer("funding", 1_000_000_000L)));
        assertThat(admin.put(payBase + "/approval-policy", POLICY).status()).isEqualTo(200);
        simulator = fresh();
        created(admin.post("/v1/connectors", connectorBody(simulator)));
        instructions = fresh();
        created(admin.post(
                "/v1/connectors",
                "{\"id\": \"" + instructions + "\", \"kind\": \"inbound\", \"assets\": {}, \"inbound\":"
                        + " {\"scheme\": \"hmac_sha256_hex\", \"secret\": \"" + INBOUND_SECRET
                        + "\", \"kind\": \"instructions\", \"default_ledger\": \"" + payLedger + "\"}}"));
        approver = created(admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"fuzz approver\", \"role\": \"reader\", \"principal\":"
                                + " \"fuzz-approver@example.com\", \"flags\": [\"approver\"]}"))
                .path("secret")
                .stringValue();
        String id = fresh();
        payloadHash = created(admin.post(payBase + "/payouts", payoutBody(id)))
                .path("payload_hash")
                .stringValue();
        payoutId = id;
        depositId = deposit();
    }

    /** Creating, changing and deleting payment connectors, simulated deposits and signed instructions. */
    private List<Target> paymentConnectors() {
        setUpPayments();
        ReadBack connector = (admin, answer) ->
                read(admin, "/v1/connectors/" + answer.path("id").stringValue());
        return List.of(
                new Target("POST /v1/connectors", Map.of(), () -> connectorBody(fresh()), connector),
                new Target(
                        "PATCH /v1/connectors/{id}",
                        Map.of("id", this::connector),
                        () -> "{\"config\": {}, \"priority\": 50}",
                        connector),
                new Target("DELETE /v1/connectors/{id}", Map.of("id", this::connector), null, null),
                new Target(
                                "POST /v1/connectors/{id}/simulate/deposit",
                                Map.of("id", () -> simulator),
                                () -> "{\"ledger\": \"" + payLedger + "\", \"deposit_id\": \"" + fresh()
                                        + "\", \"account\": \"wallet\", \"amount\": 100, \"asset\": \"USD\","
                                        + " \"status\": \"pending\"}",
                                null)
                        .covering("account", "asset"),
                new Target(
                                "POST /v1/inbound/{connector}",
                                Map.of("connector", () -> instructions),
                                () -> "{\"id\": \"" + fresh()
                                        + "\", \"source\": \"wallet\", \"amount\": 5000, \"asset\": \"USD\","
                                        + " \"connector\": \"" + simulator
                                        + "\", \"destination\": {\"type\": \"external_id\", \"id\": \"fz\"}}",
                                this::payoutRead)
                        .with(FuzzTargets::signed)
                        // The instruction's payout fields are read as POST payouts reads them.
                        .covering("source", "asset", "connector", "destination.type", "destination.id"));
    }

    /** Payouts and the approval policy; each change works on a fresh payout in the state it needs. */
    private List<Target> payouts() {
        setUpPayments();
        String payouts = "/v1/ledgers/{ledger}/payouts";
        Map<String, Supplier<String>> inLedger = Map.of("ledger", () -> payLedger);
        Map<String, Supplier<String>> one = Map.of("ledger", () -> payLedger, "id", () -> payoutId);
        Map<String, Supplier<String>> waiting = Map.of("ledger", () -> payLedger, "id", this::payout);
        String reason = "{\"reason\": \"r\"}";
        ReadBack history = (admin, answer) ->
                read(admin, payBase + "/payouts/" + answer.path("id").stringValue() + "/history");
        return List.of(
                new Target("POST " + payouts, inLedger, () -> payoutBody(fresh()), this::payoutRead),
                // Its source and connector are checked as the deposits list checks its account.
                new Target("GET " + payouts, inLedger, null, null).covering("limit", "cursor", "source", "connector"),
                new Target("GET " + payouts + "/{id}", one, null, null).covering("ledger"),
                new Target("GET " + payouts + "/{id}/history", one, null, null).covering("ledger"),
                new Target(
                                "POST " + payouts + "/{id}/approve",
                                waiting,
                                () -> "{\"payload_hash\": \"" + payloadHash + "\"}",
                                null)
                        .as(approver)
                        .covering("ledger"),
                new Target("POST " + payouts + "/{id}/reject", waiting, () -> reason, this::payoutRead)
                        .as(approver)
                        .covering("ledger"),
                new Target("POST " + payouts + "/{id}/cancel", waiting, () -> reason, this::payoutRead)
                        .covering("ledger", "id"),
                new Target(
                                "POST " + payouts + "/{id}/release",
                                Map.of("ledger", () -> payLedger, "id", () -> payoutIn("held")),
                                () -> reason,
                                history)
                        .covering("ledger", "id"),
                new Target(
                                "POST " + payouts + "/release",
                                Map.of("ledger", () -> payLedger),
                                () -> "{\"hold_reason\": \"dry_mode\", \"ids\": [\"" + payoutIn("held")
                                        + "\"], \"reason\": \"r\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + payouts + "/{id}/resolve",
                                Map.of("ledger", () -> payLedger, "id", () -> payoutIn("needs_review")),
                                () -> "{\"outcome\": \"failed\", \"reason\": \"r\"}",
                                this::payoutRead)
                        .covering("ledger", "id"),
                // The policy put is the hook ledger's: the payments ledger's must stay as it is.
                new Target(
                                "PUT /v1/ledgers/{ledger}/approval-policy",
                                Map.of("ledger", () -> hookLedger),
                                () -> POLICY,
                                (admin, answer) -> read(admin, "/v1/ledgers/" + hookLedger + "/approval-policy"))
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/approval-policy", inLedger, null, null));
    }

    /** Deposits recorded, listed, shown and reversed, and deposit routes. */
    private List<Target> deposits() {
        setUpPayments();
        String deposits = "/v1/ledgers/{ledger}/deposits";
        Map<String, Supplier<String>> inLedger = Map.of("ledger", () -> payLedger);
        ReadBack deposit = (admin, answer) ->
                read(admin, payBase + "/deposits/" + answer.path("id").stringValue());
        return List.of(
                new Target("POST " + deposits, inLedger, () -> depositBody(fresh()), deposit).covering("asset"),
                new Target("GET " + deposits, inLedger, null, null).covering("limit", "cursor"),
                new Target(
                                "GET " + deposits + "/{id}",
                                Map.of("ledger", () -> payLedger, "id", () -> depositId),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + deposits + "/{id}/reverse",
                                Map.of("ledger", () -> payLedger, "id", this::deposit),
                                () -> "{\"reason\": \"r\"}",
                                // The reason is the reversal transaction's description.
                                (admin, answer) -> read(
                                        admin,
                                        payBase + "/transactions/"
                                                + answer.path("ledger_transactions")
                                                        .path(1)
                                                        .stringValue()))
                        .covering("ledger"),
                new Target(
                                "POST /v1/ledgers/{ledger}/deposit-routes",
                                inLedger,
                                () -> "{\"connector\": \"" + simulator + "\", \"reference\": \"" + fresh()
                                        + "\", \"account\": \"wallet\"}",
                                null)
                        .covering("ledger"));
    }

    private JsonNode payoutRead(HttpTester admin, JsonNode answer) {
        return read(admin, payBase + "/payouts/" + answer.path("id").stringValue());
    }

    private boolean commissionsMade;

    /**
     * Parties, plans and payments, over a root party, a member it referred and a plan made once; the
     * parties and plans put and the payments made have fresh ids.
     */
    private synchronized List<Target> commissions() {
        String plan = "{\"asset\": \"USD\", \"levels_bps\": [1000, 500], \"source\": \"world\","
                + " \"payee_account\": \"affiliates:{party}:fz\"}";
        if (!commissionsMade) {
            created(admin.put(base + "/parties/fz-root", "{}"));
            created(admin.put(base + "/parties/fz-member", "{\"referrer\": \"fz-root\"}"));
            created(admin.put(base + "/commission-plans/fz-plan", plan));
            commissionsMade = true;
        }
        String parties = "/v1/ledgers/{ledger}/parties/{id}";
        String plans = "/v1/ledgers/{ledger}/commission-plans/{id}";
        Map<String, Supplier<String>> fresh = Map.of("ledger", () -> ledger, "id", FuzzTargets::fresh);
        Map<String, Supplier<String>> fzPlan = Map.of("ledger", () -> ledger, "id", () -> "fz-plan");
        return List.of(
                new Target(
                        "PUT " + parties,
                        fresh,
                        () -> "{\"referrer\": \"fz-root\"}",
                        (admin, answer) -> read(
                                admin, base + "/parties/" + answer.path("id").stringValue())),
                new Target("GET " + parties, Map.of("ledger", () -> ledger, "id", () -> "fz-member"), null, null),
                new Target(
                        "PUT " + plans,
                        fresh,
                        () -> plan,
                        (admin, answer) -> read(
                                admin,
                                base + "/commission-plans/" + answer.path("id").stringValue())),
                new Target("GET " + plans, fzPlan, null, null),
                new Target(
                        "POST " + plans + "/apply",
                        fzPlan,
                        () -> "{\"id\": \"" + fresh() + "\", \"party\": \"fz-member\", \"amount\": \"1000\"}",
                        (admin, answer) -> read(
                                admin,
                                base + "/transactions/" + answer.path("id").stringValue())));
    }

    private boolean limitMade;

    /**
     * Limits, over one made once; those put have fresh ids, and each delete a limit of its own. They
     * cover accounts no valid writer posts to, so they never refuse one.
     */
    private synchronized List<Target> limits() {
        String limit = "{\"accounts\": \"fz:*:limited\", \"asset\": \"USD\", \"direction\": \"debit\","
                + " \"max_amount_per_transaction\": 5}";
        if (!limitMade) {
            created(admin.post(base + "/accounts", "{\"id\": \"fz:1:limited\", \"asset\": \"USD\"}"));
            created(admin.put(base + "/limits/fz-limit", limit));
            limitMade = true;
        }
        String one = "/v1/ledgers/{ledger}/limits/{id}";
        Map<String, Supplier<String>> fzLimit = Map.of("ledger", () -> ledger, "id", () -> "fz-limit");
        Supplier<String> doomed = () -> {
            String id = fresh();
            created(admin.put(base + "/limits/" + id, limit));
            return id;
        };
        return List.of(
                new Target(
                                "PUT " + one,
                                Map.of("ledger", () -> ledger, "id", FuzzTargets::fresh),
                                () -> limit,
                                (admin, answer) -> read(
                                        admin,
                                        base + "/limits/" + answer.path("id").stringValue()))
                        .covering("ledger"),
                new Target("GET " + one, fzLimit, null, null).covering("ledger"),
                new Target("DELETE " + one, Map.of("ledger", () -> ledger, "id", doomed), null, null)
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/limits", Map.of("ledger", () -> ledger), null, null)
                        .covering("ledger", "limit", "cursor"),
                new Target("GET " + one + "/usage", fzLimit, null, null)
                        .covering("ledger")
                        .withQuery("account=fz:1:limited"));
    }

    private String clearingLedger;

    /**
     * Clearing on a ledger of its own: two participants with caps no probe's amount can reach, so a
     * valid obligation is always taken; close, settle and cancel each get a window or an obligation of
     * their own state made for the request.
     */
    private synchronized List<Target> clearing() {
        if (clearingLedger == null) {
            clearingLedger = TestService.uniqueName("fuzz-clr");
            String base = admin.openLedgerWithWorldAndWallet(clearingLedger);
            for (String id : List.of("fz-a", "fz-b")) {
                HttpTester.Response put = admin.put(
                        base + "/clearing/participants/" + id,
                        "{\"name\": \"" + id + "\", \"settlement_accounts\": {\"USD\": \"participants:" + id
                                + ":USD\"}, \"net_debit_caps\": {\"USD\": 4000000000000000000}}");
                assertThat(put.status()).as(put.toString()).isEqualTo(201);
            }
        }
        String clr = "/v1/ledgers/" + clearingLedger + "/clearing";
        Map<String, Supplier<String>> onLedger = Map.of("ledger", () -> clearingLedger);
        Supplier<String> obligation = () -> "{\"id\": \"" + fresh() + "\", \"debtor\": \"fz-a\", \"creditor\":"
                + " \"fz-b\", \"amount\": 5, \"asset\": \"USD\", \"reference\": \"R\", \"debtor_name\":"
                + " \"A\", \"creditor_name\": \"B\"}";
        Supplier<String> accepted = () -> created(admin.post(clr + "/obligations", obligation.get()))
                .path("id")
                .stringValue();
        Supplier<String> open =
                () -> read(admin, clr + "/windows/current").path("id").stringValue();
        Supplier<String> closed = () -> {
            String id = open.get();
            assertThat(admin.post(clr + "/windows/" + id + "/close", "{}").status())
                    .isEqualTo(200);
            return id;
        };
        String participant = "PUT /v1/ledgers/{ledger}/clearing/participants/{id}";
        return List.of(
                new Target(
                                participant,
                                Map.of("ledger", () -> clearingLedger, "id", FuzzTargets::fresh),
                                () -> "{\"name\": \"N\", \"bic\": \"FUZZAAAAXXX\", \"settlement_accounts\":"
                                        + " {\"USD\": \"participants:fz-c:USD\"}, \"net_debit_caps\": {\"USD\": 5},"
                                        + " \"status\": \"active\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "GET /v1/ledgers/{ledger}/clearing/participants/{id}",
                                Map.of("ledger", () -> clearingLedger, "id", () -> "fz-a"),
                                null,
                                null)
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/clearing/participants", onLedger, null, null)
                        .covering("ledger", "limit", "cursor"),
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/obligations",
                                onLedger,
                                obligation,
                                (admin, answer) -> read(
                                        admin,
                                        clr + "/obligations/"
                                                + answer.path("id").stringValue()))
                        .covering("ledger"),
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/obligations/batch",
                                onLedger,
                                () -> "{\"obligations\": [" + obligation.get() + "]}",
                                null)
                        .covering(
                                "ledger",
                                "obligations.id",
                                "obligations.debtor",
                                "obligations.creditor",
                                "obligations.reference",
                                "obligations.debtor_name",
                                "obligations.creditor_name"),
                new Target("GET /v1/ledgers/{ledger}/clearing/obligations", onLedger, null, null)
                        .covering("ledger", "limit", "cursor"),
                new Target(
                                "GET /v1/ledgers/{ledger}/clearing/obligations/{id}",
                                Map.of("ledger", () -> clearingLedger, "id", accepted),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/obligations/{id}/cancel",
                                Map.of("ledger", () -> clearingLedger, "id", accepted),
                                () -> "{}",
                                null)
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/clearing/windows", onLedger, null, null)
                        .covering("ledger", "limit", "cursor"),
                new Target("GET /v1/ledgers/{ledger}/clearing/windows/current", onLedger, null, null)
                        .covering("ledger"),
                new Target(
                                "GET /v1/ledgers/{ledger}/clearing/windows/{id}",
                                Map.of("ledger", () -> clearingLedger, "id", open),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "GET /v1/ledgers/{ledger}/clearing/windows/{id}/report",
                                Map.of("ledger", () -> clearingLedger, "id", closed),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/windows/{id}/close",
                                Map.of("ledger", () -> clearingLedger, "id", open),
                                () -> "{}",
                                null)
                        .covering("ledger"),
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/windows/{id}/settle",
                                Map.of("ledger", () -> clearingLedger, "id", closed),
                                () -> "{}",
                                null)
                        .covering("ledger"),
                new Target(
                                "PUT /v1/ledgers/{ledger}/clearing/schedule",
                                onLedger,
                                () -> "{\"close_every_seconds\": null, \"auto_settle\": false}",
                                null)
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/clearing/schedule", onLedger, null, null).covering("ledger"),
                new Target(
                                "GET /v1/ledgers/{ledger}/clearing/obligations/{id}/pacs002",
                                Map.of("ledger", () -> clearingLedger, "id", accepted),
                                null,
                                null)
                        .covering("ledger"),
                // Its XML body is not fuzzed here (InputFuzzTest.CSV_BODIES_NOT_FUZZED); its path is.
                new Target(
                                "POST /v1/ledgers/{ledger}/clearing/iso20022",
                                onLedger,
                                () -> ClearingWalkthrough.PACS_008.replace("<MsgId>M1<", "<MsgId>" + fresh() + "<"),
                                null)
                        .with(body -> Map.of("Content-Type", "application/xml"))
                        .covering("ledger"));
    }

    private String custodyWallet;
    private String chainWallet;

    /** Custody: wallets made with fresh ids over one made once; the keys read and rotated. */
    private synchronized List<Target> custody() {
        if (custodyWallet == null) {
            custodyWallet = fresh();
            created(admin.post("/v1/custody/wallets", "{\"id\": \"" + custodyWallet + "\", \"chain\": \"evm:31337\"}"));
            // A chain with an evm_rpc connector and no node: valid sends are accepted and stay queued.
            created(admin.post(
                    "/v1/connectors",
                    "{\"id\": \"" + fresh() + "\", \"kind\": \"evm_rpc\", \"config\": {\"urls\":"
                            + " [\"http://127.0.0.1:1\"], \"chain_id\": 424298}}"));
            chainWallet = fresh();
            created(admin.post("/v1/custody/wallets", "{\"id\": \"" + chainWallet + "\", \"chain\": \"evm:424298\"}"));
            created(admin.post(
                    "/v1/custody/wallets/" + chainWallet + "/transactions",
                    "{\"id\": \"fuzz-ctx\", \"to\": \"0x000000000000000000000000000000000000dEaD\", \"value_wei\":"
                            + " \"1\"}"));
        }
        return List.of(
                new Target(
                        "POST /v1/custody/wallets",
                        Map.of(),
                        () -> "{\"id\": \"" + fresh() + "\", \"chain\": \"evm:31337\", \"label\": \"fuzz\"}",
                        (admin, answer) -> read(
                                admin,
                                "/v1/custody/wallets/" + answer.path("id").stringValue())),
                new Target("GET /v1/custody/wallets", Map.of(), null, null).covering("limit", "cursor"),
                new Target("GET /v1/custody/wallets/{id}", Map.of("id", () -> custodyWallet), null, null),
                new Target("POST /v1/custody/keys/rotate", Map.of(), () -> "{}", null),
                new Target(
                        "POST /v1/custody/wallets/{id}/transactions",
                        Map.of("id", () -> chainWallet),
                        () -> "{\"id\": \"" + fresh() + "\", \"to\": \"0x000000000000000000000000000000000000dEaD\","
                                + " \"value_wei\": \"1\", \"data\": \"0x\", \"ledger_posting\": null}",
                        null),
                new Target("GET /v1/custody/wallets/{id}/transactions", Map.of("id", () -> chainWallet), null, null)
                        .covering("limit", "cursor"),
                new Target(
                        "GET /v1/custody/wallets/{id}/transactions/{transaction}",
                        Map.of("id", () -> chainWallet, "transaction", () -> "fuzz-ctx"),
                        null,
                        null),
                new Target(
                        "POST /v1/custody/wallets/{id}/transactions/{transaction}/release",
                        Map.of("id", () -> chainWallet, "transaction", () -> "fuzz-ctx"),
                        () -> "{}",
                        null),
                new Target(
                        "PUT /v1/custody/wallets/{id}/monitor",
                        Map.of("id", () -> chainWallet),
                        () -> "{\"below_wei\": \"1000\", \"severity\": \"info\"}",
                        null));
    }

    private String alertChannel;
    private String alertId;

    /**
     * The alert routes, over a log channel and a test alert made once. A channel is a log one, whose
     * only strings are its id and kind, so the fuzz creates no channel (it would fill the 100 allowed).
     */
    private synchronized List<Target> alerts() {
        if (alertChannel == null) {
            alertChannel = fresh();
            created(admin.post("/v1/alerts/channels", "{\"id\": \"" + alertChannel + "\", \"kind\": \"log\"}"));
            alertId = created(admin.post("/v1/alerts/test", "{\"severity\": \"info\"}"))
                    .path("id")
                    .stringValue();
        }
        Map<String, Supplier<String>> alert = Map.of("id", () -> alertId);
        return List.of(
                new Target(
                        "POST /v1/alerts/channels",
                        Map.of(),
                        () -> "{\"id\": \"" + fresh() + "\", \"kind\": \"log\"}",
                        null),
                new Target("GET /v1/alerts/channels", Map.of(), null, null),
                new Target(
                        "PUT /v1/alerts/routes",
                        Map.of(),
                        () -> "{\"rules\": [{\"severity\": \"info\", \"category\": \"fuzz\", \"channels\": [\""
                                + alertChannel + "\"]}]}",
                        null),
                new Target("POST /v1/alerts/test", Map.of(), () -> "{\"severity\": \"info\"}", null),
                new Target("GET /v1/alerts", Map.of(), null, null),
                new Target("GET /v1/alerts/{id}", alert, null, null),
                new Target("POST /v1/alerts/{id}/acknowledge", alert, () -> "{}", null));
    }

    private List<Target> catalog() {
        Map<String, Supplier<String>> inLedger = Map.of("ledger", () -> ledger);
        return List.of(
                new Target(
                        "POST /v1/ledgers",
                        Map.of(),
                        () -> "{\"name\": \"" + fresh() + "\", \"metadata\": {\"k\": \"v\"}}",
                        (admin, answer) ->
                                read(admin, "/v1/ledgers/" + answer.path("name").stringValue())),
                new Target("GET /v1/ledgers", Map.of(), null, null),
                new Target("GET /v1/ledgers/{ledger}", inLedger, null, null),
                new Target("GET /v1/assets", Map.of(), null, null),
                new Target("PUT /v1/assets/{code}", Map.of("code", () -> "USD"), () -> "{\"scale\": 2}", null),
                new Target("GET /v1/ledgers/{ledger}/trial-balance", inLedger, null, null),
                new Target("POST /v1/ledgers/{ledger}/verify", inLedger, () -> "{}", null),
                new Target("GET /v1/ledgers/{ledger}/events", inLedger, null, null),
                new Target("GET /v1/events", Map.of(), null, null));
    }

    private List<Target> accounts() {
        String accounts = "/v1/ledgers/{ledger}/accounts";
        Map<String, Supplier<String>> wallet = Map.of("ledger", () -> ledger, "id", () -> "wallet");
        return List.of(
                new Target(
                        "POST " + accounts,
                        Map.of("ledger", () -> ledger),
                        () -> "{\"id\": \"" + fresh() + "\", \"asset\": \"USD\", \"normal_balance\": \"credit\","
                                + " \"min_balance\": \"0\", \"max_balance\": \"1000000\","
                                + " \"metadata\": {\"k\": \"v\"}}",
                        (admin, answer) -> read(
                                admin, base + "/accounts/" + answer.path("id").stringValue())),
                new Target("GET " + accounts, Map.of("ledger", () -> ledger), null, null),
                new Target("GET " + accounts + "/{id}", wallet, null, null),
                new Target("GET " + accounts + "/{id}/entries", wallet, null, null),
                new Target("GET " + accounts + "/{id}/balances", wallet, null, null),
                new Target(
                        "POST " + accounts + "/{id}/close",
                        Map.of("ledger", () -> ledger, "id", this::account),
                        () -> "{}",
                        null));
    }

    private List<Target> transactions() {
        String transactions = "/v1/ledgers/{ledger}/transactions";
        Map<String, Supplier<String>> inLedger = Map.of("ledger", () -> ledger);
        ReadBack byId = (admin, answer) ->
                read(admin, base + "/transactions/" + answer.path("id").stringValue());
        return List.of(
                new Target("POST " + transactions, inLedger, () -> described(fresh()), byId),
                new Target("GET " + transactions, inLedger, null, null),
                new Target(
                        "POST " + transactions + "/batch",
                        inLedger,
                        () -> "{\"atomic\": false, \"transactions\": [" + described(fresh()) + "]}",
                        (admin, answer) -> byId.resource(
                                admin, answer.path("results").path(0).path("transaction"))),
                new Target(
                        "GET " + transactions + "/{id}",
                        Map.of("ledger", () -> ledger, "id", () -> "seed"),
                        null,
                        null),
                new Target(
                        "POST " + transactions + "/{id}/post",
                        Map.of("ledger", () -> ledger, "id", this::pending),
                        () -> "{\"amount\": \"1\"}",
                        null),
                new Target(
                        "POST " + transactions + "/{id}/void",
                        Map.of("ledger", () -> ledger, "id", this::pending),
                        () -> "{}",
                        null),
                new Target(
                        "POST " + transactions + "/{id}/reverse",
                        Map.of("ledger", () -> ledger, "id", this::posted),
                        () -> "{\"id\": \"" + fresh() + "\", \"metadata\": {\"k\": \"v\"}, \"description\": \"d\","
                                + " \"force\": false}",
                        byId));
    }

    private List<Target> keysAndWebhooks() {
        Map<String, Supplier<String>> hook = Map.of("id", () -> hookId);
        ReadBack webhookById = (admin, answer) ->
                read(admin, "/v1/webhooks/" + answer.path("id").stringValue());
        return List.of(
                new Target(
                        "POST /v1/api-keys",
                        Map.of(),
                        () -> "{\"name\": \"fuzz\", \"role\": \"reader\", \"ledgers\": [\"" + ledger
                                + "\"], \"principal\": \"fuzz@example.com\", \"flags\": [\"approver\"]}",
                        FuzzTargets::apiKey),
                new Target("GET /v1/api-keys", Map.of(), null, null),
                new Target("DELETE /v1/api-keys/{id}", Map.of("id", this::apiKey), null, null),
                new Target("GET /v1/connectors", Map.of(), null, null),
                new Target("GET /v1/connectors/{id}", Map.of("id", () -> "webhook:" + hookId), null, null),
                new Target("POST /v1/webhooks", Map.of(), () -> webhook(hookLedger), webhookById),
                new Target("GET /v1/webhooks", Map.of(), null, null),
                new Target("GET /v1/jobs", Map.of(), null, null),
                new Target("GET /v1/webhooks/{id}", hook, null, null),
                new Target(
                        "PATCH /v1/webhooks/{id}",
                        hook,
                        () -> webhook(hookLedger).replace("}", ", \"enabled\": true}"),
                        webhookById),
                new Target("DELETE /v1/webhooks/{id}", Map.of("id", this::webhook), null, null),
                new Target("POST /v1/webhooks/{id}/rotate-secret", hook, () -> "{}", null),
                new Target("GET /v1/webhooks/{id}/deliveries", hook, null, null),
                new Target(
                        "POST /v1/webhooks/{id}/deliveries/{delivery}/retry",
                        Map.of("id", () -> hookId, "delivery", () -> deliveryId),
                        () -> "{}",
                        null));
    }

    // ---- Resources made per request ---------------------------------------------------------------

    static String fresh() {
        return TestService.uniqueName("fz");
    }

    /** A new empty account, to be closed. */
    private String account() {
        String id = fresh();
        created(admin.post(base + "/accounts", "{\"id\": \"" + id + "\", \"asset\": \"USD\"}"));
        return id;
    }

    /** A new API key's id, to be revoked. */
    private String apiKey() {
        return created(admin.post("/v1/api-keys", "{\"name\": \"fuzz\", \"role\": \"reader\"}"))
                .path("id")
                .stringValue();
    }

    /** A new webhook's id (scoped to the hook ledger), to be deleted. */
    private String webhook() {
        return created(admin.post("/v1/webhooks", webhook(hookLedger)))
                .path("id")
                .stringValue();
    }

    /** A new pending transaction, to be posted or voided. */
    private String pending() {
        String id = fresh();
        created(admin.post(base + "/transactions", transfer(id, 100).replace("]}", "], \"pending\": true}")));
        return id;
    }

    /** A new posted transaction, to be reversed. */
    private String posted() {
        String id = fresh();
        created(admin.post(base + "/transactions", transfer(id, 5)));
        return id;
    }

    /** A new simulator connector, to be changed or deleted; no payout ever goes through it. */
    private String connector() {
        String id = fresh();
        created(admin.post("/v1/connectors", connectorBody(id)));
        return id;
    }

    private static String connectorBody(String id) {
        return "{\"id\": \"" + id + "\", \"kind\": \"simulator\", \"assets\": {\"USD\": \"providers:fz:USD\"},"
                + " \"config\": {}}";
    }

    /** A payout of the payments ledger: waiting for one approval, so no worker takes it. */
    private String payoutBody(String id) {
        return "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": 5000, \"asset\": \"USD\","
                + " \"connector\": \"" + simulator + "\", \"destination\": {\"type\": \"external_id\", \"id\":"
                + " \"fz\"}}";
    }

    /** A new payout waiting for its approval, created by the admin's principal. */
    private String payout() {
        String id = fresh();
        created(admin.post(payBase + "/payouts", payoutBody(id)));
        return id;
    }

    /**
     * A new payout put in {@code status} in the database, from requires_approval (so no worker touches
     * it): no route makes a payout held or in need of review on demand.
     */
    private String payoutIn(String status) {
        String id = payout();
        boolean held = status.equals("held");
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement update = connection.prepareStatement("update payouts set status = ?,"
                        + " hold_reason = ?, held_from = ? where ledger = ? and id = ?")) {
            update.setString(1, status);
            update.setString(2, held ? "dry_mode" : null);
            update.setString(3, held ? "requires_approval" : null);
            update.setString(4, payLedger);
            update.setString(5, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private String depositBody(String id) {
        return "{\"id\": \"" + id + "\", \"account\": \"wallet\", \"amount\": 100, \"asset\": \"USD\","
                + " \"connector\": \"" + simulator + "\"}";
    }

    /** A new succeeded deposit into the payments ledger's wallet, to be reversed. */
    private String deposit() {
        String id = fresh();
        created(admin.post(payBase + "/deposits", depositBody(id)));
        return id;
    }

    /** The X-Signature header of the instructions connector (hmac_sha256_hex) for this body. */
    private static Map<String, String> signed(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(INBOUND_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Map.of("X-Signature", HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String transfer(String id, long amount) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": " + amount
                + ", \"asset\": \"USD\"}]}";
    }

    /** A transfer with every string field it can have, the amount as a string of digits. */
    private static String described(String id) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": \"1\","
                + " \"asset\": \"USD\"}], \"metadata\": {\"k\": \"v\"}, \"description\": \"d\"}";
    }

    private static String webhook(String ledger) {
        return "{\"url\": \"" + URL + "\", \"events\": [\"transaction.*\"], \"ledgers\": [\"" + ledger + "\"]}";
    }

    static JsonNode created(HttpTester.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json();
    }

    static JsonNode read(HttpTester admin, String path) {
        HttpTester.Response response = admin.get(path);
        assertThat(response.status())
                .as("reading back " + path + ": " + response)
                .isEqualTo(200);
        return response.json();
    }

    /** The key as the list shows it (there is no read of one key). */
    private static JsonNode apiKey(HttpTester admin, JsonNode answer) {
        String id = answer.path("id").stringValue();
        String path = "/v1/api-keys?limit=1000";
        while (true) {
            JsonNode page = read(admin, path);
            for (JsonNode key : page.path("data")) {
                if (key.path("id").stringValue().equals(id)) {
                    return key;
                }
            }
            String cursor = page.path("next_cursor").stringValue(null);
            assertThat(cursor).as("API key " + id + " in the list").isNotNull();
            path = "/v1/api-keys?limit=1000&cursor=" + cursor;
        }
    }

    /** The delivery of the hook ledger's first event, once the publisher has written it. */
    private static String firstDelivery(HttpTester admin, String hookId) {
        for (int attempt = 0; attempt < 400; attempt++) {
            JsonNode deliveries =
                    read(admin, "/v1/webhooks/" + hookId + "/deliveries").path("data");
            if (!deliveries.isEmpty()) {
                return deliveries.get(0).path("id").stringValue();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no delivery for webhook " + hookId + " within 20 s");
    }
}
