package dev.pacioli.controls;

import static dev.pacioli.controls.ControlsTest.expect;
import static dev.pacioli.controls.ControlsTest.payoutBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.app.Service;
import dev.pacioli.payments.rails.TestProvider;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.LoopbackProxy;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The controls under the conditions they exist for, each on a fresh installation of its own and an
 * {@code http} connector served by a loopback provider that records every arrival: an emergency stop
 * engaged on a second instance while 32 clients create payouts through the first, after whose answer
 * the provider receives nothing new from either; and
 * the controls' own connections cut through a loopback proxy while payouts wait, which makes the
 * effective mode dry at once, sends nothing, and comes back live only after three healthy reads.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ControlsUnderLoadTest {
    private static final int CLIENTS = 32;

    private final TestDatabases.TestDatabase shared;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private HttpTester admin;
    private HttpTester second;
    private String base;
    private String connector;

    ControlsUnderLoadTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    private TestProvider start(ControlSettings controls) throws Exception {
        Database database = TestDatabases.ownSchema(shared.database(), "pacioli_controls_load", 24);
        opened.add(() -> TestDatabases.drop(database));
        Service service = TestService.startAsInstalled(
                        "controls-load",
                        database,
                        TestService.options(0, 0)
                                .withPayments(ControlsTest.FAST)
                                .withControls(controls))
                .service();
        opened.add(service);
        // A second instance on the same database, started before any ledger exists (the ledgers'
        // writers are the first one's): its workers claim payouts too, and a stop may be engaged here.
        Service other = TestService.startAsInstalled(
                        "controls-load-2",
                        database,
                        TestService.options(0, 0)
                                .withPayments(ControlsTest.FAST)
                                .withControls(controls))
                .service();
        opened.add(other);
        second = new HttpTester(URI.create("http://127.0.0.1:" + other.port()), TestService.ADMIN_KEY);
        TestProvider provider = TestProvider.start();
        opened.add(provider);
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        admin.goLive();
        base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("load"));
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\","
                                + " \"amount\": 100000000, \"asset\": \"USD\"}]}"),
                201);
        connector = TestService.uniqueName("rail").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + connector + "\", \"kind\": \"http\", \"assets\": {\"USD\":"
                                + " \"providers:rail:USD\"}, \"config\": {\"base_url\": \"" + provider.baseUrl()
                                + "\"}}"),
                201);
        return provider;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void afterTheStopAnswersTheProviderReceivesNothingNew() throws Exception {
        TestProvider provider = start(ControlSettings.DEFAULTS);
        Set<String> before = ConcurrentHashMap.newKeySet();
        Set<String> after = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopped = new AtomicBoolean();
        CountDownLatch afterEach = new CountDownLatch(CLIENTS);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.submit(() -> {
                // Creates payouts until the stop has answered, then two more each, and ends.
                int made = 0;
                int madeAfter = 0;
                while (madeAfter < 2) {
                    boolean answered = stopped.get();
                    String id = "po-" + client + "-" + made++;
                    expect(admin.post(base + "/payouts", payoutBody(id, connector)), 201);
                    (answered ? after : before).add(id);
                    madeAfter += answered ? 1 : 0;
                }
                afterEach.countDown();
                return null;
            });
        }
        Await.until(
                "the provider is receiving payouts",
                Duration.ofSeconds(30),
                () -> provider.posts().size() >= 40);
        // Engaged on the other instance: in force on this one's workers too before the answer.
        expect(
                second.post(
                        "/v1/controls/emergency-stop", "{\"scope\": \"payouts\", \"reason\": \"provider incident\"}"),
                200);
        int atAnswer = provider.posts().size();
        stopped.set(true);
        assertThat(afterEach.await(60, TimeUnit.SECONDS)).isTrue();
        clients.shutdown();

        Await.until(
                "every payout is paid or held",
                Duration.ofSeconds(60),
                () -> statuses().values().stream().allMatch(s -> s.equals("paid") || s.equals("held")));
        Map<String, String> statuses = statuses();
        assertThat(provider.posts()).as("arrivals after the stop answered").hasSize(atAnswer);
        assertThat(after).hasSize(2 * CLIENTS);
        after.forEach(id -> assertThat(statuses.get(id)).as(id).isEqualTo("held"));
        // Each payout paid went out once; each held never went out.
        statuses.forEach((id, status) ->
                assertThat(provider.posts(ledger() + "." + id)).as(id).hasSize(status.equals("paid") ? 1 : 0));
        assertThat(before.size() + after.size()).isEqualTo(statuses.size());
    }

    @Test
    void aCutToTheControlsMakesTheModeDryAtOnceSendsNothingAndComesBackAfterThreeHealthyReads() throws Exception {
        HikariDataSource pool = (HikariDataSource) shared.database().dataSource();
        Matcher port = Pattern.compile("//[^/:]+:(\\d+)/").matcher(pool.getJdbcUrl());
        assertThat(port.find()).as(pool.getJdbcUrl()).isTrue();
        LoopbackProxy proxy = new LoopbackProxy(Integer.parseInt(port.group(1))).open();
        opened.add(proxy);
        TestProvider provider = start(ControlSettings.DEFAULTS.withJdbcUrl(
                url -> url.replaceFirst(":" + port.group(1) + "/", ":" + proxy.port() + "/")));
        Await.until(
                "live",
                Duration.ofSeconds(10),
                () -> "live".equals(effective().path("effective_mode").stringValue()));
        double changesBefore = modeChanges();

        proxy.cut();
        Await.until(
                "the effective mode falls to dry within a second of the cut (2 s allowed for the scheduler)",
                Duration.ofSeconds(2),
                () -> "dry".equals(effective().path("effective_mode").stringValue()));
        assertThat(effective().path("mode").stringValue()).isEqualTo("live");
        for (int i = 0; i < 5; i++) {
            expect(admin.post(base + "/payouts", payoutBody("po-cut-" + i, connector)), 201);
        }
        // Each payout's job is tried and put off while the controls cannot be read.
        Map<String, String> firstRunAt = runAts();
        assertThat(firstRunAt).hasSize(5);
        Await.until("every payout was tried while cut", Duration.ofSeconds(20), () -> {
            Map<String, String> now = runAts();
            return firstRunAt.keySet().stream()
                    .allMatch(key -> !firstRunAt.get(key).equals(now.get(key)));
        });
        assertThat(provider.posts()).as("submissions while cut").isEmpty();
        statuses().values().forEach(status -> assertThat(status).isEqualTo("approved"));
        assertThat(modeChanges()).isGreaterThan(changesBefore);

        proxy.open();
        Await.until(
                "live again",
                Duration.ofSeconds(20),
                () -> "live".equals(effective().path("effective_mode").stringValue()));
        assertThat(effective().path("healthy_reads").intValue()).isGreaterThanOrEqualTo(3);
        Await.until(
                "the waiting payouts are paid",
                Duration.ofSeconds(30),
                () -> statuses().values().stream().allMatch("paid"::equals));
        assertThat(provider.posts()).hasSize(5);
    }

    // ---- helpers

    private String ledger() {
        return base.substring("/v1/ledgers/".length());
    }

    private JsonNode effective() {
        return admin.get("/v1/controls").json();
    }

    private double modeChanges() {
        for (String line : admin.as(null).get("/metrics").text().split("\n")) {
            if (line.startsWith("pacioli_mode_changes_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no pacioli_mode_changes_total");
    }

    private Map<String, String> statuses() {
        Map<String, String> statuses = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = admin.get(base + "/payouts?limit=500" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.path("data")
                    .forEach(p -> statuses.put(
                            p.path("id").stringValue(), p.path("status").stringValue()));
            cursor = page.path("next_cursor").isString()
                    ? page.path("next_cursor").stringValue()
                    : null;
        } while (cursor != null);
        return statuses;
    }

    private Map<String, String> runAts() {
        Map<String, String> runAts = new HashMap<>();
        admin.get("/v1/jobs?type=payout.execute&limit=500").json().path("data").forEach(job -> {
            if (job.path("key").stringValue().startsWith(ledger() + "/")) {
                runAts.put(job.path("key").stringValue(), job.path("run_at").asString());
            }
        });
        return runAts;
    }
}
