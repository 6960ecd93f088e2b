package dev.pacioli.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.events.webhooks.WebhookReceiver.Answer;
import dev.pacioli.events.webhooks.WebhookReceiver.Received;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.connectors.ConnectorOptions;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks end to end: the real service (with a retry schedule of fractions of a second) delivering
 * to a real receiver on loopback that verifies every signature, fails the first attempts, answers 500
 * or 410, or hangs past the read timeout, per endpoint.
 *
 * <p>Each database gets a schema of its own, so the dispatcher here is the only one that sees these
 * endpoints (the shared test services run dispatchers with production timings).
 */
@ParameterizedClass
@MethodSource("databases")
class WebhookDeliveryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT_MAX = Duration.ofSeconds(40);
    static final WebhookSettings FAST = WebhookSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .withRetrySchedule(
                    List.of(
                            Duration.ofMillis(300),
                            Duration.ofMillis(600),
                            Duration.ofMillis(900),
                            Duration.ofMillis(1200),
                            Duration.ofMillis(1500)),
                    0.1)
            .withRetryAfterMax(Duration.ofSeconds(2))
            .withDisableAfterFailing(Duration.ofSeconds(2))
            .withSecretOverlap(Duration.ofHours(1))
            .withConcurrency(8, Duration.ofMillis(50));

    /** The connectors' breaker on the same short scale: open 300 ms, not 30 s. */
    static final ConnectorOptions FAST_CONNECTORS =
            ConnectorOptions.DEFAULTS.withBreaker(new ConnectorSettings.Breaker(5, Duration.ofMillis(300), 2));

    private static List<Target> databases;

    /** A test server, in a schema of this class's own. */
    record Target(String name, Database database) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final Target target;
    private Service service;
    private HttpTester admin;
    private WebhookReceiver receiver;

    WebhookDeliveryTest(Target target) {
        this.target = target;
    }

    /** Each test server, in a schema of its own. */
    static synchronized List<Target> databases() {
        if (databases == null) {
            List<Target> all = new ArrayList<>();
            for (TestDatabases.TestDatabase database : TestDatabases.all()) {
                all.add(new Target(database.name(), ownSchema(database.database())));
            }
            databases = List.copyOf(all);
        }
        return databases;
    }

    static Database ownSchema(Database shared) {
        return TestDatabases.ownSchema(shared, "pacioli_webhooks", 8);
    }

    @BeforeEach
    void start() throws Exception {
        service = Service.start(
                target.database(),
                new Service.Options(
                                Path.of("target", "test-data"),
                                TestService.ADMIN_KEY,
                                new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                                EngineConfig.DEFAULTS,
                                FAST,
                                null)
                        .withConnectors(FAST_CONNECTORS));
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
        service.close();
    }

    @Test
    void everyEventArrivesSignedAfterRetriesAnd410AndFailureDisable() throws Exception {
        String ledger = TestService.uniqueName("hooks");
        setUpLedger(ledger);
        // flaky: 500, then 503 with Retry-After: 1, then 200. hang: first attempt past the read timeout.
        String flaky = endpoint(
                "/flaky",
                receiver.route("/flaky", attempt -> switch (attempt) {
                    case 1 -> Answer.of(500);
                    case 2 -> new Answer(503, "1");
                    default -> Answer.of(200);
                }),
                "[\"transaction.*\"]",
                ledger);
        String hang = endpoint(
                "/hang",
                receiver.route("/hang", attempt -> {
                    if (attempt == 1) {
                        Thread.sleep(2_500);
                    }
                    return Answer.of(204);
                }),
                "[\"account.*\"]",
                ledger);
        Map<String, String> secrets = new HashMap<>();
        String gone = endpoint("/gone", receiver.route("/gone", attempt -> Answer.of(410)), "[\"*\"]", ledger, secrets);
        String down = endpoint(
                "/down", receiver.route("/down", attempt -> Answer.of(500)), "[\"transaction.created\"]", ledger);

        String base = "/v1/ledgers/" + ledger;
        account(base, "world", "debit");
        account(base, "users:1:wallet", "credit");
        transfer(base, "t-1", 5_000, false);
        transfer(base, "hold-1", 700, true);
        assertThat(admin.post(base + "/transactions/hold-1/post", "{}").status())
                .isEqualTo(200);
        transfer(base, "t-2", 300, false);
        Map<String, JsonNode> events = events(base);
        Set<String> transactionEvents = idsOf(events, "transaction.");
        Set<String> accountEvents = idsOf(events, "account.");
        assertThat(transactionEvents).hasSize(4);
        assertThat(accountEvents).hasSize(2);

        await(
                "flaky and hang receive every event, gone and down are disabled",
                () -> receiver.acknowledged("/flaky").equals(transactionEvents)
                        && receiver.acknowledged("/hang").equals(accountEvents)
                        && !webhook(gone).path("enabled").booleanValue()
                        && !webhook(down).path("enabled").booleanValue());

        // Every request verified, and carried the event as the pull API shows it, under its id.
        assertThat(receiver.matching(request -> !request.verified())).isEmpty();
        for (Received request : receiver.received) {
            assertThat(JSON.readTree(request.body())).isEqualTo(events.get(request.id()));
        }
        // flaky: three attempts per event; the third waited for Retry-After (1 s), not the schedule's 0.6 s.
        for (String id : transactionEvents) {
            List<Received> attempts = receiver.matching(r -> r.path().equals("/flaky") && r.id().equals(id));
            assertThat(attempts).extracting(Received::answered).containsExactly(500, 503, 200);
            assertThat(Duration.ofNanos(
                            attempts.get(2).atNanos() - attempts.get(1).atNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
        // The receiver answered before the attempt's outcome commits: wait for the rows, not the receiver.
        await("the flaky endpoint's deliveries are recorded", () -> {
            JsonNode rows =
                    admin.get("/v1/webhooks/" + flaky + "/deliveries").json().path("data");
            return rows.size() == 4
                    && rows.findValuesAsString("status").stream().allMatch("succeeded"::equals);
        });
        JsonNode flakyDeliveries =
                admin.get("/v1/webhooks/" + flaky + "/deliveries").json().path("data");
        assertThat(flakyDeliveries).hasSize(4);
        for (JsonNode delivery : flakyDeliveries) {
            assertThat(delivery.path("status").stringValue()).isEqualTo("succeeded");
            assertThat(delivery.path("attempts").intValue()).isEqualTo(3);
            assertThat(delivery.path("last_status_code").intValue()).isEqualTo(200);
            assertThat(delivery.path("ledger").stringValue()).isEqualTo(ledger);
        }
        // hang: the first attempt timed out, the second succeeded.
        for (JsonNode delivery :
                admin.get("/v1/webhooks/" + hang + "/deliveries").json().path("data")) {
            assertThat(delivery.path("status").stringValue()).isEqualTo("succeeded");
            assertThat(delivery.path("attempts").intValue()).isEqualTo(2);
        }
        // gone: disabled by its first 410; its deliveries wait for it to be enabled again.
        JsonNode goneNow = webhook(gone);
        assertThat(goneNow.path("disabled_reason").stringValue()).contains("410");
        assertThat(receiver.at("/gone")).isNotEmpty().allMatch(request -> request.answered() == 410);
        JsonNode goneDeliveries = admin.get("/v1/webhooks/" + gone + "/deliveries?status=pending")
                .json()
                .path("data");
        assertThat(goneDeliveries).isNotEmpty();
        assertThat(goneDeliveries.findValues("last_status_code"))
                .extracting(code -> code.isNull() ? 0 : code.intValue())
                .contains(410);
        // Moved and enabled again: what waited, and what was committed meanwhile, arrives.
        String back = receiver.route("/back", attempt -> Answer.of(200));
        receiver.secrets("/back", List.of(secrets.get("/gone")));
        JsonNode enabled = admin.send(
                        "PATCH", "/v1/webhooks/" + gone, "{\"url\": \"" + back + "\", \"enabled\": true}", Map.of())
                .json();
        assertThat(enabled.path("enabled").booleanValue()).isTrue();
        assertThat(enabled.path("disabled_reason").isNull()).isTrue();
        await(
                "the re-enabled endpoint receives every event",
                () -> receiver.acknowledged("/back").equals(events.keySet()));
        // down: every attempt failed for longer than the period, so it was disabled.
        assertThat(webhook(down).path("disabled_reason").stringValue()).contains("every delivery attempt failed");
        // Both disablings are the system's, each audited with the transaction that disabled.
        for (String disabled : List.of(gone, down)) {
            JsonNode records = admin.get("/v1/audit-log?action=webhook_endpoint.disabled&object_id=" + disabled)
                    .json()
                    .path("data");
            assertThat(records)
                    .as("the audit records of %s's disabling", disabled)
                    .hasSize(1);
            assertThat(records.get(0).path("principal").stringValue()).isEqualTo("system");
            assertThat(records.get(0).path("before").path("enabled").booleanValue())
                    .isTrue();
            assertThat(records.get(0).path("after").path("enabled").booleanValue())
                    .isFalse();
        }

        String metrics = admin.as(null).get("/metrics").text();
        assertThat(metrics).contains("pacioli_webhook_deliveries_total{outcome=\"succeeded\"}");
        assertThat(metrics).contains("pacioli_webhook_deliveries_total{outcome=\"retrying\"}");
        assertThat(metrics).contains("pacioli_webhook_disablements_total{reason=\"gone\"}");
        assertThat(metrics).contains("pacioli_webhook_disablements_total{reason=\"failing\"}");
        assertThat(metrics).contains("pacioli_webhook_backlog ");
        assertThat(metrics).contains("pacioli_webhook_endpoints_disabled ");
        await(
                "the backlog gauge shows the waiting deliveries of the disabled endpoints",
                () -> admin.as(null)
                        .get("/metrics")
                        .text()
                        .contains("pacioli_webhook_oldest_pending_seconds{webhook=\"" + gone + "\"}"));
    }

    @Test
    void rotationSignsWithBothSecretsAndRetryRedelivers() throws Exception {
        String ledger = TestService.uniqueName("rotate");
        setUpLedger(ledger);
        String url = receiver.route("/ok", attempt -> Answer.of(200));
        Map<String, String> secrets = new HashMap<>();
        String id = endpoint("/ok", url, "[\"*\"]", ledger, secrets);
        String base = "/v1/ledgers/" + ledger;
        account(base, "world", "debit");
        await("the first event arrives", () -> receiver.acknowledged("/ok").size() == 1);
        assertThat(receiver.at("/ok").getFirst().signature().split(" ")).hasSize(1);

        JsonNode rotated =
                admin.post("/v1/webhooks/" + id + "/rotate-secret", "{}").json();
        String next = rotated.path("secret").stringValue();
        assertThat(next).startsWith("whsec_").isNotEqualTo(secrets.get("/ok"));
        assertThat(rotated.path("previous_secret_expires_at").isString()).isTrue();
        receiver.secrets("/ok", List.of(next, secrets.get("/ok")));
        account(base, "users:2:wallet", "credit");
        await("the second event arrives", () -> receiver.acknowledged("/ok").size() == 2);
        Received second = receiver.at("/ok").getLast();
        assertThat(second.signature().split(" ")).hasSize(2);
        for (String secret : List.of(next, secrets.get("/ok"))) {
            new WebhookVerifier(List.of(secret), WebhookVerifier.TOLERANCE_DEFAULT, Clock.systemUTC())
                    .verify(second.id(), second.timestamp(), second.signature(), second.body());
        }

        // A manual retry sends an acknowledged delivery again, under the same webhook-id. The receiver
        // has answered both; the dispatcher records each success after the answer, so wait for that.
        await(
                "both deliveries are recorded as succeeded",
                () -> admin.get("/v1/webhooks/" + id + "/deliveries?status=succeeded")
                                .json()
                                .path("data")
                                .size()
                        == 2);
        JsonNode first = admin.get("/v1/webhooks/" + id + "/deliveries?limit=1&status=succeeded")
                .json();
        JsonNode newest = first.path("data").get(0);
        assertThat(admin.get("/v1/webhooks/" + id + "/deliveries?cursor="
                                + first.path("next_cursor").stringValue())
                        .json()
                        .path("data"))
                .hasSize(1);
        JsonNode retried = admin.post(
                        "/v1/webhooks/" + id + "/deliveries/"
                                + newest.path("id").stringValue() + "/retry",
                        "{}")
                .json();
        assertThat(retried.path("status").stringValue()).isEqualTo("pending");
        String eventId = newest.path("event_id").stringValue();
        await(
                "the retried delivery arrives again",
                () -> receiver.matching(r -> r.id().equals(eventId)).size() == 2);
        await(
                "and is recorded",
                () -> admin.get("/v1/webhooks/" + id + "/deliveries?limit=1")
                                .json()
                                .path("data")
                                .get(0)
                                .path("attempts")
                                .intValue()
                        == 2);
        assertThat(receiver.matching(request -> !request.verified())).isEmpty();
        assertThat(admin.post("/v1/webhooks/" + id + "/deliveries/dlv_999999999/retry", "{}")
                        .code())
                .isEqualTo("delivery_not_found");
    }

    @Test
    void endpointsAreValidatedScopedAndDeleted() {
        String ledger = TestService.uniqueName("scope");
        setUpLedger(ledger);
        Response invalid = admin.post(
                "/v1/webhooks",
                "{\"url\": \"http://hooks.example.com/x\", \"events\": [\"nope\", \"*\"], \"colour\": 1}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("url", "events[0]", "colour");
        Response everyLedger =
                admin.post("/v1/webhooks", "{\"url\": \"https://webhooks.invalid/all\", \"events\": [\"*\"]}");
        assertThat(everyLedger.status()).isEqualTo(201);
        assertThat(everyLedger.json().path("ledgers").isNull()).isTrue();
        String all = everyLedger.json().path("id").stringValue();

        String scopedSecret = admin.post(
                        "/v1/api-keys", "{\"name\": \"hooks\", \"role\": \"admin\", \"ledgers\": [\"" + ledger + "\"]}")
                .json()
                .path("secret")
                .stringValue();
        HttpTester scoped = admin.as(scopedSecret);
        assertThat(scoped.get("/v1/webhooks/" + all).code()).isEqualTo("webhook_not_found");
        assertThat(scoped.post("/v1/webhooks", "{\"url\": \"https://webhooks.invalid/x\", \"events\": [\"*\"]}")
                        .code())
                .isEqualTo("forbidden");
        Response mine = scoped.post(
                "/v1/webhooks",
                "{\"url\": \"https://webhooks.invalid/mine\", \"events\": [\"transaction.*\"], \"ledgers\": [\""
                        + ledger + "\"]}");
        assertThat(mine.status()).isEqualTo(201);
        String mineId = mine.json().path("id").stringValue();
        assertThat(scoped.get("/v1/webhooks?limit=1000").json().path("data").findValuesAsString("id"))
                .contains(mineId)
                .doesNotContain(all);
        assertThat(admin.get("/v1/webhooks?limit=1000").json().path("data").findValuesAsString("id"))
                .contains(mineId, all);
        assertThat(scoped.delete("/v1/webhooks/" + all).code()).isEqualTo("webhook_not_found");
        assertThat(scoped.delete("/v1/webhooks/" + mineId).json().path("id").stringValue())
                .isEqualTo(mineId);
        assertThat(admin.get("/v1/webhooks/" + mineId).code()).isEqualTo("webhook_not_found");
        assertThat(admin.delete("/v1/webhooks/" + all).status()).isEqualTo(200);
    }

    @Test
    void theServiceStreamReachesTheEndpointsThatAskForItAndNoOthers() throws Exception {
        String ledger = TestService.uniqueName("stream");
        setUpLedger(ledger);
        String service = endpoint(
                "/service", receiver.route("/service", attempt -> Answer.of(200)), "[\"api_key.*\"]", "_service");
        String ledgerOnly =
                endpoint("/ledger-only", receiver.route("/ledger-only", attempt -> Answer.of(200)), "[\"*\"]", ledger);
        long head = lastServiceSequence();

        Response key = admin.post("/v1/api-keys", "{\"name\": \"streamed\", \"role\": \"reader\"}");
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        account("/v1/ledgers/" + ledger, "world", "debit");
        List<JsonNode> serviceEvents = new ArrayList<>();
        admin.get("/v1/events?after=" + head).json().path("data").forEach(serviceEvents::add);
        assertThat(serviceEvents)
                .extracting(event -> event.path("type").stringValue())
                .containsExactly("api_key.created");
        JsonNode created = serviceEvents.getFirst();
        String createdId = created.path("id").stringValue();

        await(
                "the service event reaches the endpoint of _service, the account event the ledger's",
                () -> receiver.acknowledged("/service").equals(Set.of(createdId))
                        && receiver.acknowledged("/ledger-only").size() == 1);
        Received delivered = receiver.at("/service").getFirst();
        assertThat(delivered.verified()).isTrue();
        assertThat(JSON.readTree(delivered.body())).isEqualTo(created);
        assertThat(JSON.readTree(delivered.body()).path("ledger").isNull()).isTrue();
        assertThat(receiver.at("/ledger-only"))
                .extracting(Received::id)
                .allMatch(id -> id.startsWith("evt_" + ledger + "_"));
        await(
                "the service delivery is recorded",
                () -> "succeeded"
                        .equals(admin.get("/v1/webhooks/" + service + "/deliveries")
                                .json()
                                .path("data")
                                .path(0)
                                .path("status")
                                .stringValue()));
        JsonNode delivery =
                admin.get("/v1/webhooks/" + service + "/deliveries").json().path("data");
        assertThat(delivery).hasSize(1);
        assertThat(delivery.get(0).path("ledger").isNull()).isTrue();
        assertThat(delivery.get(0).path("event_id").stringValue()).isEqualTo(createdId);
        assertThat(delivery.get(0).path("sequence").longValue())
                .isEqualTo(created.path("sequence").longValue());

        // An event of one of the ledger's objects (a payout's, say) is on the service stream carrying the
        // ledger: the ledger's endpoint receives it, the endpoint of _service alone (api_key.*) does not.
        long ofLedger;
        try (Connection connection = target.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            ofLedger =
                    ServiceEvents.append(connection, "test.of_ledger", ledger, "{}".getBytes(StandardCharsets.UTF_8));
            connection.commit();
        }
        await(
                "the ledger's endpoint receives the event of its ledger's object",
                () -> receiver.acknowledged("/ledger-only").contains("evt__service_" + ofLedger));
        assertThat(receiver.acknowledged("/service")).containsExactly(createdId);

        // Only an unscoped key may subscribe to the service stream; no other name starting with _ exists.
        String scopedSecret = admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"scoped\", \"role\": \"admin\", \"ledgers\": [\"" + ledger + "\"]}")
                .json()
                .path("secret")
                .stringValue();
        assertThat(admin.as(scopedSecret)
                        .post(
                                "/v1/webhooks",
                                "{\"url\": \"https://webhooks.invalid/s\", \"events\": [\"*\"],"
                                        + " \"ledgers\": [\"_service\"]}")
                        .code())
                .isEqualTo("forbidden");
        Response other = admin.post(
                "/v1/webhooks",
                "{\"url\": \"https://webhooks.invalid/o\", \"events\": [\"*\"], \"ledgers\": [\"_other\"]}");
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().path("errors").findValuesAsString("field")).containsExactly("ledgers[0]");
        for (String id : List.of(service, ledgerOnly)) {
            assertThat(admin.delete("/v1/webhooks/" + id).status()).isEqualTo(200);
        }
    }

    private long lastServiceSequence() {
        long last = 0;
        while (true) {
            JsonNode page =
                    admin.get("/v1/events?limit=1000&after=" + last).json().path("data");
            if (page.isEmpty()) {
                return last;
            }
            last = page.get(page.size() - 1).path("sequence").longValue();
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private void setUpLedger(String ledger) {
        assertThat(admin.put("/v1/assets/USD", "{\"scale\": 2}").status()).isIn(200, 201);
        assertThat(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}").status())
                .isEqualTo(201);
    }

    private String endpoint(String path, String url, String events, String ledger) {
        return endpoint(path, url, events, ledger, new HashMap<>());
    }

    private String endpoint(String path, String url, String events, String ledger, Map<String, String> secrets) {
        Response created = admin.post(
                "/v1/webhooks",
                "{\"url\": \"" + url + "\", \"events\": " + events + ", \"ledgers\": [\"" + ledger + "\"]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String secret = created.json().path("secret").stringValue();
        receiver.secrets(path, List.of(secret));
        secrets.put(path, secret);
        assertThat(created.json().path("enabled").booleanValue()).isTrue();
        return created.json().path("id").stringValue();
    }

    private JsonNode webhook(String id) {
        return admin.get("/v1/webhooks/" + id).json();
    }

    private void account(String base, String id, String normal) {
        assertThat(admin.post(
                                base + "/accounts",
                                "{\"id\": \"" + id + "\", \"asset\": \"USD\", \"normal_balance\": \"" + normal + "\"}")
                        .status())
                .isEqualTo(201);
    }

    private void transfer(String base, String id, long amount, boolean pending) {
        Response answer = admin.post(
                base + "/transactions",
                "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"users:1:wallet\", \"amount\": "
                        + amount + ", \"asset\": \"USD\"}], \"pending\": " + pending + "}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    private Map<String, JsonNode> events(String base) {
        Map<String, JsonNode> events = new HashMap<>();
        for (JsonNode event : admin.get(base + "/events?limit=1000").json().path("data")) {
            events.put(event.path("id").stringValue(), event);
        }
        return events;
    }

    private static Set<String> idsOf(Map<String, JsonNode> events, String typePrefix) {
        Set<String> ids = new TreeSet<>();
        events.forEach((id, event) -> {
            if (event.path("type").stringValue().startsWith(typePrefix)) {
                ids.add(id);
            }
        });
        return ids;
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
