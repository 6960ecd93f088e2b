package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import dev.pacioli.postgres.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * What an operator relies on: request ids, the 401 challenge, readiness, the Prometheus series and
 * their labels, and the per-key rate limit.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class OperationsTest {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern ROUTE_LABEL = Pattern.compile("route=\"([^\"]*)\"");

    private final TestService.Running service;
    private final HttpTester admin;

    OperationsTest(TestService.Running service) {
        this.service = service;
        this.admin = service.admin();
    }

    // ---- Request ids ----------------------------------------------------------------------------

    @Test
    void aValidRequestIdIsEchoed() {
        for (String id : List.of("req-123", "a", "Trace:42.abc_DEF-9", "x".repeat(128))) {
            Response response = admin.send("GET", "/health/live", null, Map.of("X-Request-Id", id));
            assertThat(response.header("X-Request-Id")).as(id).isEqualTo(id);
            Response problem = admin.as(null).send("GET", "/v1/ledgers", null, Map.of("X-Request-Id", id));
            assertThat(problem.status()).isEqualTo(401);
            assertThat(problem.header("X-Request-Id")).isEqualTo(id);
            assertThat(problem.json().path("request_id").stringValue()).isEqualTo(id);
        }
    }

    @Test
    void anInvalidRequestIdIsReplacedByAGeneratedOne() {
        for (String id : List.of("x".repeat(129), "y".repeat(200), "has spaces", "a/b", "quote\"d", "semi;colon")) {
            Response response = admin.send("GET", "/v1/assets", null, Map.of("X-Request-Id", id));
            assertThat(response.status()).isEqualTo(200);
            String echoed = response.header("X-Request-Id");
            assertThat(echoed).as(id).isNotNull().isNotEqualTo(id);
            assertThat(REQUEST_ID.matcher(echoed).matches()).as(echoed).isTrue();
        }
    }

    @Test
    void aMissingRequestIdIsGeneratedAndUnique() {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            String id = admin.get("/health/live").header("X-Request-Id");
            assertThat(id).isNotNull();
            assertThat(REQUEST_ID.matcher(id).matches()).as(id).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(5);
    }

    @Test
    void everyProblemCarriesTheRequestIdOfItsHeader() {
        String ledger = ledgerWithAccounts();
        String reader = createKey("reader", null);
        List<Response> problems = new ArrayList<>();
        problems.add(admin.as(null).get("/v1/ledgers")); // 401
        problems.add(admin.as(reader).post("/v1/ledgers/" + ledger + "/verify", "{}")); // 403
        problems.add(admin.get("/v1/ledgers/" + ledger + "/transactions?colour=red")); // 400
        problems.add(admin.post("/v1/ledgers/" + ledger + "/transactions", "{\"id\": ")); // 400 malformed
        problems.add(admin.get("/v1/ledgers/no-such-ledger-ops")); // 404 ledger
        problems.add(admin.get("/v1/ledgers/" + ledger + "/accounts/nobody")); // 404 account
        problems.add(admin.get("/v1/no-such-route")); // 404 route
        problems.add(admin.delete("/v1/ledgers")); // 405
        problems.add(admin.send(
                "POST",
                "/v1/ledgers/" + ledger + "/transactions",
                "id=1",
                Map.of("Content-Type", "text/plain"))); // 415
        problems.add(admin.post(
                "/v1/ledgers/" + ledger + "/transactions",
                "{\"id\": \"too-much\", \"postings\": [{\"from\": \"wallet\", \"to\": \"world\", \"amount\": 5,"
                        + " \"asset\": \"USD\"}]}")); // 422
        List<Integer> statuses = new ArrayList<>();
        for (Response problem : problems) {
            statuses.add(problem.status());
            assertThat(problem.header("Content-Type")).as(problem.toString()).startsWith("application/problem+json");
            String header = problem.header("X-Request-Id");
            assertThat(header).as(problem.toString()).isNotNull();
            assertThat(problem.json().path("request_id").stringValue())
                    .as(problem.toString())
                    .isEqualTo(header);
        }
        assertThat(statuses).containsExactly(401, 403, 400, 400, 404, 404, 404, 405, 415, 422);
    }

    // ---- Authentication challenge ---------------------------------------------------------------

    @Test
    void everyUnauthorizedAnswerChallengesForABearerToken() {
        String revoked = createKey("reader", null);
        String revokedId = keyId(revoked);
        assertThat(admin.delete("/v1/api-keys/" + revokedId).status()).isEqualTo(200);
        List<Response> refused = List.of(
                admin.as(null).get("/v1/assets"),
                admin.as(Authenticator.newSecret()).get("/v1/assets"),
                admin.as(revoked).get("/v1/assets"),
                admin.as(null).send("GET", "/v1/assets", null, Map.of("Authorization", "Basic YWRtaW46YWRtaW4=")),
                admin.as(null).send("GET", "/v1/assets", null, Map.of("Authorization", "Bearer ")),
                admin.as(null).send("GET", "/v1/assets", null, Map.of("Authorization", "Bearer " + "k".repeat(300))));
        for (Response response : refused) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.code()).isEqualTo("unauthorized");
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        }
    }

    // ---- Health and metrics ---------------------------------------------------------------------

    @Test
    void readyWithTheDatabaseAndWritersOk() {
        Response ready = admin.as(null).get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        JsonNode body = ready.json();
        assertThat(body.path("status").stringValue()).isEqualTo("ready");
        assertThat(body.path("checks").path("database").stringValue()).isEqualTo("ok");
        assertThat(body.path("checks").path("writers").stringValue()).isEqualTo("ok");
        Response live = admin.as(null).get("/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().path("status").stringValue()).isEqualTo("ok");
    }

    @Test
    void metricsHaveEverySeriesAndRouteLabelsAreTemplates() {
        String ledger = ledgerWithAccounts();
        String base = "/v1/ledgers/" + ledger;
        assertThat(admin.post(
                                base + "/transactions",
                                "{\"id\": \"m-1\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\","
                                        + " \"amount\": 5, \"asset\": \"USD\"}]}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.get(base + "/transactions/m-1").status()).isEqualTo(200);
        assertThat(admin.get(base + "/accounts/wallet").status()).isEqualTo(200);
        String unrouted = "/v1/" + TestService.uniqueName("nowhere");
        assertThat(admin.get(unrouted).status()).isEqualTo(404);

        Response scraped = admin.as(null).get("/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.header("Content-Type")).startsWith("text/plain");
        String metrics = scraped.text();
        String label = "ledger=\"" + ledger + "\"";
        for (String series : List.of(
                "pacioli_transactions_total",
                "pacioli_batch_operations_count",
                "pacioli_commit_seconds_bucket",
                "pacioli_queue_depth",
                "pacioli_writer_running")) {
            assertThat(lines(metrics, series)).as(series + " for " + ledger).anyMatch(line -> line.contains(label));
        }
        assertThat(lines(metrics, "pacioli_writer_running"))
                .filteredOn(line -> line.contains(label))
                .allMatch(line -> line.endsWith(" 1.0") || line.endsWith(" 1"));
        assertThat(lines(metrics, "pacioli_http_requests_seconds_count"))
                .anyMatch(line -> line.contains("route=\"/v1/ledgers/{ledger}/transactions\""))
                .anyMatch(line -> line.contains("route=\"/v1/ledgers/{ledger}/transactions/{id}\""))
                .anyMatch(line -> line.contains("route=\"/v1/ledgers/{ledger}/accounts/{id}\""));

        Set<String> templates = new TreeSet<>();
        OpenApiContract.load()
                .operations()
                .forEach(operation -> templates.add(operation.substring(operation.indexOf(' ') + 1)));
        Set<String> routes = new TreeSet<>();
        Matcher matcher = ROUTE_LABEL.matcher(metrics);
        while (matcher.find()) {
            routes.add(matcher.group(1));
        }
        assertThat(routes).contains("/v1/ledgers/{ledger}/transactions");
        assertThat(routes)
                .as("route labels are the documented templates (or one label for every unrouted path)")
                .allMatch(route -> templates.contains(route) || !route.startsWith("/"));
        assertThat(metrics).doesNotContain(unrouted).doesNotContain("/v1/ledgers/" + ledger);
    }

    // ---- Rate limit -----------------------------------------------------------------------------

    @Test
    void theRateLimitIsPerKeyWithRetryAfter() throws Exception {
        String schema = "pacioli_rate_" + ProcessHandle.current().pid();
        Database database = freshDatabase(schema);
        TestService.Running limitedService = null;
        try {
            limitedService = TestService.start("rate", database, 5, 5);
            HttpTester rateAdmin = limitedService.admin();
            Response key = rateAdmin.post("/v1/api-keys", "{\"name\": \"limited\", \"role\": \"reader\"}");
            assertThat(key.status()).isEqualTo(201);
            HttpTester limited = rateAdmin.as(key.json().path("secret").stringValue());

            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Response response = limited.get("/v1/assets");
                assertThat(response.status())
                        .as("burst request " + i + ": " + response)
                        .isEqualTo(200);
            }
            Response refused = null;
            int extra = 0;
            for (int i = 0; i < 50 && refused == null; i++) {
                Response response = limited.get("/v1/assets");
                if (response.status() == 429) {
                    refused = response;
                } else {
                    assertThat(response.status()).as(response.toString()).isEqualTo(200);
                    extra++;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(refused).as("a 429 after the burst").isNotNull();
            assertThat(extra)
                    .as("requests allowed beyond the burst of 5 in %.3f s at 5/s", seconds)
                    .isLessThanOrEqualTo((int) Math.ceil(seconds * 5) + 1);
            assertThat(refused.code()).isEqualTo("rate_limited");
            assertThat(refused.json().path("request_id").stringValue()).isEqualTo(refused.header("X-Request-Id"));
            String retryAfter = refused.header("Retry-After");
            assertThat(retryAfter).isNotNull().matches("[0-9]+");
            assertThat(Long.parseLong(retryAfter)).isGreaterThanOrEqualTo(1);

            // Another key is not limited by this one's use; nor are the unauthenticated routes.
            assertThat(rateAdmin.get("/v1/assets").status()).isEqualTo(200);
            assertThat(limited.get("/health/live").status()).isEqualTo(200);
            assertThat(limited.get("/metrics").status()).isEqualTo(200);

            // After Retry-After, the key may call again.
            Thread.sleep(Long.parseLong(retryAfter) * 1_000);
            assertThat(limited.get("/v1/assets").status()).isEqualTo(200);
        } finally {
            if (limitedService != null) {
                limitedService.service().close();
            }
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + schema + " cascade");
            } catch (SQLException e) {
                throw new AssertionError("could not drop " + schema, e);
            } finally {
                database.close();
            }
        }
    }

    /**
     * A new, migrated schema on this test's PostgreSQL server. The external server is reached by its
     * URL. The embedded one is reached by the URL of the server already running: opening it again with
     * {@code Database.embedded} works, but closing that second handle stops the server under every
     * other test of the JVM.
     */
    private Database freshDatabase(String schema) {
        DatabaseUrl url;
        if (service.database().isEmbedded()) {
            HikariDataSource running = (HikariDataSource) service.database().dataSource();
            url = new DatabaseUrl(running.getJdbcUrl(), running.getUsername(), running.getPassword());
        } else {
            url = DatabaseUrl.parse(System.getenv(TestDatabases.EXTERNAL_URL_VARIABLE));
        }
        Database database = Database.connect(url, schema, 4);
        try {
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private String ledgerWithAccounts() {
        String ledger = TestService.uniqueName("ops");
        admin.openLedgerWithWorldAndWallet(ledger);
        return ledger;
    }

    private final Map<String, String> keyIds = new HashMap<>();

    private String createKey(String role, String ledger) {
        String ledgers = ledger == null ? "" : ", \"ledgers\": [\"" + ledger + "\"]";
        Response created = admin.post("/v1/api-keys", "{\"name\": \"ops\", \"role\": \"" + role + "\"" + ledgers + "}");
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("secret").stringValue();
        keyIds.put(secret, created.json().path("id").stringValue());
        return secret;
    }

    private String keyId(String secret) {
        return keyIds.get(secret);
    }

    private static List<String> lines(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + "{") || line.startsWith(series + " "))
                .toList();
    }
}
