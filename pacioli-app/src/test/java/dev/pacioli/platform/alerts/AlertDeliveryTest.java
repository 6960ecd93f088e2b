package dev.pacioli.platform.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alert deliveries end to end: the real service (with a retry schedule of fractions of a second)
 * sending through a real SMTP server in this JVM that requires STARTTLS and a password, and to a
 * loopback receiver for the webhook formats; an SMTP server that is down at first; and the alert
 * model's dedupe, count, re-notify, acknowledge and resolve.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.alerts.AlertTargets#all")
class AlertDeliveryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT_MAX = Duration.ofSeconds(30);
    private static final String SMTP_USER = "pacioli";
    private static final String SMTP_PASSWORD = "smtp-password-never-shown";

    private final AlertTargets.Target target;
    private final List<Wiser> smtpServers = new ArrayList<>();
    private Service service;
    private HttpTester admin;
    private Receiver receiver;

    AlertDeliveryTest(AlertTargets.Target target) {
        this.target = target;
    }

    @BeforeEach
    void start() throws Exception {
        AlertSettings fast = AlertSettings.DEFAULTS
                .withSchedule(
                        Collections.nCopies(AlertSettings.RETRIES_MAX, Duration.ofMillis(200)), Duration.ofMillis(50))
                .withMailSockets(AlertTargets.clientTls().getSocketFactory());
        service = Service.start(
                target.database(),
                new Service.Options(
                                Path.of("target", "test-data"),
                                TestService.ADMIN_KEY,
                                new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                                EngineConfig.DEFAULTS)
                        .withAlerts(fast));
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        receiver = new Receiver();
        // Each test states its own routes; none carries over.
        put("/v1/alerts/routes", "{\"rules\": []}");
    }

    @AfterEach
    void stop() {
        put("/v1/alerts/routes", "{\"rules\": []}");
        service.close();
        receiver.close();
        smtpServers.forEach(Wiser::stop);
    }

    /** An SMTP server on loopback that refuses mail without STARTTLS and without the password. */
    private Wiser smtp(int port) throws Exception {
        Wiser wiser = Wiser.create(SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .enableTLS()
                .requireTLS()
                .startTlsSocketFactory(AlertTargets.serverTls())
                .requireAuth()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, context) -> {
                    if (!user.equals(SMTP_USER) || !password.equals(SMTP_PASSWORD)) {
                        throw new LoginFailedException();
                    }
                })));
        wiser.start();
        smtpServers.add(wiser);
        return wiser;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String emailChannel(int port) {
        String id = TestService.uniqueName("mail");
        HttpTester.Response created = admin.post(
                "/v1/alerts/channels",
                "{\"id\": \"" + id + "\", \"kind\": \"email\", \"config\": {\"host\": \"127.0.0.1\", \"port\": "
                        + port + ", \"starttls\": true, \"username\": \"" + SMTP_USER + "\", \"password\": \""
                        + SMTP_PASSWORD + "\", \"from\": \"pacioli@example.test\", \"to\": [\"ops@example.test\"]}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.text()).doesNotContain(SMTP_PASSWORD);
        assertThat(created.json().path("config").path("password_set").booleanValue())
                .isTrue();
        assertThat(created.json().has("secret")).isFalse();
        return id;
    }

    private HttpTester.Response put(String path, String body) {
        HttpTester.Response response = admin.send("PUT", path, body, Map.of());
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response;
    }

    private void route(String severity, String... channels) {
        put(
                "/v1/alerts/routes",
                "{\"rules\": [{\"severity\": \"" + severity + "\", \"category\": null, \"channels\": [\""
                        + String.join("\", \"", channels) + "\"]}]}");
    }

    private JsonNode testAlert(String severity) {
        HttpTester.Response raised = admin.post("/v1/alerts/test", "{\"severity\": \"" + severity + "\"}");
        assertThat(raised.status()).as(raised.toString()).isEqualTo(201);
        return raised.json();
    }

    private JsonNode alert(String id) {
        return admin.get("/v1/alerts/" + id).json();
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }

    @Test
    void aRealSmtpServerReceivesTheMailOverStartTls() throws Exception {
        Wiser wiser = smtp(freePort());
        String channel = emailChannel(wiser.getServer().getPort());
        route("critical", channel);

        JsonNode alert = testAlert("critical");
        assertThat(alert.path("deliveries").get(0).path("channel").stringValue())
                .isEqualTo(channel);

        await("the mail", () -> !wiser.getMessages().isEmpty());
        WiserMessage received = wiser.getMessages().getFirst();
        MimeMessage mail = received.getMimeMessage();
        assertThat(received.getEnvelopeReceiver()).isEqualTo("ops@example.test");
        assertThat(mail.getSubject()).startsWith("[pacioli] CRITICAL: Test alert (critical)");
        assertThat(mail.getHeader("X-Pacioli-Severity")[0]).isEqualTo("critical");
        String body = mail.getContent().toString();
        assertThat(body)
                .contains(
                        "Severity: critical",
                        "Category: test",
                        "Alert: " + alert.path("id").stringValue());
        String id = alert.path("id").stringValue();
        await(
                "the delivery marked succeeded",
                () -> alert(id)
                        .path("deliveries")
                        .get(0)
                        .path("status")
                        .stringValue()
                        .equals("succeeded"));
        String key = alert(id).path("deliveries").get(0).path("id").stringValue();
        JsonNode jobs =
                admin.get("/v1/jobs?type=alert.delivery&limit=1000").json().path("data");
        assertThat(jobs).as("the delivery ran as a durable job").anySatisfy(job -> {
            assertThat(job.path("key").stringValue()).isEqualTo(key);
            assertThat(job.path("state").stringValue()).isEqualTo("succeeded");
        });
        HttpTester.Response channels = admin.get("/v1/alerts/channels");
        assertThat(channels.text()).doesNotContain(SMTP_PASSWORD);
    }

    @Test
    void anSmtpServerThatIsDownDelaysTheMailAndLosesNothing() throws Exception {
        int port = freePort();
        String channel = emailChannel(port);
        route("warning", channel);
        String id = testAlert("warning").path("id").stringValue();

        await("two failed attempts", () -> {
            JsonNode delivery = alert(id).path("deliveries").get(0);
            return delivery.path("attempts").intValue() >= 2
                    && delivery.path("status").stringValue().equals("pending");
        });
        assertThat(alert(id).path("deliveries").get(0).path("last_error").stringValue())
                .startsWith("smtp 127.0.0.1");

        Wiser wiser = smtp(port);
        await("the mail, once the server is up", () -> !wiser.getMessages().isEmpty());
        assertThat(wiser.getMessages().getFirst().getMimeMessage().getSubject()).contains("WARNING");
        await(
                "the delivery marked succeeded",
                () -> alert(id)
                        .path("deliveries")
                        .get(0)
                        .path("status")
                        .stringValue()
                        .equals("succeeded"));
        assertThat(wiser.getMessages()).hasSize(1);
    }

    @Test
    void webhookChannelsGetTheGenericSignedSlackAndPagerDutyShapes() throws Exception {
        HttpTester.Response generic = admin.post(
                "/v1/alerts/channels",
                "{\"id\": \"" + TestService.uniqueName("generic")
                        + "\", \"kind\": \"webhook\", \"config\": {\"url\": \"" + receiver.url("/generic?token=hidden")
                        + "\", \"format\": \"generic\"}}");
        assertThat(generic.status()).as(generic.toString()).isEqualTo(201);
        String secret = generic.json().path("secret").stringValue();
        assertThat(secret).startsWith("whsec_");
        assertThat(generic.json().path("config").path("url").stringValue()).doesNotContain("token");
        String slack = created("slack", "{\"url\": \"" + receiver.url("/slack") + "\", \"format\": \"slack\"}");
        String pagerDuty = created(
                "pager",
                "{\"url\": \"" + receiver.url("/pagerduty") + "\", \"format\": \"pagerduty\","
                        + " \"routing_key\": \"R0UT1NGKEY\"}");
        route("warning", generic.json().path("id").stringValue(), slack, pagerDuty);
        assertThat(admin.get("/v1/alerts/channels").text()).doesNotContain("R0UT1NGKEY", "hidden", secret);

        // Both changes are audited in their transactions, as the API shows them: no secret either.
        HttpTester.Response createdRecord =
                admin.get("/v1/audit-log?action=alert_channel.created&object_id=" + pagerDuty);
        assertThat(createdRecord.json().path("data")).hasSize(1);
        assertThat(createdRecord
                        .json()
                        .path("data")
                        .get(0)
                        .path("after")
                        .path("kind")
                        .stringValue())
                .isEqualTo("webhook");
        assertThat(createdRecord.text()).doesNotContain("R0UT1NGKEY");
        JsonNode routesRecord = admin.get("/v1/audit-log?action=alert_routes.replaced&object_id=alert_routes&limit=1")
                .json()
                .path("data")
                .get(0);
        assertThat(routesRecord.path("before").path("rules")).isEmpty();
        assertThat(routesRecord.path("after").path("rules").get(0).path("channels"))
                .extracting(JsonNode::stringValue)
                .containsExactly(generic.json().path("id").stringValue(), slack, pagerDuty);

        JsonNode alert = testAlert("warning");
        await("three webhook deliveries", () -> receiver.requests.size() >= 3);

        Receiver.Request signed = receiver.at("/generic").getFirst();
        String expected = "v1," + Base64.getEncoder().encodeToString(hmac(secret, signed));
        assertThat(signed.header("webhook-signature")).isEqualTo(expected);
        JsonNode body = JSON.readTree(signed.body());
        assertThat(body.path("type").stringValue()).isEqualTo("alert.raised");
        assertThat(body.path("alert").path("id").stringValue())
                .isEqualTo(alert.path("id").stringValue());
        assertThat(body.path("alert").path("severity").stringValue()).isEqualTo("warning");

        JsonNode slackBody = JSON.readTree(receiver.at("/slack").getFirst().body());
        assertThat(slackBody.path("text").stringValue()).contains("[pacioli] WARNING", "Test alert (warning)");

        JsonNode event = JSON.readTree(receiver.at("/pagerduty").getFirst().body());
        assertThat(event.path("routing_key").stringValue()).isEqualTo("R0UT1NGKEY");
        assertThat(event.path("event_action").stringValue()).isEqualTo("trigger");
        assertThat(event.path("dedup_key").stringValue())
                .isEqualTo(alert.path("dedupe_key").stringValue());
        assertThat(event.path("payload").path("severity").stringValue()).isEqualTo("warning");
        assertThat(event.path("payload").path("summary").stringValue()).startsWith("Test alert (warning)");
    }

    private String created(String prefix, String config) {
        String id = TestService.uniqueName(prefix);
        HttpTester.Response created = admin.post(
                "/v1/alerts/channels", "{\"id\": \"" + id + "\", \"kind\": \"webhook\", \"config\": " + config + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().has("secret")).isFalse();
        return id;
    }

    /** The Standard Webhooks signature, computed here without the service's code. */
    private static byte[] hmac(String secret, Receiver.Request request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String prefix = request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".";
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(request.body());
    }

    @Test
    void aRaisedKeyCountsRenotifiesOnlyWhenDueAndResolvesWithANotice() throws Exception {
        String hook = created("dedupe", "{\"url\": \"" + receiver.url("/dedupe") + "\", \"format\": \"slack\"}");
        route("info", hook);
        String key = TestService.uniqueName("condition");
        Alerts.Raise raise = new Alerts.Raise(Severity.INFO, "test.dedupe", key, "a condition holds", null, "thing:1");
        Alerts alerts = service.alerts();

        double openBefore = openInfoAlerts();
        alerts.raise(raise);
        await("the first notice", () -> receiver.at("/dedupe").size() == 1);
        assertThat(openInfoAlerts()).as("pacioli_alerts_open{severity=info}").isEqualTo(openBefore + 1);
        JsonNode alert = only(key);
        String id = alert.path("id").stringValue();
        assertThat(alert.path("count").intValue()).isEqualTo(1);

        alerts.raise(raise);
        assertThat(alert(id).path("count").intValue()).isEqualTo(2);
        assertThat(alert(id).path("deliveries")).hasSize(1);

        notifiedHoursAgo(key);
        alerts.raise(raise);
        await("the reminder", () -> receiver.at("/dedupe").size() == 2);
        assertThat(alert(id).path("count").intValue()).isEqualTo(3);
        assertThat(alert(id).path("deliveries").get(1).path("notice").stringValue())
                .isEqualTo("reminder");

        HttpTester.Response acknowledged = admin.post("/v1/alerts/" + id + "/acknowledge", "");
        assertThat(acknowledged.json().path("status").stringValue()).isEqualTo("acknowledged");
        notifiedHoursAgo(key);
        alerts.raise(raise);
        assertThat(alert(id).path("count").intValue()).isEqualTo(4);
        assertThat(alert(id).path("deliveries"))
                .as("an acknowledged alert is not re-notified")
                .hasSize(2);

        alerts.resolve(key);
        await("the resolution", () -> receiver.at("/dedupe").size() == 3);
        assertThat(new String(receiver.at("/dedupe").get(2).body(), StandardCharsets.UTF_8))
                .contains("RESOLVED");
        assertThat(alert(id).path("status").stringValue()).isEqualTo("resolved");
        assertThat(admin.post("/v1/alerts/" + id + "/acknowledge", "").code()).isEqualTo("alert_resolved");

        alerts.raise(raise);
        JsonNode again = admin.get("/v1/alerts?status=open&category=test.dedupe")
                .json()
                .path("data")
                .get(0);
        assertThat(again.path("id").stringValue()).isNotEqualTo(id);
        assertThat(again.path("count").intValue()).isEqualTo(1);
        alerts.resolve(key);
    }

    private double openInfoAlerts() {
        Matcher value = Pattern.compile("(?m)^pacioli_alerts_open\\{severity=\"info\"\\} ([0-9.]+)$")
                .matcher(admin.as(null).get("/metrics").text());
        assertThat(value.find())
                .as("pacioli_alerts_open{severity=\"info\"} in /metrics")
                .isTrue();
        return Double.parseDouble(value.group(1));
    }

    @Test
    void aTestAlertSentTwiceUnderOneIdempotencyKeyRaisesOne() {
        Map<String, String> key = Map.of("Idempotency-Key", TestService.uniqueName("idem"));
        HttpTester.Response first = admin.send("POST", "/v1/alerts/test", "{\"severity\": \"info\"}", key);
        HttpTester.Response again = admin.send("POST", "/v1/alerts/test", "{\"severity\": \"info\"}", key);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("id").stringValue())
                .isEqualTo(first.json().path("id").stringValue());
    }

    private JsonNode only(String key) {
        for (JsonNode alert : admin.get("/v1/alerts?limit=1000").json().path("data")) {
            if (alert.path("dedupe_key").stringValue().equals(key)) {
                return alert;
            }
        }
        throw new AssertionError("no alert with dedupe key " + key);
    }

    /** Time passing, as the database sees it: the channels were last told two hours ago. */
    private void notifiedHoursAgo(String key) throws Exception {
        try (Connection connection = target.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("update alerts set last_notified_at = now() - interval '2 hours'"
                    + " where dedupe_key = '" + key + "' and status <> 'resolved'");
        }
    }

    @Test
    void aWebhookEndpointDisabledByTheDispatcherIsAnAlertUntilReEnabled() throws Exception {
        String ledger = TestService.uniqueName("alerts");
        admin.openLedgerWithWorldAndWallet(ledger);
        HttpTester.Response hook = admin.post(
                "/v1/webhooks",
                "{\"url\": \"https://webhooks.invalid/x\", \"events\": [\"*\"], \"ledgers\": [\"" + ledger + "\"]}");
        String endpoint = hook.json().path("id").stringValue();
        // What the dispatcher does on a 410, done here directly: the source watches the state.
        try (Connection connection = target.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("update webhook_endpoints set enabled = false,"
                    + " disabled_reason = 'the endpoint answered 410 Gone' where id = '" + endpoint + "'");
        }
        await("the alert", () -> find("webhook.disabled:" + endpoint, "open") != null);
        JsonNode alert = find("webhook.disabled:" + endpoint, "open");
        assertThat(alert.path("severity").stringValue()).isEqualTo("warning");
        assertThat(alert.path("object").stringValue()).isEqualTo(endpoint);

        admin.send("PATCH", "/v1/webhooks/" + endpoint, "{\"enabled\": true}", Map.of());
        await("the resolution", () -> find("webhook.disabled:" + endpoint, "resolved") != null);
    }

    @Test
    void aFailedVerifyIsACriticalAlertUntilAVerifyPasses() throws Exception {
        String ledger = TestService.uniqueName("verify");
        admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.post("/v1/ledgers/" + ledger + "/verify", "")
                        .json()
                        .path("ok")
                        .booleanValue())
                .isTrue();
        assertThat(find("ledger.verify:" + ledger, null)).isNull();
        tamper(ledger, true);
        assertThat(admin.post("/v1/ledgers/" + ledger + "/verify", "")
                        .json()
                        .path("ok")
                        .booleanValue())
                .isFalse();
        JsonNode alert = find("ledger.verify:" + ledger, "open");
        assertThat(alert.path("severity").stringValue()).isEqualTo("critical");
        assertThat(alert.path("object").stringValue()).isEqualTo("ledger:" + ledger);
        tamper(ledger, false);
        assertThat(admin.post("/v1/ledgers/" + ledger + "/verify", "")
                        .json()
                        .path("ok")
                        .booleanValue())
                .isTrue();
        assertThat(find("ledger.verify:" + ledger, "resolved")).isNotNull();
    }

    /** Changes (or restores) an account's stored balance behind the ledger's back. */
    private void tamper(String ledger, boolean on) throws Exception {
        try (Connection connection = target.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(TAMPER.formatted(on ? "+ 5" : "- 5", ledger)))
                    .isEqualTo(1);
        }
    }

    private static final String TAMPER = "update accounts set posted_credits = posted_credits %s where ledger_id ="
            + " (select id from ledgers where name = '%s') and id = 'wallet'";

    private JsonNode find(String key, String status) {
        String query = status == null ? "" : "&status=" + status;
        for (JsonNode alert : admin.get("/v1/alerts?limit=1000" + query).json().path("data")) {
            if (alert.path("dedupe_key").stringValue().equals(key)) {
                return alert;
            }
        }
        return null;
    }
}
