package dev.pacioli.platform.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connectors against a real receiver on loopback (the JDK's HTTP server) that counts what arrives:
 * the breaker's whole cycle, retries only for idempotent calls, timeouts, the outbound policy at the
 * call (DNS rebinding included), and the state gauge. Breaker waits are fractions of a second, and
 * every wait is on a state, bounded.
 */
class ConnectorTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(20);
    private static final ConnectorSettings.Breaker FAST_BREAKER =
            new ConnectorSettings.Breaker(5, Duration.ofMillis(300), 2);
    private static final ConnectorSettings FAST = ConnectorSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(700))
            .withRetry(new ConnectorSettings.Retry(3, Duration.ofMillis(20), Duration.ofMillis(100), 0.2))
            .withBreaker(FAST_BREAKER);

    private HttpServer receiver;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile long delayMillis;
    private SimpleMeterRegistry registry;
    private Connectors connectors;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        registry = new SimpleMeterRegistry();
        connectors = connectors(new OutboundPolicy(OutboundPolicy.Allow.NONE, true, HostResolver.SYSTEM));
    }

    private Connectors connectors(OutboundPolicy policy) {
        return new Connectors(policy, FAST_BREAKER, new ConnectorMetrics(registry));
    }

    @AfterEach
    void stop() {
        connectors.close();
        receiver.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private static HttpExchange.Answer post(Connector connector, URI url, Idempotence idempotence)
            throws IOException, InterruptedException {
        return connector.send(
                HttpExchange.Request.post(url, Map.of("X-Test", "1"), "application/json", "{}".getBytes()),
                idempotence,
                HttpExchange::remoteTrouble);
    }

    private double gauge(String name) {
        return registry.get("pacioli.connector.state")
                .tag("connector", name)
                .gauge()
                .value();
    }

    @Test
    void aDeadReceiverOpensTheBreakerWhichHalfOpensAndClosesAfterTwoSuccesses() throws Exception {
        Connector connector = connectors.connector("test:dead", "test", FAST);
        status = 500;
        for (int i = 0; i < 5; i++) {
            assertThat(connector.state()).isEqualTo("closed");
            assertThat(post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT).status())
                    .isEqualTo(500);
        }
        assertThat(requests.get()).isEqualTo(5);
        assertThat(connector.state()).isEqualTo("open");
        assertThat(gauge("test:dead")).isEqualTo(2.0);
        Connector.Health open = connector.health();
        assertThat(open.recentFailures()).isEqualTo(5);
        assertThat(open.lastError()).isEqualTo("answered 500");
        assertThat(open.lastFailureAtMillis()).isPositive();
        assertThat(open.lastSuccessAtMillis()).isZero();

        // Open: refused at once, nothing sent.
        assertThatThrownBy(() -> post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT))
                .isInstanceOf(CircuitOpenException.class);
        assertThat(requests.get()).isEqualTo(5);

        await("half-open after the wait", () -> connector.state().equals("half_open"));
        assertThat(gauge("test:dead")).isEqualTo(1.0);
        status = 200;
        assertThat(post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT).status())
                .isEqualTo(200);
        assertThat(connector.state()).isEqualTo("half_open");
        assertThat(post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT).status())
                .isEqualTo(200);
        assertThat(connector.state()).isEqualTo("closed");
        assertThat(gauge("test:dead")).isEqualTo(0.0);
        assertThat(connector.health().lastSuccessAtMillis()).isPositive();
        assertThat(registry.get("pacioli.connector.calls")
                        .tag("connector", "test:dead")
                        .tag("outcome", "not_permitted")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aFailedTrialOpensTheBreakerAgain() throws Exception {
        Connector connector = connectors.connector("test:flapping", "test", FAST);
        status = 503;
        for (int i = 0; i < 5; i++) {
            post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT);
        }
        await("half-open", () -> connector.state().equals("half_open"));
        status = 200;
        post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT);
        status = 500;
        post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT);
        assertThat(connector.state()).isEqualTo("open");
    }

    /** Nothing listens on the port: every connection is refused, and counts as a failure. */
    @Test
    void refusedConnectionsOpenTheBreaker() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Connector connector = connectors.connector("test:nobody", "test", FAST);
        URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/x");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> post(connector, nobody, Idempotence.NOT_IDEMPOTENT))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(CircuitOpenException.class)
                    .hasMessageContaining("refused");
        }
        assertThat(connector.state()).isEqualTo("open");
        assertThat(connector.health().lastError()).contains("refused").doesNotContain("/x");
    }

    @Test
    void onlyIdempotentCallsAreRetried() throws Exception {
        Connector connector = connectors.connector(
                "test:retries",
                "test",
                FAST.withBreaker(new ConnectorSettings.Breaker(100, Duration.ofSeconds(30), 2)));
        status = 503;
        assertThat(post(connector, url("/x"), Idempotence.IDEMPOTENT).status()).isEqualTo(503);
        assertThat(requests.get()).isEqualTo(3);
        assertThat(post(connector, url("/x"), Idempotence.NOT_IDEMPOTENT).status())
                .isEqualTo(503);
        assertThat(requests.get()).isEqualTo(4);
        // An answer the judge accepts is not retried, idempotent or not; nor is a 4xx.
        status = 400;
        assertThat(post(connector, url("/x"), Idempotence.IDEMPOTENT).status()).isEqualTo(400);
        assertThat(requests.get()).isEqualTo(5);
        // A generic call: retried on exceptions too, when idempotent.
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> connector.call(
                        Idempotence.IDEMPOTENT,
                        () -> {
                            attempts.incrementAndGet();
                            throw new IOException("down");
                        },
                        result -> null))
                .hasMessage("down");
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(connector.call(
                        Idempotence.IDEMPOTENT,
                        () -> attempts.incrementAndGet() < 5 ? "busy" : "done",
                        result -> result.equals("busy") ? "busy" : null))
                .isEqualTo("done");
        assertThat(attempts.get()).isEqualTo(5);
    }

    @Test
    void aSlowReceiverTimesOut() throws Exception {
        Connector connector = connectors.connector("test:slow", "test", FAST);
        delayMillis = 3_000;
        long started = System.nanoTime();
        assertThatThrownBy(() -> post(connector, url("/slow"), Idempotence.NOT_IDEMPOTENT))
                .isInstanceOf(ConnectorTimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(Duration.ofMillis(2_500));
        assertThat(connector.health().lastError()).contains("no answer").doesNotContain("/slow");
        assertThat(connector.health().recentFailures()).isEqualTo(1);
    }

    /** A public name at configuration, 127.0.0.1 at the call: refused after resolution, nothing sent. */
    @Test
    void dnsRebindingIsRefusedAtTheCall() throws Exception {
        OutboundPolicyTest.RebindingResolver resolver =
                new OutboundPolicyTest.RebindingResolver("rebind.test", "93.184.215.14", "127.0.0.1");
        connectors.close();
        connectors = connectors(new OutboundPolicy(OutboundPolicy.Allow.NONE, false, resolver));
        URI rebinding = URI.create("http://rebind.test:" + receiver.getAddress().getPort() + "/hook");
        assertThat(connectors.policy().urlRefusal(rebinding)).isNull();
        Connector connector = connectors.connector("test:rebind", "test", FAST);
        assertThatThrownBy(() -> post(connector, rebinding, Idempotence.IDEMPOTENT))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("loopback");
        assertThat(resolver.lookups()).isEqualTo(2);
        assertThat(requests.get()).isZero();
        // A refusal is not the remote end's failure: the breaker stays closed; the error is shown.
        assertThat(connector.state()).isEqualTo("closed");
        assertThat(connector.health().lastError()).startsWith("refused: ").contains("127.0.0.1");
        // The literal address is refused too, and so is its mapped IPv6 spelling.
        URI literal = url("/hook");
        assertThatThrownBy(() -> post(connector, literal, Idempotence.IDEMPOTENT))
                .isInstanceOf(OutboundRefusedException.class);
        URI mapped =
                URI.create("http://[::ffff:127.0.0.1]:" + receiver.getAddress().getPort() + "/hook");
        assertThatThrownBy(() -> post(connector, mapped, Idempotence.IDEMPOTENT))
                .isInstanceOf(OutboundRefusedException.class);
        assertThat(requests.get()).isZero();
    }

    @Test
    void theRegistryKeepsOneConnectorPerNameAndForgetsRemovedOnes() {
        Connector first = connectors.connector("webhook:whk_1", "webhook", FAST);
        assertThat(connectors.connector("webhook:whk_1", "webhook", FAST)).isSameAs(first);
        connectors.connector("a:b", "test", FAST);
        assertThat(connectors.all()).extracting(Connector::name).containsExactly("a:b", "webhook:whk_1");
        connectors.remove("webhook:whk_1");
        assertThat(connectors.find("webhook:whk_1")).isEmpty();
        assertThat(registry.find("pacioli.connector.state")
                        .tag("connector", "webhook:whk_1")
                        .gauge())
                .isNull();
        assertThatThrownBy(() -> connectors.connector("no spaces", "test", FAST))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
