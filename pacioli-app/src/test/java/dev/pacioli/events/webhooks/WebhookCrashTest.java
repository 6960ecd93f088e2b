package dev.pacioli.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.events.webhooks.WebhookReceiver.Answer;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli serve} in a child JVM is SIGKILLed while it delivers webhooks, then started again on
 * the same data: every event still arrives, and the only ones that arrive twice are those whose
 * attempt was in flight when it died (at most the dispatcher's concurrency).
 *
 * <p>The child uses the external test server when {@code PACIOLI_TEST_DATABASE_URL} is set (in a
 * database of its own, dropped at the end), otherwise its own embedded PostgreSQL in target/.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits on it")
class WebhookCrashTest {
    private static final String ADMIN_KEY = "pacioli_webhook_crash_admin_0123456789abcdef";

    private static final int TRANSFERS = 40;
    private static final int CONCURRENCY = 2;

    /** The child's webhook settings: the whole retry story in seconds. */
    private static final Map<String, String> FAST_WEBHOOKS = Map.of(
            "PACIOLI_WEBHOOK_POLL", "50ms",
            "PACIOLI_WEBHOOK_CONCURRENCY", Integer.toString(CONCURRENCY),
            "PACIOLI_WEBHOOK_CONNECT_TIMEOUT", "1s",
            "PACIOLI_WEBHOOK_READ_TIMEOUT", "1s",
            "PACIOLI_WEBHOOK_RETRY_SCHEDULE", "200ms,400ms,800ms,1s,1s,1s");

    private static final int ACKNOWLEDGED_BEFORE_KILL = 8;

    @Test
    void aKilledServiceLosesNoEventAndRepeatsOnlyWhatWasInFlight() throws Exception {
        long pid = ProcessHandle.current().pid();
        try (WebhookReceiver receiver = new WebhookReceiver();
                ChildService service = ChildService.start("webhook-crash", ADMIN_KEY, FAST_WEBHOOKS)) {
            String url = receiver.route("/crash", attempt -> {
                Thread.sleep(40); // so the kill lands with attempts in flight
                return Answer.of(200);
            });
            HttpTester admin = service.admin();
            String ledger = "crash-" + pid;
            assertThat(admin.put("/v1/assets/USD", "{\"scale\": 2}").status()).isIn(200, 201);
            assertThat(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}")
                            .status())
                    .isEqualTo(201);
            JsonNode endpoint = admin.post(
                            "/v1/webhooks",
                            "{\"url\": \"" + url + "\", \"events\": [\"*\"], \"ledgers\": [\"" + ledger + "\"]}")
                    .json();
            receiver.secrets("/crash", List.of(endpoint.path("secret").stringValue()));
            String base = "/v1/ledgers/" + ledger;
            admin.post(base + "/accounts", "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}");
            admin.post(base + "/accounts", "{\"id\": \"wallet\", \"asset\": \"USD\"}");
            StringBuilder batch = new StringBuilder("{\"transactions\": [");
            for (int i = 0; i < TRANSFERS; i++) {
                batch.append(i == 0 ? "" : ",")
                        .append("{\"id\": \"t-")
                        .append(i)
                        .append("\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": 1,")
                        .append(" \"asset\": \"USD\"}]}");
            }
            assertThat(admin.post(
                                    base + "/transactions/batch",
                                    batch.append("]}").toString())
                            .status())
                    .isEqualTo(200);

            WebhookDeliveryTest.await(
                    "some deliveries acknowledged before the kill",
                    () -> receiver.acknowledged("/crash").size() >= ACKNOWLEDGED_BEFORE_KILL);
            service.kill();
            int beforeKill = receiver.acknowledged("/crash").size();
            assertThat(beforeKill).as("the kill landed mid-delivery").isLessThan(TRANSFERS + 2);

            service.restart();
            Set<String> expected = new TreeSet<>();
            admin.get(base + "/events?limit=1000")
                    .json()
                    .path("data")
                    .forEach(event -> expected.add(event.path("id").stringValue()));
            assertThat(expected).hasSize(TRANSFERS + 2);
            WebhookDeliveryTest.await(
                    "every event delivered after the restart",
                    () -> receiver.acknowledged("/crash").equals(expected));
            WebhookDeliveryTest.await(
                    "every delivery recorded as succeeded",
                    () -> admin.get("/v1/webhooks/" + endpoint.path("id").stringValue()
                                            + "/deliveries?status=succeeded&limit=1000")
                                    .json()
                                    .path("data")
                                    .size()
                            == expected.size());

            assertThat(receiver.matching(request -> !request.verified())).isEmpty();
            Map<String, Integer> times = new TreeMap<>();
            receiver.at("/crash").forEach(request -> times.merge(request.id(), 1, Integer::sum));
            List<String> repeated = times.entrySet().stream()
                    .filter(entry -> entry.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(repeated)
                    .as("only the attempts in flight at the kill are repeated")
                    .hasSizeLessThanOrEqualTo(CONCURRENCY);

            // Each delivery is a job: every one finished exactly once, as the jobs table records it. Only
            // the jobs in flight at the kill were claimed twice; each delivery's outcome was recorded once.
            JsonNode deliveries = admin.get(
                            "/v1/webhooks/" + endpoint.path("id").stringValue() + "/deliveries?limit=1000")
                    .json()
                    .path("data");
            Set<String> deliveryIds = new TreeSet<>(deliveries.findValuesAsString("id"));
            assertThat(deliveries.findValues("attempts"))
                    .as("every delivery's outcome recorded once")
                    .allMatch(attempts -> attempts.intValue() == 1);
            List<JsonNode> jobs = new ArrayList<>();
            admin.get("/v1/jobs?type=webhook.delivery&limit=1000")
                    .json()
                    .path("data")
                    .forEach(job -> {
                        if (deliveryIds.contains(job.path("key").stringValue())) {
                            jobs.add(job);
                        }
                    });
            assertThat(jobs).as("one job per delivery").hasSize(expected.size());
            assertThat(jobs).allMatch(job -> job.path("state").stringValue().equals("succeeded"));
            assertThat(jobs).allMatch(job -> job.path("attempts").intValue() <= 2);
            assertThat(jobs.stream().filter(job -> job.path("attempts").intValue() == 2))
                    .as("claimed again after the kill: only those in flight")
                    .hasSizeLessThanOrEqualTo(CONCURRENCY);
            assertThat(admin.get("/v1/jobs?state=failed").json().path("data")).isEmpty();

            assertThat(admin.delete("/v1/webhooks/" + endpoint.path("id").stringValue())
                            .status())
                    .isEqualTo(200);
            service.stop();
        }
    }
}
