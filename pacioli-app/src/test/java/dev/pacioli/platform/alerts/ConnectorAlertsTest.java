package dev.pacioli.platform.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorMetrics;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.connectors.HostResolver;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import dev.pacioli.platform.connectors.OutboundPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A connector whose breaker opens raises a warning through the running service's alerts, and the
 * alert resolves once the breaker is no longer open: real connectors tripped by a loopback port that
 * refuses every connection.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ConnectorAlertsTest {
    private final TestService.Running service;

    ConnectorAlertsTest(TestService.Running service) {
        this.service = service;
    }

    @Test
    void anOpenBreakerIsAWarningThatResolvesWhenItCloses() throws Exception {
        Connectors connectors = new Connectors(
                new OutboundPolicy(OutboundPolicy.Allow.NONE, true, HostResolver.SYSTEM),
                new ConnectorSettings.Breaker(2, Duration.ofMillis(300), 1),
                new ConnectorMetrics(new SimpleMeterRegistry()));
        String name = TestService.uniqueName("probe");
        Connector connector = connectors.connector(
                name,
                "probe",
                ConnectorSettings.DEFAULTS
                        .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))
                        .withRetry(ConnectorSettings.Retry.NONE)
                        .withBreaker(connectors.breakerDefault()));
        URI closed = URI.create("http://127.0.0.1:" + freePort() + "/");
        for (int i = 0; i < 2; i++) {
            try {
                connector.send(
                        HttpExchange.Request.get(closed, Map.of()),
                        Idempotence.IDEMPOTENT,
                        HttpExchange::remoteTrouble);
            } catch (IOException refused) {
                // what opens the breaker
            }
        }
        assertThat(connector.state()).isEqualTo("open");

        ConnectorAlerts check =
                new ConnectorAlerts(connectors, service.service().alerts());
        check.run();
        JsonNode raised = alert(service.admin(), name);
        assertThat(raised.path("status").stringValue()).isEqualTo("open");
        assertThat(raised.path("severity").stringValue()).isEqualTo("warning");
        assertThat(raised.path("object").stringValue()).isEqualTo(name);

        // After the breaker's wait it lets a trial through (half-open): waited for, at most 5 s.
        Await.until(
                "the breaker's wait",
                Duration.ofSeconds(5),
                () -> !connector.state().equals("open"));
        assertThat(connector.state()).isEqualTo("half_open");
        check.run();
        assertThat(alert(service.admin(), name).path("status").stringValue()).isEqualTo("resolved");
        connectors.close();
    }

    private static JsonNode alert(HttpTester admin, String connector) {
        for (JsonNode alert :
                admin.get("/v1/alerts?category=connector&limit=100").json().path("data")) {
            if (alert.path("dedupe_key").stringValue().equals("connector.open:" + connector)) {
                return alert;
            }
        }
        throw new AssertionError("no alert for connector " + connector);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
