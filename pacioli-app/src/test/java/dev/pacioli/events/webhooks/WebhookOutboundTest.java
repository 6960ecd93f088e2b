package dev.pacioli.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.events.webhooks.WebhookReceiver.Answer;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.connectors.ConnectorOptions;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.HostResolver;
import dev.pacioli.platform.connectors.OutboundPolicy;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks through their connectors, on the real service configured as if it listened on a public
 * address (loopback targets refused), with one name allowed ({@code receiver.test}, which the test's
 * resolver points at the loopback receiver) and one that rebinds ({@code rebind.test}: public when the
 * endpoint is made, 127.0.0.1 when a delivery connects). Breaker waits are fractions of a second.
 */
@ParameterizedClass
@MethodSource("databases")
class WebhookOutboundTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(40);
    private static final WebhookSettings SETTINGS = WebhookDeliveryTest.FAST
            .withAllowPlainHttp(true)
            .withDisableAfterFailing(Duration.ofHours(1))
            .withRetrySchedule(Collections.nCopies(20, Duration.ofMillis(200)), 0.1);
    private static List<WebhookDeliveryTest.Target> databases;

    private final WebhookDeliveryTest.Target target;
    private final AtomicInteger rebindLookups = new AtomicInteger();
    private Service service;
    private HttpTester admin;
    private WebhookReceiver receiver;

    WebhookOutboundTest(WebhookDeliveryTest.Target target) {
        this.target = target;
    }

    static synchronized List<WebhookDeliveryTest.Target> databases() {
        if (databases == null) {
            List<WebhookDeliveryTest.Target> all = new ArrayList<>();
            for (TestDatabases.TestDatabase database : TestDatabases.all()) {
                all.add(new WebhookDeliveryTest.Target(
                        database.name(), WebhookDeliveryTest.ownSchema(database.database())));
            }
            databases = List.copyOf(all);
        }
        return databases;
    }

    /** receiver.test is the loopback receiver; rebind.test is public once, then 127.0.0.1; the rest the JDK's. */
    private HostResolver resolver() {
        return host -> switch (host) {
            case "receiver.test" -> List.of(InetAddress.getByName("127.0.0.1"));
            case "rebind.test" ->
                List.of(InetAddress.getByName(rebindLookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1"));
            default -> HostResolver.SYSTEM.resolve(host);
        };
    }

    @BeforeEach
    void start() throws Exception {
        Database database = target.database();
        ConnectorOptions connectors = ConnectorOptions.DEFAULTS
                .refusingLoopback()
                .withAllow(OutboundPolicy.Allow.parse("receiver.test"))
                .withBreaker(new ConnectorSettings.Breaker(5, Duration.ofMillis(500), 2))
                .withResolver(resolver());
        service = Service.start(
                database,
                new Service.Options(
                                Path.of("target", "test-data"),
                                TestService.ADMIN_KEY,
                                new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                                EngineConfig.DEFAULTS,
                                SETTINGS,
                                null)
                        .withConnectors(connectors));
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
        service.close();
    }

    @Test
    void insideAddressesAreRefusedAtCreateAndUpdate() throws UnknownHostException {
        String ledger = TestService.uniqueName("outbound");
        admin.openLedgerWithWorldAndWallet(ledger);
        int port = URI.create(receiver.route("/refused", attempt -> Answer.of(200)))
                .getPort();
        Set<String> before = webhookIds();
        for (String url : List.of(
                "http://127.0.0.1:" + port + "/refused",
                "http://[::1]:" + port + "/refused",
                "http://[::ffff:127.0.0.1]:" + port + "/refused",
                "http://10.0.0.1/refused",
                "http://192.168.0.1/refused",
                "http://100.64.0.1/refused",
                "http://169.254.169.254/latest/meta-data",
                "http://[fd00:ec2::254]/latest",
                "http://0.0.0.0:" + port + "/refused")) {
            Response refused = admin.post("/v1/webhooks", body(url, ledger));
            assertThat(refused.status()).as(url + " -> " + refused).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("outbound_url_refused");
            JsonNode errors = refused.json().path("errors");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).path("field").stringValue()).isEqualTo("url");
            assertThat(errors.get(0).path("code").stringValue()).isEqualTo("outbound_url_refused");
        }
        assertThat(webhookIds()).isEqualTo(before);

        // The allowed name is accepted; moving it to an inside address is refused and changes nothing.
        String allowed = "http://receiver.test:" + port + "/refused";
        Response created = admin.post("/v1/webhooks", body(allowed, ledger));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").stringValue();
        Response moved =
                admin.send("PATCH", "/v1/webhooks/" + id, "{\"url\": \"http://[::1]:" + port + "/x\"}", Map.of());
        assertThat(moved.code()).isEqualTo("outbound_url_refused");
        assertThat(admin.get("/v1/webhooks/" + id).json().path("url").stringValue())
                .isEqualTo(allowed);
        JsonNode connector = admin.get("/v1/connectors/webhook:" + id).json();
        assertThat(connector.path("state").stringValue()).isEqualTo("closed");
        assertThat(admin.delete("/v1/webhooks/" + id).status()).isEqualTo(200);
        assertThat(admin.get("/v1/connectors/webhook:" + id).code()).isEqualTo("connector_not_found");
    }

    @Test
    void aNameThatRebindsIsRefusedAtDelivery() throws Exception {
        String ledger = TestService.uniqueName("rebind");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        int port =
                URI.create(receiver.route("/rebind", attempt -> Answer.of(200))).getPort();
        Response created = admin.post("/v1/webhooks", body("http://rebind.test:" + port + "/rebind", ledger));
        assertThat(created.status()).as("public when made: " + created).isEqualTo(201);
        String id = created.json().path("id").stringValue();
        transfer(base, "rebound-1");
        await("the delivery is refused after resolution", () -> {
            JsonNode deliveries =
                    admin.get("/v1/webhooks/" + id + "/deliveries").json().path("data");
            return !deliveries.isEmpty()
                    && deliveries.get(0).path("attempts").asInt() >= 1
                    && deliveries.get(0).path("last_error").asString("").contains("loopback");
        });
        assertThat(rebindLookups.get()).isGreaterThanOrEqualTo(2);
        assertThat(receiver.at("/rebind")).as("nothing reached the receiver").isEmpty();
        JsonNode connector = admin.get("/v1/connectors/webhook:" + id).json();
        assertThat(connector.path("last_error").stringValue())
                .startsWith("refused: ")
                .doesNotContain("/rebind");
        assertThat(connector.path("state").stringValue()).isEqualTo("closed");
    }

    @Test
    void aDeadReceiverOpensItsBreakerAndEveryEventArrivesOnceItIsBack() throws Exception {
        String ledger = TestService.uniqueName("dead");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        AtomicBoolean healthy = new AtomicBoolean();
        int port = URI.create(receiver.route("/dead", attempt -> Answer.of(healthy.get() ? 200 : 500)))
                .getPort();
        Response created = admin.post("/v1/webhooks", body("http://receiver.test:" + port + "/dead", ledger));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").stringValue();
        receiver.secrets("/dead", List.of(created.json().path("secret").stringValue()));
        for (int i = 1; i <= 4; i++) {
            transfer(base, "dead-" + i);
        }
        String connectorPath = "/v1/connectors/webhook:" + id;
        await(
                "the breaker opens",
                () -> admin.get(connectorPath)
                        .json()
                        .path("state")
                        .stringValue()
                        .equals("open"));
        JsonNode open = admin.get(connectorPath).json();
        assertThat(open.path("kind").stringValue()).isEqualTo("webhook");
        assertThat(open.path("last_error").stringValue()).isEqualTo("answered 500");
        assertThat(open.path("last_success_at").isNull()).isTrue();
        String metrics = admin.as(null).get("/metrics").text();
        assertThat(metrics).contains("pacioli_connector_state{connector=\"webhook:" + id + "\"} 2.0");
        int sentWhileClosed = receiver.at("/dead").size();
        assertThat(sentWhileClosed).isGreaterThanOrEqualTo(5);

        healthy.set(true);
        Set<String> events = new TreeSet<>();
        admin.get(base + "/events").json().path("data").forEach(event -> {
            if (event.path("type").stringValue().startsWith("transaction.")) {
                events.add(event.path("id").stringValue());
            }
        });
        assertThat(events).hasSize(4);
        // The receiver answers before each delivery's outcome commits: wait for the recorded outcomes too.
        await(
                "every event delivered, recorded, and the breaker closed",
                () -> receiver.acknowledged("/dead").equals(events)
                        && admin.get(connectorPath)
                                .json()
                                .path("state")
                                .stringValue()
                                .equals("closed")
                        && admin.get("/v1/webhooks/" + id + "/deliveries?status=succeeded")
                                        .json()
                                        .path("data")
                                        .size()
                                == 4);
        assertThat(receiver.matching(request -> !request.verified())).isEmpty();
        JsonNode deliveries =
                admin.get("/v1/webhooks/" + id + "/deliveries").json().path("data");
        assertThat(deliveries).hasSize(4);
        deliveries.forEach(
                delivery -> assertThat(delivery.path("status").stringValue()).isEqualTo("succeeded"));
        assertThat(admin.get(connectorPath).json().path("last_success_at").isNull())
                .isFalse();
        assertThat(admin.as(null).get("/metrics").text())
                .contains("pacioli_connector_state{connector=\"webhook:" + id + "\"} 0.0");
    }

    private Set<String> webhookIds() {
        Set<String> ids = new TreeSet<>();
        admin.get("/v1/webhooks?limit=1000")
                .json()
                .path("data")
                .forEach(hook -> ids.add(hook.path("id").stringValue()));
        return ids;
    }

    private static String body(String url, String ledger) {
        return "{\"url\": \"" + url + "\", \"events\": [\"transaction.*\"], \"ledgers\": [\"" + ledger + "\"]}";
    }

    private void transfer(String base, String id) {
        Response answer = admin.post(
                base + "/transactions",
                "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": 1,"
                        + " \"asset\": \"USD\"}]}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
