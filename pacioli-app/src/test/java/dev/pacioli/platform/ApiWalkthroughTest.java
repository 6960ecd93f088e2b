package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.clearing.ClearingWalkthrough;
import dev.pacioli.controls.screening.Subject;
import dev.pacioli.controls.screening.TestObjects;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.reconciliation.ReconciliationWalkthrough;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A payments ledger driven through every operation of the API, the way a client would, with the
 * answers checked field by field and every exchange checked against openapi.yaml. It ends by asserting
 * it exercised every operation the document declares, so a route cannot be published untested.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ApiWalkthroughTest {
    /**
     * The OpenAPI fragments whose every operation this walkthrough calls itself; every fragment that
     * declares operations is some walkthrough's ({@link OpenApiFragmentsTest}).
     */
    static final List<String> FRAGMENTS = List.of(
            "ledger",
            "access",
            "events",
            "connectors",
            "audit",
            "jobs",
            "alerts",
            "controls",
            "screening",
            "payments",
            "commissions",
            "limits",
            "treasury",
            "app",
            "clearing",
            "reconciliation",
            "custody");

    private final TestService.Running service;
    private final HttpTester admin;

    ApiWalkthroughTest(TestService.Running service) {
        this.service = service;
        this.admin = service.admin().recording();
    }

    @Test
    void everyOperationAsAClientUsesIt() {
        String ledger = TestService.uniqueName("walk");
        String base = "/v1/ledgers/" + ledger;
        Set<String> seen = new TreeSet<>();

        // The service and its document.
        assertThat(admin.as(null).get("/health/live").status()).isEqualTo(200);
        assertThat(admin.as(null).get("/health/ready").json().path("status").stringValue())
                .isEqualTo("ready");
        assertThat(admin.as(null).get("/openapi.yaml").text()).contains("openapi: 3.1");

        // Catalog.
        assertThat(admin.put("/v1/assets/USD", "{\"scale\": 2}").status()).isIn(200, 201);
        Response asset = admin.put("/v1/assets/USD", "{\"scale\": 2}");
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(admin.put("/v1/assets/USD", "{\"scale\": 3}").code()).isEqualTo("asset_exists_with_different_scale");
        assertThat(admin.get("/v1/assets").json().path("data").findValuesAsString("code"))
                .contains("USD");
        Response created =
                admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\", \"metadata\": {\"team\": \"payments\"}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("metadata").path("team").stringValue()).isEqualTo("payments");
        assertThat(admin.get(base).json().path("name").stringValue()).isEqualTo(ledger);
        assertThat(field(admin.get("/v1/ledgers?limit=1000").json().path("data"), "name"))
                .contains(ledger);

        // Accounts.
        assertThat(openAccount(base, "world", "debit", "null").status()).isEqualTo(201);
        assertThat(openAccount(base, "users:42:wallet", "credit", "0").status()).isEqualTo(201);
        assertThat(openAccount(base, "merchants:7:revenue", "credit", "0").status())
                .isEqualTo(201);
        assertThat(openAccount(base, "platform:fees", "credit", "null").status())
                .isEqualTo(201);
        Response replay = openAccount(base, "platform:fees", "credit", "null");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(openAccount(base, "platform:fees", "debit", "null").code())
                .isEqualTo("account_exists_with_different_fields");

        // Transactions: a deposit, a payment with a fee, a replay, a dry run, a refusal.
        assertThat(transfer(base, "deposit-1", "world", "users:42:wallet", 10_000)
                        .status())
                .isEqualTo(201);
        String payment = """
                {"id": "pay_8812",
                 "postings": [{"from": "users:42:wallet", "to": "merchants:7:revenue", "amount": 1500, "asset": "USD"},
                              {"from": "merchants:7:revenue", "to": "platform:fees", "amount": "45", "asset": "USD"}],
                 "pending": false, "timeout_seconds": null, "metadata": {"order": "A-1"}, "description": "Order A-1"}""";
        Response paid = admin.post(base + "/transactions", payment);
        assertThat(paid.status()).isEqualTo(201);
        JsonNode transaction = paid.json();
        assertThat(transaction.path("status").stringValue()).isEqualTo("posted");
        assertThat(transaction.path("postings").get(1).path("amount").longValue())
                .isEqualTo(45);
        assertThat(transaction.path("hash").stringValue()).hasSize(64);
        Response again = admin.post(base + "/transactions", payment);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json()).isEqualTo(transaction);
        assertThat(admin.post(base + "/transactions", payment.replace("1500", "1501"))
                        .code())
                .isEqualTo("transaction_exists_with_different_fields");
        Response dryRun =
                admin.post(base + "/transactions?dry_run=true", transferBody("dry-1", "users:42:wallet", "world", 100));
        assertThat(dryRun.status()).isEqualTo(200);
        assertThat(dryRun.json().path("dry_run").booleanValue()).isTrue();
        assertThat(admin.get(base + "/transactions/dry-1").code()).isEqualTo("transaction_not_found");
        Response refused = transfer(base, "too-much", "users:42:wallet", "world", 1_000_000);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("insufficient_funds");

        // Pending: post in part, void, and their conflicts.
        assertThat(admin.post(base + "/transactions", pendingBody("hold-1", 2_000))
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("pending");
        Response posted = admin.post(base + "/transactions/hold-1/post", "{\"amount\": 1200}");
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.json().path("postings").get(0).path("posted_amount").longValue())
                .isEqualTo(1200);
        assertThat(admin.post(base + "/transactions/hold-1/void", "{}").code()).isEqualTo("pending_already_posted");
        admin.post(base + "/transactions", pendingBody("hold-2", 300));
        assertThat(admin.post(base + "/transactions/hold-2/void", "{}")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("voided");
        assertThat(admin.post(base + "/transactions/hold-2/post", "{}").code()).isEqualTo("pending_already_voided");
        assertThat(admin.post(base + "/transactions/nope/post", "{}").code()).isEqualTo("transaction_not_found");

        // Reversal, linked both ways.
        Response reversal =
                admin.post(base + "/transactions/pay_8812/reverse", "{\"id\": \"rev_8812\", \"metadata\": {}}");
        assertThat(reversal.status()).isEqualTo(201);
        assertThat(reversal.json().path("reverses").stringValue()).isEqualTo("pay_8812");
        assertThat(admin.get(base + "/transactions/pay_8812")
                        .json()
                        .path("reversed_by")
                        .stringValue())
                .isEqualTo("rev_8812");
        assertThat(admin.post(base + "/transactions/pay_8812/reverse", "{\"id\": \"rev_again\"}")
                        .code())
                .isEqualTo("transaction_already_reversed");

        // Batches: non-atomic with a failure in the middle, atomic with one.
        String batch = "{\"atomic\": %s, \"transactions\": [%s, %s, %s]}";
        JsonNode loose = admin.post(
                        base + "/transactions/batch",
                        batch.formatted(
                                "false",
                                transferBody("b-1", "world", "users:42:wallet", 10),
                                transferBody("b-2", "users:42:wallet", "world", 99_999_999),
                                transferBody("b-3", "world", "users:42:wallet", 10)))
                .json();
        assertThat(field(loose.path("results"), "status")).containsExactly("created", "failed", "created");
        assertThat(loose.path("results").get(1).path("code").stringValue()).isEqualTo("insufficient_funds");
        JsonNode atomic = admin.post(
                        base + "/transactions/batch",
                        batch.formatted(
                                "true",
                                transferBody("a-1", "world", "users:42:wallet", 10),
                                transferBody("a-2", "users:42:wallet", "world", 99_999_999),
                                transferBody("a-3", "world", "users:42:wallet", 10)))
                .json();
        assertThat(field(atomic.path("results"), "code"))
                .containsExactly("linked_transaction_failed", "insufficient_funds", "linked_transaction_failed");
        assertThat(admin.get(base + "/transactions/a-1").status()).isEqualTo(404);

        // Reads: the account, lists with filters, the statement, balances as of, trial balance.
        JsonNode wallet = admin.get(base + "/accounts/users:42:wallet").json();
        // 100.00 in, 15.00 paid and refunded, 12.00 posted from the hold, 0.20 from two batch items.
        assertThat(wallet.path("balances").path("balance").longValue()).isEqualTo(10_000 - 1_200 + 20);
        assertThat(admin.get(base + "/accounts?prefix=users:&metadata.owner=users:42:wallet")
                        .json()
                        .path("data"))
                .hasSize(1);
        JsonNode entries =
                admin.get(base + "/accounts/users:42:wallet/entries?limit=2").json();
        assertThat(entries.path("data")).hasSize(2);
        assertThat(entries.path("next_cursor").isString()).isTrue();
        String next = entries.path("next_cursor").stringValue();
        assertThat(admin.get(base + "/accounts/users:42:wallet/entries?cursor=" + next)
                        .json()
                        .path("data"))
                .isNotEmpty();
        JsonNode before = admin.get(base + "/accounts/users:42:wallet/balances?as_of=2000-01-01T00:00:00Z")
                .json();
        assertThat(before.path("balances").path("balance").longValue()).isZero();
        assertThat(admin.get(base + "/accounts/users:42:wallet/balances")
                        .json()
                        .path("balances")
                        .path("balance")
                        .longValue())
                .isEqualTo(10_000 - 1_200 + 20);
        assertThat(admin.get(base + "/transactions?account=platform:fees")
                        .json()
                        .path("data")
                        .findValuesAsString("id"))
                .containsExactly("rev_8812", "pay_8812");
        assertThat(admin.get(base + "/transactions?metadata.order=A-1&status=posted")
                        .json()
                        .path("data"))
                .hasSize(1);
        JsonNode trial = admin.get(base + "/trial-balance").json();
        assertThat(trial.path("assets").get(0).path("balanced").booleanValue()).isTrue();

        // Close an account at zero, then it takes no postings.
        openAccount(base, "users:43:wallet", "credit", "0");
        assertThat(admin.post(base + "/accounts/users:43:wallet/close", "{}")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("closed");
        assertThat(transfer(base, "to-closed", "world", "users:43:wallet", 1).code())
                .isEqualTo("account_closed");
        assertThat(admin.post(base + "/accounts/users:42:wallet/close", "{}").code())
                .isEqualTo("account_not_empty");

        // Keys: create a reader scoped to this ledger, held by a person with a flag, use it, revoke it.
        Response key = admin.post(
                "/v1/api-keys",
                "{\"name\": \"reporting\", \"role\": \"reader\", \"ledgers\": [\"" + ledger
                        + "\"], \"principal\": \"alice@example.com\", \"flags\": [\"compliance\", \"approver\"]}");
        assertThat(key.status()).isEqualTo(201);
        assertThat(key.json().path("principal").stringValue()).isEqualTo("alice@example.com");
        assertThat(key.json().path("flags").toString()).isEqualTo("[\"approver\",\"compliance\"]");
        JsonNode listed = keyListed(key.json().path("id").stringValue());
        assertThat(listed.path("principal").stringValue()).isEqualTo("alice@example.com");
        assertThat(listed.path("flags").toString()).isEqualTo("[\"approver\",\"compliance\"]");
        // Without them: the principal is the name, and no flags.
        Response plain = admin.post("/v1/api-keys", "{\"name\": \"nightly export\", \"role\": \"writer\"}");
        assertThat(plain.status()).isEqualTo(201);
        assertThat(plain.json().path("principal").stringValue()).isEqualTo("nightly export");
        assertThat(plain.json().path("flags").toString()).isEqualTo("[]");
        assertThat(keyListed(plain.json().path("id").stringValue())
                        .path("principal")
                        .stringValue())
                .isEqualTo("nightly export");
        assertThat(admin.delete("/v1/api-keys/" + plain.json().path("id").stringValue())
                        .json()
                        .path("principal")
                        .stringValue())
                .isEqualTo("nightly export");
        String secret = key.json().path("secret").stringValue();
        HttpTester reader = admin.as(secret);
        assertThat(reader.get(base + "/accounts/world").status()).isEqualTo(200);
        assertThat(reader.post(base + "/transactions", transferBody("r-1", "world", "users:42:wallet", 1))
                        .code())
                .isEqualTo("forbidden");
        assertThat(field(admin.get("/v1/api-keys?limit=1000").json().path("data"), "name"))
                .contains("reporting");
        assertThat(admin.delete("/v1/api-keys/" + key.json().path("id").stringValue())
                        .json()
                        .path("revoked_at")
                        .isString())
                .isTrue();
        assertThat(reader.get(base + "/accounts/world").code()).isEqualTo("unauthorized");

        // Events: every change in sequence order, each resource as it stood right after its change.
        JsonNode events = admin.get(base + "/events?after=0&limit=1000").json().path("data");
        assertThat(events.get(0).path("type").stringValue()).isEqualTo("account.created");
        assertThat(events.get(0).path("id").stringValue()).isEqualTo("evt_" + ledger + "_1");
        List<String> paymentEvents = new ArrayList<>();
        long previous = 0;
        for (JsonNode event : events) {
            assertThat(event.path("sequence").longValue()).isEqualTo(previous + 1);
            previous = event.path("sequence").longValue();
            if (event.path("data").path("id").stringValue("").equals("pay_8812")) {
                paymentEvents.add(event.path("type").stringValue() + " reversed_by="
                        + event.path("data").path("reversed_by").stringValue(null));
            }
            if (event.path("type").stringValue().equals("transaction.posted")
                    && event.path("data").path("id").stringValue().equals("hold-1")) {
                assertThat(event.path("data")
                                .path("postings")
                                .get(0)
                                .path("posted_amount")
                                .longValue())
                        .isEqualTo(1200);
            }
        }
        assertThat(paymentEvents)
                .containsExactly("transaction.created reversed_by=null", "transaction.reversed reversed_by=rev_8812");
        JsonNode later =
                admin.get(base + "/events?after=" + (previous - 1)).json().path("data");
        assertThat(later).hasSize(1);
        assertThat(later.get(0)).isEqualTo(events.get(events.size() - 1));

        // Webhooks: register one for this ledger, see the delivery of a new event, retry it, rotate, delete.
        Response hook = admin.post(
                "/v1/webhooks",
                "{\"url\": \"https://webhooks.invalid/pacioli\", \"events\": [\"transaction.*\"], \"ledgers\": [\""
                        + ledger + "\"]}");
        assertThat(hook.status()).isEqualTo(201);
        assertThat(hook.json().path("secret").stringValue()).startsWith("whsec_");
        String hookId = hook.json().path("id").stringValue();
        String hookPath = "/v1/webhooks/" + hookId;
        assertThat(field(admin.get("/v1/webhooks?limit=1000").json().path("data"), "id"))
                .contains(hookId);
        assertThat(admin.get(hookPath).json().path("enabled").booleanValue()).isTrue();
        // Its deliveries go through its connector, listed with the service's others (operator).
        JsonNode connector = admin.get("/v1/connectors/webhook:" + hookId).json();
        assertThat(connector.path("kind").stringValue()).isEqualTo("webhook");
        assertThat(connector.path("state").stringValue()).isEqualTo("closed");
        List<String> connectorIds = new ArrayList<>();
        String connectorCursor = null;
        do {
            JsonNode page = admin.get(
                            "/v1/connectors?limit=1000" + (connectorCursor == null ? "" : "&cursor=" + connectorCursor))
                    .json();
            connectorIds.addAll(field(page.path("data"), "id"));
            connectorCursor = page.path("next_cursor").isString()
                    ? page.path("next_cursor").stringValue()
                    : null;
        } while (connectorCursor != null);
        assertThat(connectorIds).contains("webhook:" + hookId);
        assertThat(transfer(base, "hooked-1", "world", "users:42:wallet", 1).status())
                .isEqualTo(201);
        JsonNode deliveries = null;
        for (int i = 0; i < 400 && (deliveries == null || deliveries.isEmpty()); i++) {
            sleep(50);
            deliveries = admin.get(hookPath + "/deliveries").json().path("data");
        }
        assertThat(deliveries).as("the event's delivery row").hasSize(1);
        assertThat(deliveries.get(0).path("event_id").stringValue()).startsWith("evt_" + ledger + "_");
        Response retried = admin.post(
                hookPath + "/deliveries/" + deliveries.get(0).path("id").stringValue() + "/retry", "{}");
        assertThat(retried.json().path("status").stringValue()).isEqualTo("pending");
        // Each delivery is a durable job, visible to operators.
        String deliveryId = deliveries.get(0).path("id").stringValue();
        JsonNode job = admin.get("/v1/jobs?type=webhook.delivery&limit=1000")
                .json()
                .path("data")
                .valueStream()
                .filter(each -> each.path("key").stringValue().equals(deliveryId))
                .findFirst()
                .orElseThrow();
        assertThat(job.path("state").stringValue()).isIn("queued", "running", "succeeded");
        Response rotated = admin.post(hookPath + "/rotate-secret", "{}");
        assertThat(rotated.json().path("secret").stringValue())
                .isNotEqualTo(hook.json().path("secret").stringValue());
        JsonNode paused =
                admin.send("PATCH", hookPath, "{\"enabled\": false}", Map.of()).json();
        assertThat(paused.path("disabled_reason").stringValue()).isEqualTo("disabled through the API");
        JsonNode resumed = admin.send(
                        "PATCH",
                        hookPath,
                        "{\"enabled\": true, \"events\": [\"*\"], \"url\": \"https://webhooks.invalid/v2\"}",
                        Map.of())
                .json();
        assertThat(resumed.path("enabled").booleanValue()).isTrue();
        assertThat(resumed.path("disabled_reason").isNull()).isTrue();
        assertThat(resumed.path("events").get(0).stringValue()).isEqualTo("*");
        assertThat(admin.delete(hookPath).status()).isEqualTo(200);
        assertThat(admin.get(hookPath).code()).isEqualTo("webhook_not_found");

        // The service's own stream: every event of no ledger, paged like a ledger's.
        Response serviceEvents = admin.get("/v1/events?after=0&limit=10");
        assertThat(serviceEvents.status()).isEqualTo(200);
        serviceEvents
                .json()
                .path("data")
                .forEach(event -> assertThat(event.path("id").stringValue()).startsWith("evt__service_"));

        // The audit log: what the walkthrough's privileged actions wrote, and its chain.
        JsonNode audited = admin.get("/v1/audit-log?ledger=" + ledger + "&action=ledger.created&limit=10")
                .json();
        assertThat(field(audited.path("data"), "object_id")).containsExactly(ledger);
        JsonNode chain = admin.post("/v1/audit-log/verify", "{}").json();
        assertThat(chain.path("ok").booleanValue()).as(chain.toString()).isTrue();

        // Verify and metrics.
        JsonNode verified = admin.post(base + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
        String metrics = admin.as(null).get("/metrics").text();
        assertThat(metrics)
                .contains("pacioli_transactions_total{code=\"insufficient_funds\",ledger=\"" + ledger + "\"");
        assertThat(metrics).contains("pacioli_commit_seconds_bucket");
        assertThat(metrics).contains("pacioli_events_written_total{ledger=\"" + ledger + "\"}");
        assertThat(metrics).contains("pacioli_http_requests_seconds_count");

        alerts();
        screening();
        payments();
        controls();
        commissions(base);
        limits(base);
        treasury(base);
        ClearingWalkthrough.walk(admin);
        ReconciliationWalkthrough.walk(admin);
        custody();

        seen.addAll(admin.exercised());
        for (String fragment : FRAGMENTS) {
            assertThat(seen)
                    .as("operations of %s.yaml this walkthrough did not call", fragment)
                    .containsAll(OpenApiFragments.operations(fragment));
        }
    }

    /**
     * Controls: read them, set the mode (live, as the service already is), engage a stop that holds a
     * new payout, lift it, and release what it held. Brief: the other tests of this JVM share the
     * service.
     */
    private void controls() {
        String ledger = TestService.uniqueName("walk-ctl");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(transfer(base, "funding", "world", "wallet", 10_000).status())
                .isEqualTo(201);
        String connectorId = TestService.uniqueName("walk-ctl-sim");
        assertThat(admin.post(
                                "/v1/connectors",
                                "{\"id\": \"" + connectorId + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                                        + " \"providers:walk:USD\"}, \"config\": {}}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.get("/v1/controls").json().path("effective_mode").stringValue())
                .isEqualTo("live");
        assertThat(admin.put("/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"walkthrough\"}")
                        .status())
                .isEqualTo(200);
        JsonNode stopped = admin.post(
                        "/v1/controls/emergency-stop", "{\"scope\": \"payouts\", \"reason\": \"walkthrough\"}")
                .json();
        assertThat(stopped.path("emergency_stop").path("scope").stringValue()).isEqualTo("payouts");
        JsonNode held = admin.post(base + "/payouts", payoutBody("po_stopped", connectorId, 100, ""))
                .json();
        assertThat(held.path("hold_reason").stringValue()).isEqualTo("emergency_stop");
        JsonNode lifted = admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"walkthrough\"}", Map.of())
                .json();
        assertThat(lifted.path("emergency_stop").isNull()).isTrue();
        JsonNode released = admin.post(
                        base + "/payouts/release", "{\"hold_reason\": \"emergency_stop\", \"ids\": [\"po_stopped\"]}")
                .json();
        assertThat(released.path("released").get(0).path("status").stringValue())
                .isEqualTo("approved");
        assertThat(released.path("refused")).isEmpty();
    }

    /** Alerts: a log channel, a route to it, a test alert delivered through it, acknowledged. */
    private void alerts() {
        String channel = TestService.uniqueName("log");
        Response created = admin.post("/v1/alerts/channels", "{\"id\": \"" + channel + "\", \"kind\": \"log\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(field(admin.get("/v1/alerts/channels?limit=100").json().path("data"), "id"))
                .contains(channel);
        String rules =
                "{\"rules\": [{\"severity\": \"info\", \"category\": \"test\", \"channels\": [\"" + channel + "\"]}]}";
        assertThat(admin.put("/v1/alerts/routes", rules)
                        .json()
                        .path("rules")
                        .get(0)
                        .path("channels")
                        .get(0)
                        .stringValue())
                .isEqualTo(channel);
        assertThat(admin.get("/v1/alerts/routes").json().path("rules")).hasSize(1);
        JsonNode raised =
                admin.post("/v1/alerts/test", "{\"severity\": \"info\"}").json();
        String id = raised.path("id").stringValue();
        assertThat(raised.path("deliveries").get(0).path("channel").stringValue())
                .isEqualTo(channel);
        JsonNode delivered = null;
        for (int i = 0; i < 400; i++) {
            delivered = admin.get("/v1/alerts/" + id).json();
            if (delivered.path("deliveries").get(0).path("status").stringValue().equals("succeeded")) {
                break;
            }
            sleep(50);
        }
        assertThat(delivered.path("deliveries").get(0).path("status").stringValue())
                .isEqualTo("succeeded");
        assertThat(field(
                        admin.get("/v1/alerts?severity=info&category=test&status=open")
                                .json()
                                .path("data"),
                        "id"))
                .contains(id);
        assertThat(admin.post("/v1/alerts/" + id + "/acknowledge", "")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("acknowledged");
        assertThat(admin.put("/v1/alerts/routes", "{\"rules\": []}").status()).isEqualTo(200);
    }

    /**
     * Payments: a simulator connector, a ledger's approval policy, a payout paid end to end, one
     * approved and one rejected by an approver (never its creator), one canceled. No route makes a
     * payout held or in need of review, so release and resolve are called where they must refuse.
     * Then money in ({@link #deposits}).
     */
    private void payments() {
        String ledger = TestService.uniqueName("walk-pay");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(transfer(base, "funding", "world", "wallet", 500_000).status())
                .isEqualTo(201);
        String connectorId = TestService.uniqueName("walk-sim");
        Response connector = admin.post(
                "/v1/connectors",
                "{\"id\": \"" + connectorId + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                        + " \"providers:walk:USD\"}, \"config\": {}}");
        assertThat(connector.status()).as(connector.toString()).isEqualTo(201);
        assertThat(connector.json().path("kind").stringValue()).isEqualTo("simulator");
        assertThat(connector.json().path("assets").path("USD").stringValue()).isEqualTo("providers:walk:USD");
        assertThat(connector.json().path("priority").intValue()).isEqualTo(100);
        Response changed = admin.send("PATCH", "/v1/connectors/" + connectorId, "{\"priority\": 10}", Map.of());
        assertThat(changed.json().path("priority").intValue()).isEqualTo(10);

        String policy = "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 50000, \"approvals\": 1}]}";
        assertThat(admin.put(base + "/approval-policy", policy).status()).isEqualTo(200);
        assertThat(admin.get(base + "/approval-policy").json().path("rules")).hasSize(1);

        // A small payout needs no approval: reserved at once, then paid by the worker.
        String small =
                payoutBody("po_small", connectorId, 2_500, ", \"fee\": {\"amount\": 25, \"account\": \"world\"}");
        Response created = admin.post(base + "/payouts", small);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("status").stringValue()).isEqualTo("approved");
        assertThat(created.json().path("payload_hash").stringValue()).hasSize(64);
        assertThat(admin.post(base + "/payouts", small).status()).isEqualTo(200);
        JsonNode paid = null;
        for (int i = 0; i < 300; i++) {
            paid = admin.get(base + "/payouts/po_small").json();
            if (paid.path("status").stringValue().equals("paid")) {
                break;
            }
            sleep(50);
        }
        assertThat(paid.path("status").stringValue()).as(paid.toString()).isEqualTo("paid");
        assertThat(field(
                        admin.get(base + "/payouts?status=paid&connector=" + connectorId + "&metadata.order=W-9")
                                .json()
                                .path("data"),
                        "id"))
                .containsExactly("po_small");
        assertThat(field(admin.get(base + "/payouts/po_small/history").json().path("data"), "to"))
                .contains("approved", "paid");

        // Large payouts wait for an approver, who approves exactly the payload hash it reviewed.
        String approver = admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"walk approver\", \"role\": \"reader\", \"flags\": [\"approver\"],"
                                + " \"principal\": \"approver@example.com\"}")
                .json()
                .path("secret")
                .stringValue();
        JsonNode big = admin.post(base + "/payouts", payoutBody("po_big", connectorId, 60_000, ""))
                .json();
        assertThat(big.path("status").stringValue()).isEqualTo("requires_approval");
        Response approved = admin.as(approver)
                .post(
                        base + "/payouts/po_big/approve",
                        "{\"payload_hash\": \"" + big.path("payload_hash").stringValue() + "\"}");
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(field(approved.json().path("approvals"), "principal")).containsExactly("approver@example.com");
        admin.post(base + "/payouts", payoutBody("po_rejected", connectorId, 60_000, ""));
        assertThat(admin.as(approver)
                        .post(base + "/payouts/po_rejected/reject", "{\"reason\": \"not this one\"}")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("rejected");
        admin.post(base + "/payouts", payoutBody("po_canceled", connectorId, 60_000, ""));
        assertThat(admin.post(base + "/payouts/po_canceled/cancel", "{\"reason\": \"changed my mind\"}")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("canceled");
        assertThat(admin.post(base + "/payouts/po_canceled/release", "{}").code())
                .isEqualTo("invalid_state_transition");
        assertThat(admin.post(base + "/payouts/po_canceled/resolve", "{\"outcome\": \"failed\", \"reason\": \"x\"}")
                        .code())
                .isEqualTo("invalid_state_transition");

        deposits(base, ledger, connectorId);

        // A connector nothing goes through is deleted.
        String spare = TestService.uniqueName("walk-spare");
        admin.post(
                "/v1/connectors",
                "{\"id\": \"" + spare + "\", \"kind\": \"simulator\", \"assets\": {\"USD\": \"providers:spare:USD\"}}");
        assertThat(admin.delete("/v1/connectors/" + spare).status()).isEqualTo(200);
        assertThat(admin.get("/v1/connectors/" + spare).code()).isEqualTo("connector_not_found");
    }

    /** The secret of the walkthrough's inbound connectors (hmac_sha256_hex). */
    private static final String INBOUND_SECRET = "walk-inbound-secret";

    /**
     * Money in: the simulator reports a deposit, an operator records one (and its replay) and reverses
     * it, a provider's reference is routed to the wallet and the provider's signed webhook credits it,
     * and a trusted upstream system's signed instruction creates a payout.
     */
    private void deposits(String base, String ledger, String simulator) {
        Response simulated = admin.post(
                "/v1/connectors/" + simulator + "/simulate/deposit",
                "{\"ledger\": \"" + ledger + "\", \"deposit_id\": \"dep_sim\", \"account\": \"wallet\","
                        + " \"amount\": 700, \"asset\": \"USD\"}");
        assertThat(simulated.status()).as(simulated.toString()).isEqualTo(202);
        assertThat(simulated.json().path("received").booleanValue()).isTrue();
        assertThat(simulated.json().path("duplicate").booleanValue()).isFalse();
        JsonNode fromSimulator = null;
        for (int i = 0; i < 300; i++) {
            Response found = admin.get(base + "/deposits/dep_sim");
            if (found.status() == 200) {
                fromSimulator = found.json();
                break;
            }
            sleep(50);
        }
        assertThat(fromSimulator).as("the simulator's deposit, applied").isNotNull();
        assertThat(fromSimulator.path("status").stringValue()).isEqualTo("succeeded");
        assertThat(fromSimulator.path("provider_event_ids")).hasSize(1);

        String wire = "{\"id\": \"dep_wire\", \"account\": \"wallet\", \"amount\": 1200, \"asset\": \"USD\","
                + " \"connector\": \"" + simulator + "\", \"provider_reference\": \"WIRE-1\", \"metadata\":"
                + " {\"source\": \"bank statement\"}}";
        Response recorded = admin.post(base + "/deposits", wire);
        assertThat(recorded.status()).as(recorded.toString()).isEqualTo(201);
        assertThat(recorded.json().path("status").stringValue()).isEqualTo("succeeded");
        assertThat(recorded.json().path("ledger_transactions").get(0).stringValue())
                .isEqualTo("deposit:dep_wire");
        Response replayed = admin.post(base + "/deposits", wire);
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(admin.post(base + "/deposits", wire.replace("1200", "1201")).code())
                .isEqualTo("deposit_exists_with_different_fields");
        assertThat(field(
                        admin.get(base + "/deposits?account=wallet&limit=10")
                                .json()
                                .path("data"),
                        "id"))
                .containsExactly("dep_wire", "dep_sim");
        JsonNode reversed = admin.post(base + "/deposits/dep_wire/reverse", "{\"reason\": \"chargeback\"}")
                .json();
        assertThat(reversed.path("status").stringValue()).isEqualTo("reversed");
        assertThat(reversed.path("ledger_transactions").get(1).stringValue()).isEqualTo("deposit:dep_wire:reverse");

        // A provider's webhook, verified by its connector's scheme and routed by the reference it carries.
        String bank = TestService.uniqueName("walk-bank");
        assertThat(admin.post(
                                "/v1/connectors",
                                "{\"id\": \"" + bank + "\", \"kind\": \"inbound\", \"assets\": {\"USD\":"
                                        + " \"providers:walk-bank:USD\"}, \"inbound\": {\"scheme\": \"hmac_sha256_hex\","
                                        + " \"secret\": \"" + INBOUND_SECRET + "\", \"kind\": \"events\"}}")
                        .status())
                .isEqualTo(201);
        Response routed = admin.post(
                base + "/deposit-routes",
                "{\"connector\": \"" + bank + "\", \"reference\": \"VA-walk\", \"account\": \"wallet\"}");
        assertThat(routed.status()).as(routed.toString()).isEqualTo(201);
        assertThat(routed.json().path("ledger").stringValue()).isEqualTo(ledger);
        String event = "{\"id\": \"evt-" + bank + "\", \"type\": \"deposit.succeeded\", \"data\": {\"id\":"
                + " \"bank-dep-1\", \"amount\": 900, \"asset\": \"USD\", \"reference\": \"VA-walk\", \"metadata\": {}}}";
        Response received =
                admin.as(null).send("POST", "/v1/inbound/" + bank, event, Map.of("X-Signature", sign(event)));
        assertThat(received.status()).as(received.toString()).isEqualTo(200);
        assertThat(received.json().path("provider_event_id").stringValue()).isEqualTo("evt-" + bank);
        assertThat(received.json().path("duplicate").booleanValue()).isFalse();
        List<String> connectors = List.of();
        for (int i = 0; i < 300 && !connectors.contains(bank); i++) {
            sleep(50);
            connectors = field(admin.get(base + "/deposits").json().path("data"), "connector");
        }
        assertThat(connectors).as("the provider's deposit, applied").contains(bank);

        // A signed instruction from a trusted system: a payout, created by the connector's principal.
        String bot = TestService.uniqueName("walk-bot");
        assertThat(admin.post(
                                "/v1/connectors",
                                "{\"id\": \"" + bot + "\", \"kind\": \"inbound\", \"assets\": {}, \"inbound\":"
                                        + " {\"scheme\": \"hmac_sha256_hex\", \"secret\": \"" + INBOUND_SECRET + "\","
                                        + " \"kind\": \"instructions\", \"default_ledger\": \"" + ledger + "\"}}")
                        .status())
                .isEqualTo(201);
        String instruction = payoutBody("po_signal", simulator, 400, "");
        Response instructed = admin.as(null)
                .send("POST", "/v1/inbound/" + bot, instruction, Map.of("X-Signature", sign(instruction)));
        assertThat(instructed.status()).as(instructed.toString()).isEqualTo(201);
        assertThat(instructed.json().path("created_by").stringValue()).isEqualTo("connector:" + bot);
        assertThat(admin.get(base + "/payouts/po_signal").json().path("source").stringValue())
                .isEqualTo("wallet");
    }

    private static String sign(String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(
                    new javax.crypto.spec.SecretKeySpec(INBOUND_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String payoutBody(String id, String connector, long amount, String more) {
        return """
                {"id": "%s", "source": "wallet", "amount": %d, "asset": "USD", "connector": "%s",
                 "destination": {"type": "wallet_address", "address": "0xabc", "name": "Jane Roe"},
                 "metadata": {"order": "W-9"}%s}""".formatted(id, amount, connector, more);
    }

    /** Screening: a list, its aliases from alt.csv, a check, and a case decided by a compliance officer. */
    private void screening() {
        TestObjects.install(service);
        String list = TestService.uniqueName("walk-sdn");
        String surname = "Walkthroughov"
                + list.replaceAll("[^0-9]", "")
                        .chars()
                        .mapToObj(c -> String.valueOf((char) ('a' + c - '0')))
                        .reduce("", String::concat);
        Response loaded = admin.send(
                "PUT",
                "/v1/screening/lists/" + list,
                "501,\"" + surname.toUpperCase(Locale.ROOT)
                        + ", Pavel\",\"individual\",\"RUSSIA\",-0- ,-0- ,"
                        + "-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u001a",
                Map.of("Content-Type", "text/csv"));
        assertThat(loaded.status()).as(loaded.toString()).isEqualTo(200);
        Response aliased = admin.send(
                "PUT",
                "/v1/screening/lists/" + list + "/aliases",
                "501,1,\"aka\",\"Pasha Q\",-0- \r\n",
                Map.of("Content-Type", "text/csv"));
        assertThat(aliased.json().path("version").longValue()).isEqualTo(2);
        assertThat(admin.get("/v1/screening/lists").status()).isEqualTo(200);
        JsonNode matches = admin.post("/v1/screening/check", "{\"name\": \"Pavel " + surname + "\"}")
                .json()
                .path("matches");
        assertThat(matches.get(0).path("entry").path("id").stringValue()).isEqualTo("501");
        String caseId = TestObjects.create(
                        service,
                        TestObjects.TYPE,
                        TestService.uniqueName("walk-obj"),
                        "walk-maker",
                        new Subject("Pavel " + surname, null, null))
                .getFirst();
        assertThat(admin.get("/v1/screening/cases?status=open").status()).isEqualTo(200);
        assertThat(admin.get("/v1/screening/cases/" + caseId)
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("open");
        Response officer = admin.post(
                "/v1/api-keys",
                "{\"name\": \"walk officer\", \"role\": \"reader\", \"principal\": \"walk-officer\","
                        + " \"flags\": [\"compliance\"]}");
        Response decided = admin.as(officer.json().path("secret").stringValue())
                .post(
                        "/v1/screening/cases/" + caseId + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"not him\"}");
        assertThat(decided.json().path("status").stringValue()).isEqualTo("cleared");
    }

    /** Commissions: a referral, a cycle refused, a plan, its shares paid from the fees, and a replay. */
    private void commissions(String base) {
        assertThat(admin.put(base + "/parties/alice", "{\"referrer\": null}").status())
                .isEqualTo(201);
        Response bob = admin.put(base + "/parties/bob", "{\"referrer\": \"alice\"}");
        assertThat(bob.status()).isEqualTo(201);
        assertThat(admin.get(base + "/parties/bob").json()).isEqualTo(bob.json());
        assertThat(admin.put(base + "/parties/alice", "{\"referrer\": \"bob\"}").code())
                .isEqualTo("referral_cycle");
        String plan = """
                {"asset": "USD", "levels_bps": [1000, 500], "source": "platform:fees",
                 "payee_account": "affiliates:{party}:commissions"}""";
        Response created = admin.put(base + "/commission-plans/affiliates", plan);
        assertThat(created.status()).isEqualTo(201);
        assertThat(admin.get(base + "/commission-plans/affiliates").json()).isEqualTo(created.json());
        String apply = "{\"id\": \"commission-1\", \"party\": \"bob\", \"amount\": 1999}";
        Response paid = admin.post(base + "/commission-plans/affiliates/apply", apply);
        assertThat(paid.status()).as(paid.toString()).isEqualTo(201);
        // 10% of 19.99 is 1.999: alice is paid 1.99, and bob's referrer is the only level there is.
        JsonNode posting = paid.json().path("postings").get(0);
        assertThat(posting.path("to").stringValue()).isEqualTo("affiliates:alice:commissions");
        assertThat(posting.path("amount").longValue()).isEqualTo(199);
        Response replayed = admin.post(base + "/commission-plans/affiliates/apply", apply);
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.json()).isEqualTo(paid.json());
        assertThat(admin.get(base + "/accounts/affiliates:alice:commissions")
                        .json()
                        .path("balances")
                        .path("balance")
                        .longValue())
                .isEqualTo(199);
    }

    /** Custody: a wallet made, listed and read; the keys rotated (the shared service's wallets move too). */
    private void custody() {
        String id = TestService.uniqueName("walk-wallet");
        Response created = admin.post("/v1/custody/wallets", "{\"id\": \"" + id + "\", \"chain\": \"evm:31337\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(admin.get("/v1/custody/wallets?limit=5").status()).isEqualTo(200);
        assertThat(admin.get("/v1/custody/wallets/" + id).json().path("address").stringValue())
                .isEqualTo(created.json().path("address").stringValue());
        custodyChain();
        Response rotated = admin.post("/v1/custody/keys/rotate", "{}");
        assertThat(rotated.status()).as(rotated.toString()).isIn(202, 409);
        Await.until(
                "the rotation finished",
                Duration.ofSeconds(30),
                () -> admin.get("/v1/custody/keys")
                        .json()
                        .path("rotation")
                        .path("state")
                        .stringValue()
                        .equals("finished"));
    }

    /**
     * Custody's chain side on a chain whose node is not there (ChainTransactionsTest sends to a real
     * one): an evm_rpc connector, a transaction accepted queued, listed, read, released (a no-op: it
     * was never held), and a balance monitor.
     */
    private void custodyChain() {
        String connector = TestService.uniqueName("walk-evm");
        Response node = admin.post(
                "/v1/connectors",
                "{\"id\": \"" + connector + "\", \"kind\": \"evm_rpc\", \"config\": {\"urls\":"
                        + " [\"http://127.0.0.1:1\"], \"chain_id\": 424242, \"confirmations\": 2}}");
        assertThat(node.status()).as(node.toString()).isEqualTo(201);
        String wallet = TestService.uniqueName("walk-relayer");
        assertThat(admin.post("/v1/custody/wallets", "{\"id\": \"" + wallet + "\", \"chain\": \"evm:424242\"}")
                        .status())
                .isEqualTo(201);
        String transactions = "/v1/custody/wallets/" + wallet + "/transactions";
        Response sent = admin.post(
                transactions,
                "{\"id\": \"walk-ctx-1\", \"to\": \"0x000000000000000000000000000000000000dEaD\","
                        + " \"value_wei\": \"1000000000000000\", \"data\": \"0x\", \"ledger_posting\": null}");
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(sent.json().path("status").stringValue()).isEqualTo("queued");
        assertThat(admin.get(transactions).json().path("data")).hasSize(1);
        assertThat(admin.get(transactions + "/walk-ctx-1").json().path("attempts"))
                .isEmpty();
        // Never held: releasing answers it as it is.
        assertThat(admin.post(transactions + "/walk-ctx-1/release", "{}")
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("queued");
        Response monitor = admin.put(
                "/v1/custody/wallets/" + wallet + "/monitor",
                "{\"below_wei\": \"200000000000000000\", \"severity\": \"warning\"}");
        assertThat(monitor.status()).as(monitor.toString()).isEqualTo(200);
        assertThat(admin.get("/v1/custody/wallets/" + wallet)
                        .json()
                        .path("monitor")
                        .path("below_wei")
                        .stringValue())
                .isEqualTo("200000000000000000");
    }

    /** Limits: a daily limit on user wallets, a payment it refuses, its usage, replaced, listed, deleted. */
    private void limits(String base) {
        assertThat(openAccount(base, "users:77:wallet", "credit", "0").status()).isEqualTo(201);
        assertThat(transfer(base, "limit-fund", "world", "users:77:wallet", 5_000)
                        .status())
                .isEqualTo(201);
        String daily = """
                {"accounts": "users:*:wallet", "asset": "USD", "direction": "debit",
                 "max_amount_per_transaction": 1000, "window_seconds": 86400,
                 "max_amount_per_window": 1500, "max_count_per_window": 20}""";
        Response created = admin.put(base + "/limits/daily", daily);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(admin.put(base + "/limits/daily", daily).header("Idempotent-Replayed"))
                .isEqualTo("true");
        assertThat(admin.get(base + "/limits/daily").json()).isEqualTo(created.json());
        assertThat(transfer(base, "limit-1", "users:77:wallet", "world", 900).status())
                .isEqualTo(201);
        Response refused = transfer(base, "limit-2", "users:77:wallet", "world", 700);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("limit_exceeded");
        assertThat(refused.json().path("limit_id").stringValue()).isEqualTo("daily");
        assertThat(refused.json().path("remaining").longValue()).isEqualTo(600);
        JsonNode usage =
                admin.get(base + "/limits/daily/usage?account=users:77:wallet").json();
        assertThat(usage.path("used_amount").longValue()).isEqualTo(900);
        assertThat(usage.path("remaining_count").longValue()).isEqualTo(19);
        Response replaced = admin.put(base + "/limits/daily", daily.replace("1500", "2000"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().path("version").longValue()).isEqualTo(2);
        assertThat(transfer(base, "limit-2", "users:77:wallet", "world", 700).status())
                .isEqualTo(201);
        assertThat(field(admin.get(base + "/limits").json().path("data"), "id")).contains("daily");
        assertThat(admin.delete(base + "/limits/daily").status()).isEqualTo(200);
        assertThat(admin.get(base + "/limits/daily").code()).isEqualTo("limit_not_found");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One top-level field of each item. */
    private static List<String> field(JsonNode items, String name) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(item.path(name).stringValue(null)));
        return values;
    }

    /** A USDC float topped up from USD through the simulator, a one-off conversion, a monitor. */
    private void treasury(String base) {
        assertThat(admin.put("/v1/assets/USDC", "{\"scale\": 2}").status()).isIn(200, 201);
        for (String account : List.of(
                "{\"id\": \"treasury:usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                "{\"id\": \"treasury:usdc\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}")) {
            assertThat(admin.post(base + "/accounts", account).status()).isEqualTo(201);
        }
        assertThat(transfer(base, "treasury-fund", "treasury:usd", "world", 50_000)
                        .status())
                .isEqualTo(201);
        String fx = TestService.uniqueName("walk-fx").toLowerCase(Locale.ROOT);
        assertThat(admin.post("/v1/connectors", """
                        {"id": "%s", "kind": "simulator", "assets": {"USD": "providers:%s:USD",
                         "USDC": "providers:%s:USDC"}, "config": {"rates": {"USD/USDC": "1.0000", "USDC/USD": "1.0000"}, "fee_bps": 10}}""".formatted(fx, fx, fx)).status())
                .isEqualTo(201);
        Response buffer = admin.put(base + "/treasury/buffers/treasury:usdc", """
                {"min": 5000, "target": 10000, "max": 20000, "critical": null, "top_up_from": "treasury:usd",
                 "sweep_to": "treasury:usd", "providers": ["%s"], "conversion_timeout_seconds": 600}""".formatted(fx));
        assertThat(buffer.status()).as(buffer.toString()).isEqualTo(201);
        Response cycle = admin.post(base + "/treasury/cycles", null);
        assertThat(cycle.status()).as(cycle.toString()).isEqualTo(201);
        JsonNode decision = cycle.json().path("decisions").get(0);
        assertThat(decision.path("action").stringValue()).isEqualTo("conversion");
        String conversion = decision.path("conversion").stringValue();
        assertThat(admin.get(base + "/treasury/cycles/"
                                + cycle.json().path("id").stringValue())
                        .json()
                        .path("decisions"))
                .isEqualTo(cycle.json().path("decisions"));
        Await.until(
                "the top-up completes",
                Duration.ofSeconds(30),
                () -> "completed"
                        .equals(admin.get(base + "/treasury/conversions/" + conversion)
                                .json()
                                .path("status")
                                .stringValue()));
        assertThat(admin.get(base + "/treasury/buffers")
                        .json()
                        .path("data")
                        .get(0)
                        .path("balance")
                        .longValue())
                .as("sized at the quote (1.0000 less 10 bps): 10,011 USD for the 10,000 USDC short")
                .isEqualTo(10_000);
        assertThat(field(
                        admin.get(base + "/treasury/conversions?status=completed")
                                .json()
                                .path("data"),
                        "id"))
                .contains(conversion);
        Response oneOff = admin.post(base + "/treasury/conversions", """
                {"id": "fx-1", "from_account": "treasury:usd", "to_account": "treasury:usdc", "from_amount": 100,
                 "provider": "%s"}""".formatted(fx));
        assertThat(oneOff.status()).as(oneOff.toString()).isEqualTo(201);
        Response resolve = admin.post(
                base + "/treasury/conversions/" + conversion + "/resolve",
                "{\"outcome\": \"failed\", \"reason\": \"only from needs_review\"}");
        assertThat(resolve.code()).isEqualTo("invalid_state_transition");
        Response monitor = admin.put(
                base + "/balance-monitors/float-low",
                "{\"account\": \"treasury:usdc\", \"below\": 5000, \"severity\": \"warning\"}");
        assertThat(monitor.status()).as(monitor.toString()).isEqualTo(201);
        assertThat(field(admin.get(base + "/balance-monitors").json().path("data"), "id"))
                .containsExactly("float-low");
    }

    private Response openAccount(String base, String id, String normal, String minBalance) {
        return admin.post(base + "/accounts", """
                {"id": "%s", "asset": "USD", "normal_balance": "%s", "min_balance": %s, "max_balance": null,
                 "metadata": {"owner": "%s"}}""".formatted(id, normal, minBalance, id));
    }

    private Response transfer(String base, String id, String from, String to, long amount) {
        return admin.post(base + "/transactions", transferBody(id, from, to, amount));
    }

    private static String transferBody(String id, String from, String to, long amount) {
        return """
                {"id": "%s", "postings": [{"from": "%s", "to": "%s", "amount": %d, "asset": "USD"}]}""".formatted(id, from, to, amount);
    }

    private static String pendingBody(String id, long amount) {
        return """
                {"id": "%s", "postings": [{"from": "users:42:wallet", "to": "merchants:7:revenue", "amount": %d,
                 "asset": "USD"}], "pending": true, "timeout_seconds": 3600}""".formatted(id, amount);
    }

    /** The key with this id as {@code GET /v1/api-keys} shows it. */
    private JsonNode keyListed(String id) {
        String path = "/v1/api-keys?limit=1000";
        while (true) {
            JsonNode page = admin.get(path).json();
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
}
