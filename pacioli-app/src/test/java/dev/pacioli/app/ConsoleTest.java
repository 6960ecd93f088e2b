package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The operator console in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver ({@link ConsoleBrowser}), against a real service on a schema of this class's
 * own, with payouts' deadlines in seconds so a stuck payout gets stuck while the test looks. (Its own
 * service also keeps the console's routes, which are files and not in openapi.yaml, out of the shared
 * service's metrics, whose route labels OperationsTest holds to the documented templates.)
 *
 * <p>What the issue asks of the console, each a test: sign in; find an account and see its statement
 * and balance chart; approve a payout with two different principals, the first refused a second
 * approval and the creator refused any; engage and lift the emergency stop through the page's
 * confirmation; a stuck payout on the overview; a reconciliation proposal accepted. The key stays in
 * the tab's session storage only; an inline script or handler injected into the page is refused by the
 * browser under the policy, and seen in its log. After every test the browser's logs must show no
 * request to another origin and no Content-Security-Policy violation nor script error; each page is
 * kept as a screenshot under {@code target/console-screenshots/}. The files' own headers (CSP and the
 * rest) and the refusal of any path outside the console's list are checked over plain HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {
    private static final PaymentSettings FAST = new PaymentSettings(
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            Duration.ofMillis(500),
            Duration.ofMillis(500),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));

    private static Database own;
    private static Service service;
    private static HttpTester admin;
    private static String origin;
    private static ConsoleSeed seed;
    private static ConsoleBrowser browser;

    @BeforeAll
    static void start() {
        own = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_console", 8);
        service = Service.start(
                own,
                new Service.Options(
                                Path.of("target", "test-data"),
                                TestService.ADMIN_KEY,
                                new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                                EngineConfig.DEFAULTS)
                        .withPayments(FAST));
        origin = "http://127.0.0.1:" + service.port();
        admin = new HttpTester(URI.create(origin), TestService.ADMIN_KEY);
        admin.goLive();
        seed = ConsoleSeed.plant(admin);
        browser = ConsoleBrowser.open(origin, Path.of("target", "console-screenshots"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (service != null) {
            service.close();
        }
        if (own != null) {
            TestDatabases.drop(own);
        }
    }

    /** Every page the test showed: same origin only, no CSP violation, no script error. */
    @AfterEach
    void theBrowserStayedOnThisOriginWithinItsPolicy() {
        browser.assertCleanLogs();
    }

    @Test
    @Order(1)
    void theFilesCarryAStrictPolicyAndNeedNoKey() throws IOException {
        HttpTester anonymous = admin.as(null);
        for (String path : List.of(
                "/console", "/console/", "/console/app.js", "/console/console.css", "/console/vendor/uPlot.esm.js")) {
            Response file = anonymous.raw("GET", path, null, null, Map.of());
            assertThat(file.status()).as(path).isEqualTo(200);
            assertThat(file.header("Content-Security-Policy")).as(path).isEqualTo(ConsoleRoutes.CSP);
            assertThat(file.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(file.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(file.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(file.header("ETag")).startsWith("\"");
        }
        assertThat(ConsoleRoutes.CSP)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(contentType(anonymous, "/console")).isEqualTo("text/html;charset=utf-8");
        assertThat(contentType(anonymous, "/console/app.js")).isEqualTo("text/javascript;charset=utf-8");
        assertThat(contentType(anonymous, "/console/vendor/uPlot.esm.js")).isEqualTo("text/javascript;charset=utf-8");
        assertThat(contentType(anonymous, "/console/console.css")).isEqualTo("text/css;charset=utf-8");
        String etag =
                anonymous.raw("GET", "/console/app.js", null, null, Map.of()).header("ETag");
        assertThat(anonymous
                        .raw("GET", "/console/app.js", null, null, Map.of("If-None-Match", etag))
                        .status())
                .isEqualTo(304);
        // No inline script or style in the page itself: the policy would refuse them anyway.
        String page = anonymous.raw("GET", "/console", null, null, Map.of()).text();
        assertThat(page).doesNotContain("style=", "<style", "onclick", "javascript:");
        assertThat(page.replaceAll("<script type=\"module\" src=\"/console/app.js\"></script>", ""))
                .doesNotContain("<script");
        // Every file of the console's directory is served, so none is forgotten in the list.
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "console"))) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(ConsoleRoutes.FILES);
        }
        Response missing = anonymous.raw("GET", "/console/missing.js", null, null, Map.of());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Security-Policy")).isEqualTo(ConsoleRoutes.CSP);
    }

    @Test
    @Order(2)
    void noPathReachesAFileOutsideTheConsolesList() throws IOException {
        List<String> attempts = List.of(
                "/console/../openapi.yaml",
                "/console/..%2fopenapi.yaml",
                "/console/%2e%2e/openapi.yaml",
                "/console/%2e%2e%2fopenapi.yaml",
                "/console/vendor/../../openapi.yaml",
                "/console/vendor/..%2f..%2fopenapi.yaml",
                "/console/vendor/uPlot.cjs.js",
                "/console/vendor/package.json",
                "/console/..%5copenapi.yaml",
                "/console/openapi.yaml",
                "/console/logback.xml",
                "/console/ConsoleRoutes.class",
                "/console/%2fetc%2fpasswd",
                "/console/vendor/%2e%2e%2f%2e%2e%2fMETA-INF%2fMANIFEST.MF");
        for (String attempt : attempts) {
            String answer = rawGet(attempt);
            String status = answer.substring(0, answer.indexOf("\r\n"));
            assertThat(status).as(attempt).matches("HTTP/1\\.1 (400|404) .*");
            assertThat(answer).as(attempt).doesNotContain("openapi: ", "root:", "Manifest-Version");
        }
    }

    @Test
    @Order(3)
    void anUnknownKeyIsRefusedAndAKnownOneStaysInTheTabsSessionStorageOnly() {
        browser.go("#/overview");
        browser.signOutIfSignedIn();
        browser.type("#api-key", "pacioli_not_a_key_0123456789abcdefghijklmn");
        browser.click("#sign-in-button");
        browser.waitForText("#sign-in-error", "unknown or revoked");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);

        browser.signIn(TestService.ADMIN_KEY);
        assertThat(browser.script("return sessionStorage.getItem('pacioli.console.key')"))
                .isEqualTo(TestService.ADMIN_KEY);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat((String) browser.script("return location.href")).doesNotContain(TestService.ADMIN_KEY);
        browser.shoot("sign-in-done");
    }

    @Test
    @Order(4)
    void aReaderSeesWhatItsRoleAllowsAndTheServersRefusalOfTheRest() {
        browser.signIn(seed.alice());
        browser.go("#/overview");
        browser.waitForText("main", "Mode and emergency stop");
        browser.waitForText("main", "403 forbidden: this needs the operator role; the key is reader");
        browser.shoot("overview-reader");
        browser.go("#/controls");
        browser.click("#stop-payouts");
        browser.waitFor("dialog#confirm[open]");
        browser.type("#confirm-reason", "a reader tries");
        browser.click("#confirm-yes");
        browser.waitForText("#controls-result", "403 forbidden: this needs the operator role");
        assertThat(admin.get("/v1/controls").json().path("emergency_stop").isNull())
                .isTrue();
    }

    @Test
    @Order(5)
    void thePolicyIsEnforcedInTheBrowserAndItsViolationsAreSeen() {
        browser.signIn(TestService.ADMIN_KEY);
        browser.waitForText("main", "Mode and emergency stop");
        browser.script("const s = document.createElement('script'); s.textContent = 'window.injected = 1;';"
                + " document.body.append(s);"
                + " const d = document.createElement('div'); d.setAttribute('onclick', 'window.injected = 2');"
                + " document.body.append(d); d.click();");
        assertThat(browser.script("return window.injected === undefined")).isEqualTo(true);
        List<String> refused = browser.violations();
        assertThat(refused).isNotEmpty().allMatch(message -> message.contains("Content Security Policy"));
    }

    @Test
    @Order(6)
    void signInThenFindAnAccountAndSeeItsStatementAndBalanceChart() {
        browser.signIn(TestService.ADMIN_KEY);
        browser.go("#/ledgers");
        browser.waitForText("main", seed.ledger());
        browser.shoot("ledgers");
        browser.go("#/ledgers/" + seed.ledger());
        browser.type("#account-search", "wal");
        browser.click("#account-find");
        browser.waitForText("main", "Accounts starting with");
        browser.shoot("accounts");
        browser.clickLink("wallet");
        long balance = admin.get(seed.base() + "/accounts/wallet")
                .json()
                .path("balances")
                .path("balance")
                .longValue();
        browser.waitForText("#account-balance", Long.toString(balance));
        browser.waitFor("figure.chart canvas");
        assertThat(browser.text("figure.chart")).contains("Balance over time");
        for (String transaction : List.of("fund-1", "fund-2", "fund-3")) {
            assertThat(browser.text("#statement")).contains(transaction);
        }
        browser.shoot("account");
        browser.clickLink("fund-2");
        browser.waitForText("main", "Postings");
        String hash = admin.get(seed.base() + "/transactions/fund-2")
                .json()
                .path("hash")
                .stringValue();
        assertThat(browser.text("#transaction-hash")).isEqualTo(hash);
        assertThat(browser.text("main")).contains("Reversed by", "fund-2-reversal", "world", "wallet");
        browser.shoot("transaction");
    }

    @Test
    @Order(7)
    void twoOtherPrincipalsApproveThroughThePageAndTheServersRefusalsShow() {
        String payout = seed.approvalPayout();
        String hash = admin.get(seed.base() + "/payouts/" + payout)
                .json()
                .path("payload_hash")
                .stringValue();

        browser.signIn(seed.alice());
        browser.go("#/payouts/" + seed.ledger());
        String item = "article[data-payout='" + payout + "']";
        browser.waitFor(item);
        assertThat(browser.text(item + " [data-hash]")).isEqualTo(hash);
        assertThat(browser.text(item + " pre.payload")).contains("\"amount\": 5000", "acct-approve");
        browser.shoot("payouts");
        browser.click(item + " button[data-action=approve]");
        browser.waitForText(item + " [data-result]", "1 of 2 approvals (alice)");
        browser.click(item + " button[data-action=approve]");
        browser.waitForText(item + " [data-result]", "409 already_approved_by_principal");

        browser.signIn(seed.makerApprover());
        browser.go("#/payouts/" + seed.ledger());
        browser.waitFor(item);
        browser.click(item + " button[data-action=approve]");
        browser.waitForText(item + " [data-result]", "403 approver_is_creator");
        browser.shoot("payouts-creator-refused");

        browser.signIn(seed.bob());
        browser.go("#/payouts/" + seed.ledger());
        browser.waitFor(item);
        browser.click(item + " button[data-action=approve]");
        browser.waitForText(item + " [data-result]", "2 of 2 approvals (alice, bob)");

        JsonNode approved = admin.get(seed.base() + "/payouts/" + payout).json();
        assertThat(approved.path("approvals").findValuesAsString("principal")).containsExactly("alice", "bob");
        assertThat(approved.path("status").stringValue()).isNotEqualTo("requires_approval");
        browser.go("#/payouts/" + seed.ledger() + "/" + payout);
        browser.waitForText("main", "History");
        assertThat(browser.text("main")).contains("alice, bob");
        browser.shoot("payout");
    }

    @Test
    @Order(8)
    void engageAndLiftTheEmergencyStopBehindTheConfirmation() {
        browser.signIn(TestService.ADMIN_KEY);
        browser.go("#/controls");
        browser.waitForText("#controls-stop", "not engaged");
        // Cancelled in the dialog: nothing happens.
        browser.click("#stop-payouts");
        browser.waitFor("dialog#confirm[open]");
        browser.click("#confirm-no");
        browser.waitForText("#controls-stop", "not engaged");
        assertThat(admin.get("/v1/controls").json().path("emergency_stop").isNull())
                .isTrue();

        browser.click("#stop-payouts");
        browser.waitFor("dialog#confirm[open]");
        browser.shoot("controls-confirm");
        browser.type("#confirm-reason", "console drill");
        browser.click("#confirm-yes");
        browser.waitForText("#controls-stop", "engaged");
        browser.waitForText("#controls-stop", "console drill");
        JsonNode stop = admin.get("/v1/controls").json().path("emergency_stop");
        assertThat(stop.path("scope").stringValue()).isEqualTo("payouts");
        browser.shoot("controls-stopped");
        browser.go("#/overview");
        browser.waitForText("#overview-stop", "engaged: payouts");

        browser.go("#/controls");
        browser.click("#stop-lift");
        browser.waitFor("dialog#confirm[open]");
        browser.type("#confirm-reason", "drill over");
        browser.click("#confirm-yes");
        browser.waitForText("#controls-stop", "not engaged");
        assertThat(admin.get("/v1/controls").json().path("emergency_stop").isNull())
                .isTrue();
        assertThat(admin.get("/v1/audit-log?action=controls.emergency_stop_lifted")
                        .json()
                        .path("data")
                        .findValuesAsString("reason"))
                .contains("drill over");
        browser.shoot("controls");
    }

    @Test
    @Order(9)
    void aStuckPayoutAppearsOnTheOverview() {
        Await.until(
                "the stuck payout needs review",
                Duration.ofSeconds(30),
                () -> "needs_review"
                        .equals(admin.get(seed.base() + "/payouts/" + seed.stuckPayout())
                                .json()
                                .path("status")
                                .stringValue()));
        browser.signIn(TestService.ADMIN_KEY);
        browser.go("#/overview");
        browser.waitForText("#stuck-payouts", seed.stuckPayout());
        assertThat(browser.text("#stuck-payouts")).contains("needs_review");
        browser.waitForText("main", "Open alerts");
        browser.waitForText("main", "sim-console");
        browser.waitForText("main", "Writer per ledger");
        browser.shoot("overview");
    }

    @Test
    @Order(10)
    void aReconciliationProposalIsAcceptedThroughThePage() {
        browser.signIn(TestService.ADMIN_KEY);
        browser.go("#/reconciliation/" + seed.ledger());
        browser.type("#run-id", seed.reconciliationRun());
        browser.click("#open-run");
        browser.waitForText("#run", "Proposals");
        browser.waitFor("#run button[data-proposal]");
        String proposal = browser.attribute("#run button[data-proposal]", "data-proposal");
        browser.shoot("reconciliation-run");
        browser.click("#run button[data-proposal]");
        browser.waitForText("#run", "Proposal " + proposal + " accepted.");
        assertThat(admin.get("/v1/audit-log?action=reconciliation_proposal.accepted&object_id=" + proposal)
                        .json()
                        .path("data"))
                .hasSize(1);
    }

    @Test
    @Order(11)
    void everyPageRendersItsData() {
        browser.signIn(TestService.ADMIN_KEY);
        for (ConsoleSeed.Page page : seed.pages()) {
            browser.go(page.hash());
            for (String text : page.texts()) {
                browser.waitForText("main", text);
            }
            if (page.chart()) {
                browser.waitFor("figure.chart canvas");
            }
            browser.shoot(page.name());
        }
        browser.assertCleanLogs();
        assertThat(browser.requests())
                .as("the check of origins saw the pages' requests")
                .contains(origin + "/console/vendor/uPlot.esm.js", origin + "/console/app.js")
                .anyMatch(url -> url.startsWith(origin + "/v1/"));
    }

    /** The answer's media type and charset, however the server spaced them. */
    private static String contentType(HttpTester client, String path) {
        return client.raw("GET", path, null, null, Map.of())
                .header("Content-Type")
                .replace(" ", "");
    }

    /** One request written by hand, so that no client normalises the path before the server sees it. */
    private static String rawGet(String path) throws IOException {
        URI uri = URI.create(origin);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
