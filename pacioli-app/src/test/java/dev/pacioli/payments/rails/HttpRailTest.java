package dev.pacioli.payments.rails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.payments.rails.TestProvider.Arrival;
import dev.pacioli.payments.rails.TestProvider.Behaviour;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.connectors.CircuitOpenException;
import dev.pacioli.platform.connectors.ConnectorMetrics;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.ConnectorTimeoutException;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.connectors.HostResolver;
import dev.pacioli.platform.connectors.OutboundPolicy;
import dev.pacioli.platform.connectors.OutboundRefusedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The http rail against a real provider on loopback ({@link TestProvider}), through real connectors:
 * every answer and every missing answer mapped to a result, a known refusal, or an unknown outcome that
 * the status query then resolves; never a second transfer for one id. Timeouts are fractions of a
 * second; the class is bounded in time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpRailTest {
    private static final ConnectorSettings.Breaker BREAKER =
            new ConnectorSettings.Breaker(3, Duration.ofSeconds(30), 1);
    private static final ConnectorSettings FAST = ConnectorSettings.DEFAULTS
            .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500))
            .withRetry(new ConnectorSettings.Retry(3, Duration.ofMillis(20), Duration.ofMillis(100), 0.2))
            .withBreaker(BREAKER);
    private static final String DESTINATION =
            "{\"type\": \"bank_account\", \"iban\": \"DE89370400440532013000\", \"name\": \"Jane Roe\"}";

    private TestProvider provider;
    private Connectors connectors;
    private HttpRail rail;

    @BeforeEach
    void start() throws Exception {
        provider = TestProvider.start();
        connectors = connectors(true);
        rail = rail(connectors, provider.baseUrl());
    }

    @AfterEach
    void stop() {
        connectors.close();
        provider.close();
    }

    private static Connectors connectors(boolean loopbackAllowed) {
        return new Connectors(
                new OutboundPolicy(OutboundPolicy.Allow.NONE, loopbackAllowed, HostResolver.SYSTEM),
                BREAKER,
                new ConnectorMetrics(new SimpleMeterRegistry()));
    }

    private static HttpRail rail(Connectors connectors, URI baseUrl) {
        return new HttpRail(connectors.connector("circle", HttpRail.KIND, FAST), new HttpRail.Settings(baseUrl, false));
    }

    private static TransferRequest transfer(String id) {
        return new TransferRequest(id, 2500, "USDC", DESTINATION, Map.of("order", "W-9"));
    }

    private RailException unknown(String id) {
        return failure(id, true);
    }

    private RailException failure(String id, boolean outcomeUnknown) {
        try {
            rail.submit(transfer(id));
        } catch (RailException e) {
            assertThat(e.outcomeUnknown()).as(e.getMessage()).isEqualTo(outcomeUnknown);
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("submitting " + id + " gave a result");
    }

    @Test
    void aPaidTransferIsPaidAndItsRequestCarriesTheKeyAndTheProtocolsBody() throws Exception {
        TransferResult result = rail.submit(transfer("main.po_1"));

        assertThat(result.id()).isEqualTo("main.po_1");
        assertThat(result.status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(result.providerReference()).startsWith("prov_");
        assertThat(result.failureReason()).isNull();
        TestProvider.Post post = provider.posts().getFirst();
        assertThat(post.idempotencyKey()).isEqualTo("main.po_1");
        assertThat(post.arrival()).isEqualTo(Arrival.NEW);
        JsonNode body = RequestReader.MAPPER.readTree(post.body());
        assertThat(body.get("id").stringValue()).isEqualTo("main.po_1");
        assertThat(body.get("amount").isIntegralNumber()).isTrue();
        assertThat(body.get("amount").longValue()).isEqualTo(2500);
        assertThat(body.get("asset").stringValue()).isEqualTo("USDC");
        assertThat(body.get("destination")).isEqualTo(RequestReader.MAPPER.readTree(DESTINATION));
        assertThat(body.get("metadata").get("order").stringValue()).isEqualTo("W-9");
        assertThat(rail.status("main.po_1")).contains(result);
    }

    @Test
    void aPendingTransferStaysPendingUntilTheProviderSettlesIt() throws Exception {
        provider.next(Behaviour.PEND);
        assertThat(rail.submit(transfer("main.po_2")).status()).isEqualTo(TransferResult.Status.PENDING);
        assertThat(rail.status("main.po_2").orElseThrow().status()).isEqualTo(TransferResult.Status.PENDING);

        provider.settle("main.po_2", "paid", null);
        assertThat(rail.status("main.po_2").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
    }

    @Test
    void aFailedTransferCarriesTheProvidersReason() throws Exception {
        provider.next(Behaviour.FAIL);
        TransferResult result = rail.submit(transfer("main.po_3"));

        assertThat(result.status()).isEqualTo(TransferResult.Status.FAILED);
        assertThat(result.failureReason()).isEqualTo(TestProvider.FAILURE_REASON);
        assertThat(rail.status("main.po_3")).contains(result);
    }

    @Test
    void aRefusalIsAFailedResultWithTheReasonAndTheProviderHoldsNothing() throws Exception {
        provider.next(Behaviour.REFUSE);
        TransferResult result = rail.submit(transfer("main.po_4"));

        assertThat(result.status()).isEqualTo(TransferResult.Status.FAILED);
        assertThat(result.failureReason()).contains("422").contains(TestProvider.REFUSAL_REASON);
        assertThat(result.providerReference()).isNull();
        assertThat(rail.status("main.po_4")).isEmpty();
    }

    @Test
    void rateLimitingIsAKnownOutcomeWithNothingCreated() throws Exception {
        provider.next(Behaviour.RATE_LIMIT);
        assertThat(failure("main.po_5", false).getMessage()).contains("429");
        assertThat(rail.status("main.po_5")).isEmpty();
    }

    @Test
    void a500LeavesTheOutcomeUnknownAndTheConnectorDoesNotRetryTheSubmission() throws Exception {
        provider.next(Behaviour.ERROR);
        assertThat(unknown("main.po_6").getMessage()).contains("500");

        assertThat(provider.posts()).hasSize(1); // the connector's retries are for status queries only
        assertThat(rail.status("main.po_6")).isEmpty();
    }

    @Test
    void anUnreadableAnswerLeavesTheOutcomeUnknownAndTheStatusFindsItPaid() throws Exception {
        provider.next(Behaviour.GARBAGE);
        assertThat(unknown("main.po_7").getMessage()).contains("unreadable");

        assertThat(rail.status("main.po_7").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
    }

    @Test
    void aConnectionDroppedAfterSendingLeavesTheOutcomeUnknownAndTheStatusFindsItPaid() throws Exception {
        provider.next(Behaviour.ACCEPT_THEN_DROP);
        unknown("main.po_8");

        assertThat(rail.status("main.po_8").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
    }

    @Test
    void aTimeoutAfterTheProviderAcceptedLeavesTheOutcomeUnknownAndTheStatusFindsItPaid() throws Exception {
        provider.next(Behaviour.ACCEPT_THEN_HANG);
        assertThat(unknown("main.po_9").getCause()).isInstanceOf(ConnectorTimeoutException.class);

        assertThat(rail.status("main.po_9").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(provider.newCount("main.po_9")).isEqualTo(1);
    }

    @Test
    void aTimeoutBeforeTheProviderAcceptedLeavesTheOutcomeUnknownAndTheStatusEmpty() throws Exception {
        provider.next(Behaviour.HANG);
        assertThat(unknown("main.po_10").getCause()).isInstanceOf(ConnectorTimeoutException.class);
        assertThat(rail.status("main.po_10")).isEmpty();

        // The status said it never arrived: the worker may submit it again, and that one is the new one.
        provider.releaseHangs();
        assertThat(rail.submit(transfer("main.po_10")).status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(provider.posts("main.po_10"))
                .extracting(TestProvider.Post::arrival)
                .containsExactly(Arrival.NOT_ACCEPTED, Arrival.NEW);
    }

    @Test
    void resubmittingAnIdIsARepeatAnsweredWithTheSameTransferNeverANewOne() throws Exception {
        TransferResult first = rail.submit(transfer("main.po_11"));
        provider.next(Behaviour.FAIL); // a repeat answers what is held, whatever this call would have done
        TransferResult again = rail.submit(transfer("main.po_11"));

        assertThat(again).isEqualTo(first);
        assertThat(provider.posts("main.po_11"))
                .extracting(TestProvider.Post::arrival)
                .containsExactly(Arrival.NEW, Arrival.REPEAT);
        assertThat(provider.receivedNewMoreThanOnce()).isEmpty();
    }

    @Test
    void concurrentSubmissionsOfOneIdCreateOneTransfer() throws Exception {
        List<Future<TransferResult>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(threads.submit(() -> rail.submit(transfer("main.po_12"))));
            }
        }
        for (Future<TransferResult> result : results) {
            assertThat(result.get().status()).isEqualTo(TransferResult.Status.PAID);
        }
        assertThat(provider.newCount("main.po_12")).isEqualTo(1);
        assertThat(provider.posts("main.po_12")).hasSize(8);
        assertThat(provider.receivedNewMoreThanOnce()).isEmpty();
    }

    @Test
    void anOpenBreakerIsAKnownOutcomeAndSendsNothing() throws Exception {
        provider.defaultBehaviour(Behaviour.ERROR);
        for (int i = 0; i < BREAKER.failures(); i++) {
            unknown("main.po_13");
        }
        RailException open = failure("main.po_13", false);

        assertThat(open.getCause()).isInstanceOf(CircuitOpenException.class);
        assertThat(provider.posts()).hasSize(BREAKER.failures());
        assertThatThrownBy(() -> rail.status("main.po_13"))
                .isInstanceOfSatisfying(
                        RailException.class, e -> assertThat(e.outcomeUnknown()).isFalse());
        assertThat(provider.statusQueries()).isZero();
    }

    @Test
    void aRefusedConnectionIsAKnownOutcome() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        rail = rail(connectors, URI.create("http://127.0.0.1:" + port));

        assertThat(failure("main.po_14", false).getMessage()).contains("refused");
    }

    @Test
    void aTargetTheOutboundPolicyRefusesIsAKnownOutcomeAndNothingIsSent() throws Exception {
        try (Connectors strict = connectors(false)) {
            rail = rail(strict, provider.baseUrl());

            assertThat(failure("main.po_15", false).getCause()).isInstanceOf(OutboundRefusedException.class);
        }
        assertThat(provider.posts()).isEmpty();
    }

    @Test
    void aStatusQueryIsRetriedByTheConnectorAndThenUnknown() throws Exception {
        rail.submit(transfer("main.po_16"));
        provider.failStatusQueries(1);
        assertThat(rail.status("main.po_16").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(provider.statusQueries()).isEqualTo(2);

        provider.failStatusQueries(FAST.retry().attemptsMax());
        assertThatThrownBy(() -> rail.status("main.po_16"))
                .isInstanceOfSatisfying(
                        RailException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
        assertThat(provider.statusQueries()).isEqualTo(2 + FAST.retry().attemptsMax());
    }

    @Test
    void transferIdsGoIntoThePathAsOneSegment() {
        assertThat(HttpRail.pathSegment("main.po_1")).isEqualTo("main.po_1");
        assertThat(HttpRail.pathSegment("a:b@c/d é")).isEqualTo("a%3Ab%40c%2Fd%20%C3%A9");
    }

    @Test
    void theConfigurationNamesWhatIsWrongWithTheBaseUrl() {
        JsonNode good = RequestReader.MAPPER.readTree("{\"base_url\": \"https://adapter.example/pacioli/\"}");
        assertThat(HttpRail.Settings.fromConfig(good).baseUrl()).hasToString("https://adapter.example/pacioli");
        assertThat(HttpRail.Settings.fromConfig(
                                RequestReader.MAPPER.readTree("{\"base_url\": \"http://localhost:8089\"}"))
                        .baseUrl())
                .hasToString("http://localhost:8089");
        assertThat(HttpRail.Settings.fromConfig(RequestReader.MAPPER.readTree(
                                "{\"base_url\": \"http://adapter:8080\", \"allow_plain_http\": true}"))
                        .allowPlainHttp())
                .isTrue();
        for (String bad : List.of(
                "{}",
                "{\"base_url\": 7}",
                "{\"base_url\": \"ftp://adapter.example\"}",
                "{\"base_url\": \"/transfers\"}",
                "{\"base_url\": \"https://user:pw@adapter.example\"}",
                "{\"base_url\": \"https://adapter.example?key=1\"}",
                "{\"base_url\": \"http://adapter.example\"}",
                "{\"base_url\": \"https://adapter.example\", \"allow_plain_http\": \"yes\"}")) {
            assertThatThrownBy(() -> HttpRail.Settings.fromConfig(RequestReader.MAPPER.readTree(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("config.");
        }
    }
}
