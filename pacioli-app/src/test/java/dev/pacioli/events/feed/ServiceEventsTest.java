package dev.pacioli.events.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The service's own stream on the running service: appended in the change's transaction (a rolled back
 * change leaves neither an event nor a gap), gap-free and in commit order under concurrent appends, and
 * pulled through {@code GET /v1/events} in the envelope of a ledger's events.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ServiceEventsTest {
    private final Database database;
    private final HttpTester admin;
    private final ServiceEventStore store;

    ServiceEventsTest(TestService.Running service) {
        this.database = service.database();
        this.admin = service.admin();
        this.store = new ServiceEventStore(database.dataSource());
    }

    @Test
    void anEventExistsExactlyWhenItsChangeCommitted() throws SQLException {
        long head = store.head();
        append("test.rolled_back", "{\"n\": 0}", false);
        long committed = append("test.committed", "{\"n\": 1, \"name\": \"a\"}", true);
        assertThat(committed).as("the rolled back append took no number").isEqualTo(head + 1);

        Response page = admin.get("/v1/events?after=" + head + "&limit=100");
        assertThat(page.status()).isEqualTo(200);
        JsonNode events = page.json().path("data");
        JsonNode event = only(events, committed);
        assertThat(event.path("id").stringValue()).isEqualTo("evt__service_" + committed);
        assertThat(event.path("ledger").isNull()).isTrue();
        assertThat(event.path("type").stringValue()).isEqualTo("test.committed");
        assertThat(event.path("data").path("name").stringValue()).isEqualTo("a");
        assertThat(event.path("created_at").stringValue()).endsWith("Z");
        for (JsonNode any : events) {
            assertThat(any.path("type").stringValue()).isNotEqualTo("test.rolled_back");
        }
        assertThat(admin.get("/v1/events?after=" + committed + "&limit=100")
                        .json()
                        .path("data"))
                .as("nothing after the last: the consumer is up to date")
                .allSatisfy(
                        later -> assertThat(later.path("sequence").longValue()).isGreaterThan(committed));
    }

    @Test
    void concurrentAppendsAreNumberedWithoutGapsInCommitOrder() throws Exception {
        long head = store.head();
        int threads = 8;
        int each = 25;
        ConcurrentLinkedQueue<Long> sequences = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        sequences.add(append("test.concurrent", "{}", true));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        List<Long> read = new ArrayList<>();
        for (Event event : store.after(head, 1_000)) {
            read.add(event.sequence());
        }
        assertThat(read)
                .as("every sequence from the head on, once, in order")
                .hasSizeGreaterThanOrEqualTo(threads * each);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i)).isEqualTo(head + 1 + i);
        }
        assertThat(read).containsAll(sequences);
    }

    @Test
    void onlyAnOperatorReadsTheServiceStream() {
        String reader = admin.post("/v1/api-keys", "{\"name\": \"events reader\", \"role\": \"reader\"}")
                .json()
                .path("secret")
                .stringValue();
        Response refused = admin.as(reader).get("/v1/events");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("code").stringValue()).isEqualTo("forbidden");
    }

    @Test
    void keysLedgersAndAssetsTellOfTheirChangesOnTheServiceStream() {
        long head = store.head();
        String ledger = TestService.uniqueName("svc");
        assertThat(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}").status())
                .isEqualTo(201);
        assertThat(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}").status())
                .as("a replay changes nothing and tells of nothing")
                .isEqualTo(200);
        JsonNode key = admin.post("/v1/api-keys", "{\"name\": \"told\", \"role\": \"reader\"}")
                .json();
        String keyId = key.path("id").stringValue();
        assertThat(admin.delete("/v1/api-keys/" + keyId).status()).isEqualTo(200);
        assertThat(admin.delete("/v1/api-keys/" + keyId).status()).isEqualTo(200);

        Response told = admin.get("/v1/events?after=" + head + "&limit=100");
        assertThat(told.text())
                .as("data is the object's JSON byte for byte as the API wrote it")
                .contains("\"data\":{\"id\":\"" + keyId + "\",\"name\":\"told\"");
        List<String> lines = new ArrayList<>();
        for (JsonNode event : told.json().path("data")) {
            JsonNode data = event.path("data");
            lines.add(event.path("type").stringValue() + " " + data.path("name").stringValue(""));
            assertThat(data.has("secret")).as("no secret in %s", event).isFalse();
        }
        assertThat(lines)
                .containsSubsequence("ledger.created " + ledger, "api_key.created told", "api_key.revoked told");
        assertThat(lines.stream().filter(line -> line.equals("api_key.revoked told")))
                .as("the second revocation changed nothing")
                .hasSize(1);
        assertThat(lines.stream().filter(line -> line.equals("ledger.created " + ledger)))
                .hasSize(1);
        // Each capability declares the types it appends, so a webhook endpoint may ask for them.
        long beforeEndpoints = store.head();
        List<String> endpointIds = new ArrayList<>();
        for (String type : List.of("ledger.created", "api_key.created", "api_key.revoked", "webhook_endpoint.*")) {
            Response endpoint = admin.post(
                    "/v1/webhooks",
                    "{\"url\": \"https://webhooks.invalid/t\", \"events\": [\"" + type
                            + "\"], \"ledgers\": [\"_service\"]}");
            assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
            endpointIds.add(endpoint.json().path("id").stringValue());
            assertThat(admin.delete("/v1/webhooks/" + endpointIds.getLast()).status())
                    .isEqualTo(200);
        }
        // Endpoints tell of their changes too, without their URL or secret: operators read this stream.
        List<String> endpointEvents = new ArrayList<>();
        for (JsonNode event : admin.get("/v1/events?after=" + beforeEndpoints + "&limit=100")
                .json()
                .path("data")) {
            JsonNode data = event.path("data");
            if (endpointIds.contains(data.path("id").stringValue())) {
                endpointEvents.add(event.path("type").stringValue());
                assertThat(data.path("url_origin").stringValue()).isEqualTo("https://webhooks.invalid");
                assertThat(data.has("url") || data.has("secret"))
                        .as("%s", event)
                        .isFalse();
            }
        }
        assertThat(endpointEvents)
                .containsExactly(
                        "webhook_endpoint.created", "webhook_endpoint.deleted",
                        "webhook_endpoint.created", "webhook_endpoint.deleted",
                        "webhook_endpoint.created", "webhook_endpoint.deleted",
                        "webhook_endpoint.created", "webhook_endpoint.deleted");
    }

    @Test
    void aKeyScopedToLedgersCannotReadTheServiceStream() {
        String scoped = admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"scoped operator\", \"role\": \"operator\", \"ledgers\": [\"main\"]}")
                .json()
                .path("secret")
                .stringValue();
        assertThat(admin.as(scoped).get("/v1/events").status()).isEqualTo(403);
        assertThat(admin.as(scoped).get("/v1/events?ledger=other").status()).isEqualTo(403);
    }

    @Test
    void eventsOfALedgersObjectsCarryItAndAreReadByLedger() throws SQLException {
        String ledger = TestService.uniqueName("objects");
        long head = store.head();
        long mine;
        long other;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            mine = ServiceEvents.append(
                    connection, "test.of_ledger", ledger, "{\"n\": 1}".getBytes(StandardCharsets.UTF_8));
            other = ServiceEvents.append(
                    connection, "test.of_ledger", ledger + "x", "{\"n\": 2}".getBytes(StandardCharsets.UTF_8));
            connection.commit();
        }
        JsonNode all = admin.get("/v1/events?after=" + head).json().path("data");
        assertThat(all.findValuesAsString("ledger")).contains(ledger, ledger + "x");
        JsonNode only = admin.get("/v1/events?after=" + head + "&ledger=" + ledger)
                .json()
                .path("data");
        assertThat(only).hasSize(1);
        assertThat(only.get(0).path("sequence").longValue()).isEqualTo(mine);
        assertThat(only.get(0).path("ledger").stringValue()).isEqualTo(ledger);
        String scoped = admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"scoped reader of events\", \"role\": \"operator\", \"ledgers\": [\"" + ledger
                                + "\"]}")
                .json()
                .path("secret")
                .stringValue();
        JsonNode scopedRead = admin.as(scoped)
                .get("/v1/events?after=" + head + "&ledger=" + ledger)
                .json()
                .path("data");
        assertThat(scopedRead).hasSize(1);
        assertThat(other).isGreaterThan(mine);
    }

    private long append(String type, String data, boolean commit) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            long sequence = ServiceEvents.append(connection, type, data.getBytes(StandardCharsets.UTF_8));
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
            connection.setAutoCommit(true);
            return sequence;
        }
    }

    private static JsonNode only(JsonNode events, long sequence) {
        for (JsonNode event : events) {
            if (event.path("sequence").longValue() == sequence) {
                return event;
            }
        }
        throw new AssertionError("no event " + sequence + " in " + events);
    }
}
