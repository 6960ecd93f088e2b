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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * the provider receives nothing new from either; a stop of scope all engaged on the second while 8
 * clients write transfers through the first, after whose answer every transfer is refused; and the
 * controls' own connections cut through a loopback proxy while payouts wait, which makes the effective
 * mode dry at once, sends nothing, refuses money-moving writes (whether a stop is in force is not
 * known), and comes back live only after three healthy reads.
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
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Object>> each = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            each.add(clients.submit(() -> {
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
                return null;
            }));
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
        for (Future<Object> client : each) {
            client.get(90, TimeUnit.SECONDS); // a client's failed expectation surfaces here
        }
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
        // Five payouts reserved and held while the stored mode is dry, released during the cut below:
        // queued while the controls cannot be read.
        expect(admin.put("/v1/controls/mode", "{\"mode\": \"dry\", \"reason\": \"queue five\"}"), 200);
        for (int i = 0; i < 5; i++) {
            expect(admin.post(base + "/payouts", payoutBody("po-cut-" + i, connector)), 201);
        }
        Await.until(
                "the worker holds the five (dry_mode)",
                Duration.ofSeconds(20),
                () -> statuses().values().stream().allMatch("held"::equals));
        admin.goLive();
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
        // Whether a stop of scope all is in force is not known either: the ledger's guard fails closed.
        Await.until(
                "money-moving writes are refused while the controls cannot be read",
                Duration.ofSeconds(3),
                () -> admin.post(base + "/transactions", transfer("while-cut")).status() == 503);
        assertThat(admin.post(base + "/transactions", transfer("while-cut"))
                        .json()
                        .path("code")
                        .stringValue())
                .isEqualTo("storage_unavailable");
        for (int i = 0; i < 5; i++) {
            expect(admin.post(base + "/payouts/po-cut-" + i + "/release", "{}"), 200);
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
        expect(admin.post(base + "/transactions", transfer("after-cut")), 201);
    }

    @Test
    void aStopOfScopeAllEngagedOnOneInstanceRefusesEveryWriteSentToTheOtherAfterItAnswers() throws Exception {
        start(ControlSettings.DEFAULTS);
        AtomicBoolean answered = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        Map<String, Integer> afterAnswer = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<Integer>> committed = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            committed.add(clients.submit(() -> {
                // Transfers through the first instance until a second has passed since the stop answered.
                int made = 0;
                for (int n = 0; !done.get(); n++) {
                    boolean after = answered.get();
                    int status = admin.post(base + "/transactions", transfer("all-" + client + "-" + n))
                            .status();
                    if (after) {
                        afterAnswer.merge(String.valueOf(status), 1, Integer::sum);
                    } else if (status == 201) {
                        made++;
                    }
                }
                return made;
            }));
        }
        Await.until("transfers are committing", Duration.ofSeconds(30), () -> balance() >= 50);
        expect(
                second.post("/v1/controls/emergency-stop", "{\"scope\": \"all\", \"reason\": \"ledger incident\"}"),
                200);
        answered.set(true);
        // Every client sends several transfers after the answer before they stop.
        Await.until(
                "each client sent transfers after the stop answered",
                Duration.ofSeconds(30),
                () -> afterAnswer.values().stream().mapToInt(Integer::intValue).sum() >= 8 * 5);
        done.set(true);
        int before = 0;
        for (var future : committed) {
            before += future.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(afterAnswer)
                .as("statuses of transfers sent after the stop answered")
                .containsOnlyKeys("423");
        assertThat(afterAnswer.get("423")).isGreaterThan(8);
        // Nothing sent after the answer committed: the balance is the transfers answered 201 before it.
        assertThat(balance()).isEqualTo(before);
        expect(admin.post(base + "/payouts", payoutBody("po-under-all", connector)), 423);
        assertThat(admin.get(base + "/accounts/wallet").status()).isEqualTo(200);

        expect(second.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"resolved\"}", Map.of()), 200);
        Await.until(
                "transfers commit again once the stop is lifted",
                Duration.ofSeconds(5),
                () -> admin.post(base + "/transactions", transfer("after-lift")).status() == 201);
    }

    private static String transfer(String id) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"wallet\", \"to\": \"world\","
                + " \"amount\": 1, \"asset\": \"USD\"}]}";
    }

    /** How many unit transfers the wallet has sent to the world. */
    private long balance() {
        return 100_000_000L
                - admin.get(base + "/accounts/wallet")
                        .json()
                        .path("balances")
                        .path("balance")
                        .asLong();
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
