package dev.pacioli.controls.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Limits through the real service on a schema of its own: really concurrent transfers against one
 * account never pass a window only some fit, usage and enforcement survive a restart of the service on
 * the same database, and every change is audited and evented.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class LimitsHttpTest {
    private static final int CONCURRENT = 64;

    private final Database own;
    private TestService.Running service;
    private HttpTester admin;

    LimitsHttpTest(TestDatabases.TestDatabase database) {
        this.own = TestDatabases.ownSchema(database.database(), "pacioli_limits", 24);
        start();
    }

    private void start() {
        service = TestService.start("limits", own, 0, 0);
        admin = service.admin();
    }

    @AfterEach
    void stop() {
        service.service().close();
        TestDatabases.drop(own);
    }

    private String ledger(String name) {
        String base = admin.openLedgerWithWorldAndWallet(name);
        assertThat(admin.post(base + "/transactions", transfer("fund", "world", "wallet", 1_000_000))
                        .status())
                .isEqualTo(201);
        return base;
    }

    private static String transfer(String id, String from, String to, long amount) {
        return "{\"id\": \"%s\", \"postings\": [{\"from\": \"%s\", \"to\": \"%s\", \"amount\": %d, \"asset\": \"USD\"}]}"
                .formatted(id, from, to, amount);
    }

    private static String window(long seconds, long amount) {
        return "{\"accounts\": \"wallet\", \"asset\": \"USD\", \"direction\": \"debit\", \"window_seconds\": " + seconds
                + ", \"max_amount_per_window\": " + amount + "}";
    }

    @Test
    void concurrentTransfersCommitExactlyAsManyAsTheWindowFits() throws Exception {
        String base = ledger("limits-race");
        try (ExecutorService threads = Executors.newFixedThreadPool(CONCURRENT)) {
            // Every round's transfers stay in the later rounds' windows, so each round's limit is set to
            // fit what the rounds before it committed and exactly `fits` more.
            int committed = 0;
            for (int round = 0; round < 4; round++) {
                int fits = 5 + 9 * round;
                String limit = base + "/limits/race-" + round;
                assertThat(admin.put(limit, window(3_600, 10L * (committed + fits)))
                                .status())
                        .isEqualTo(201);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    String body = transfer("r" + round + "-" + i, "wallet", "world", 10);
                    answers.add(threads.submit(() -> {
                        start.await();
                        return admin.post(base + "/transactions", body);
                    }));
                }
                start.countDown();
                int created = 0;
                for (Future<Response> answer : answers) {
                    Response response = answer.get();
                    if (response.status() == 201) {
                        created++;
                    } else {
                        assertThat(response.code()).as(response.toString()).isEqualTo("limit_exceeded");
                        assertThat(response.json().path("limit_id").stringValue())
                                .isEqualTo("race-" + round);
                        assertThat(response.json().path("remaining").longValue())
                                .isZero();
                    }
                }
                assertThat(created).as("round %d", round).isEqualTo(fits);
                committed += created;
                JsonNode usage = admin.get(limit + "/usage?account=wallet").json();
                assertThat(usage.path("used_amount").longValue()).isEqualTo(10L * committed);
                assertThat(usage.path("remaining_amount").longValue()).isZero();
                assertThat(admin.delete(limit).status()).isEqualTo(200);
            }
        }
        assertThat(admin.post(base + "/verify", "{}").json().path("ok").booleanValue())
                .isTrue();
    }

    @Test
    void aRestartOfTheServiceKeepsUsageAndEnforcement() {
        String base = ledger("limits-restart");
        assertThat(admin.put(base + "/limits/daily", window(86_400, 1_000)).status())
                .isEqualTo(201);
        assertThat(admin.post(base + "/transactions", transfer("a", "wallet", "world", 600))
                        .status())
                .isEqualTo(201);
        String hold = "{\"id\": \"h\", \"pending\": true, \"postings\": [{\"from\": \"wallet\", \"to\": \"world\","
                + " \"amount\": 300, \"asset\": \"USD\"}]}";
        assertThat(admin.post(base + "/transactions", hold).status()).isEqualTo(201);
        service.service().close();
        start();
        JsonNode usage = admin.get(base + "/limits/daily/usage?account=wallet").json();
        assertThat(usage.path("used_amount").longValue()).isEqualTo(900);
        assertThat(usage.path("used_count").longValue()).isEqualTo(2);
        assertThat(usage.path("remaining_amount").longValue()).isEqualTo(100);
        assertThat(usage.path("window_seconds").longValue()).isEqualTo(86_400);
        Response refused = admin.post(base + "/transactions", transfer("b", "wallet", "world", 101));
        assertThat(refused.code()).isEqualTo("limit_exceeded");
        assertThat(refused.json().path("remaining").longValue()).isEqualTo(100);
        // A voided pending gives its amount back, across the restart too.
        assertThat(admin.post(base + "/transactions/h/void", "{}").status()).isEqualTo(200);
        assertThat(admin.post(base + "/transactions", transfer("b", "wallet", "world", 400))
                        .status())
                .isEqualTo(201);
        assertThat(admin.get(base + "/limits/daily").json().path("version").longValue())
                .isEqualTo(1);
        JsonNode verified = admin.post(base + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
        assertThat(verified.path("checked").path("transactions_under_limits").longValue())
                .isEqualTo(3);
    }

    @Test
    void everyChangeIsAuditedAndEventedWithItsLedger() {
        String base = ledger("limits-audit");
        String ledger = base.substring(base.lastIndexOf('/') + 1);
        assertThat(admin.put(base + "/limits/l1", window(60, 100)).status()).isEqualTo(201);
        assertThat(admin.put(base + "/limits/l1", window(60, 100)).status()).isEqualTo(200);
        assertThat(admin.put(base + "/limits/l1", window(60, 200)).status()).isEqualTo(200);
        assertThat(admin.delete(base + "/limits/l1").status()).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        for (JsonNode record :
                admin.get("/v1/audit-log?object_id=l1&ledger=" + ledger).json().path("data")) {
            actions.add(record.path("action").stringValue());
        }
        assertThat(actions).containsExactlyInAnyOrder("limit.created", "limit.replaced", "limit.deleted");
        List<String> events = new ArrayList<>();
        for (JsonNode event :
                admin.get("/v1/events?limit=1000&ledger=" + ledger).json().path("data")) {
            if (ledger.equals(event.path("ledger").stringValue())) {
                events.add(event.path("type").stringValue());
            }
        }
        assertThat(events).containsExactly("limit.created", "limit.replaced", "limit.deleted");
    }
}
