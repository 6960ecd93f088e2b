package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.clearing.ClearingWalkthrough;
import dev.pacioli.controls.screening.Subject;
import dev.pacioli.controls.screening.TestObjects;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.postgres.Database;
import dev.pacioli.reconciliation.ReconciliationFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may call what: every operation of the API against every kind of caller (no key, an unknown key,
 * a revoked key, and a key of each role), asserting allowed, 403 {@code forbidden} or 401
 * {@code unauthorized} as API.md's role rules say, and then ledger scope: a key scoped to one ledger
 * cannot see or touch another, and a scoped admin cannot widen its own reach.
 *
 * <p>Each allowed call is a request that succeeds or fails for business reasons only, so the table
 * tests authorization, not validation. Callers are tried least privileged first, and the first
 * allowed call must get exactly its success status: so every refused call before it changed nothing.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class RoleMatrixTest {
    /** One ledger set-up per database, shared by every test of this class. */
    private static final Map<String, Fixture> FIXTURES = new ConcurrentHashMap<>();

    /** The least role an operation needs; OPEN needs no key at all. */
    enum Need {
        OPEN,
        READER,
        WRITER,
        OPERATOR,
        ADMIN
    }

    /**
     * The callers, tried in this order. The flagged ones prove that a flag never raises a role: a reader
     * with every flag is refused all that a reader is. A route that needs a flag states it beside the
     * role in its row (and openapi.yaml in {@code x-pacioli-flags}), and every caller without it is
     * refused, unless the row waives the flags for a role ({@code x-pacioli-flags-waived-for}): the audit
     * log is for admins, or any role with {@code compliance} ({@code FlagGateTest} shows the gate's rule
     * on routes of its own).
     */
    enum Caller {
        NO_KEY(null),
        UNKNOWN_KEY(null),
        REVOKED_KEY(null),
        READER(Need.READER),
        READER_WITH_EVERY_FLAG(Need.READER, "approver", "compliance"),
        WRITER(Need.WRITER),
        WRITER_COMPLIANCE(Need.WRITER, "compliance"),
        OPERATOR(Need.OPERATOR),
        OPERATOR_APPROVER(Need.OPERATOR, "approver"),
        ADMIN(Need.ADMIN);

        final Need role;
        final List<String> flags;

        Caller(Need role, String... flags) {
            this.role = role;
            this.flags = List.of(flags);
        }

        boolean may(Need need) {
            return need == Need.OPEN || (role != null && role.compareTo(need) >= 0);
        }
    }

    /**
     * One operation of the table.
     *
     * @param template the operation as openapi.yaml names it, {@code "METHOD /path/{template}"}
     * @param path the concrete path (with query) for a ledger of the fixture
     * @param body the JSON body, or null for none
     * @param firstStatus what the first allowed caller must get
     * @param headers the headers sent with a body (a webhook's signature), besides the key
     */
    record Operation(
            String name,
            String template,
            Need need,
            List<String> flags,
            Need flagsWaivedFor,
            PathBuilder path,
            Function<Fixture, String> body,
            int firstStatus,
            Function<String, Map<String, String>> headers) {
        /** An operation that sends no headers of its own. */
        Operation(
                String name,
                String template,
                Need need,
                List<String> flags,
                Need flagsWaivedFor,
                PathBuilder path,
                Function<Fixture, String> body,
                int firstStatus) {
            this(name, template, need, flags, flagsWaivedFor, path, body, firstStatus, sent -> Map.of());
        }

        /** An operation that needs no flag. */
        Operation(
                String name,
                String template,
                Need need,
                PathBuilder path,
                Function<Fixture, String> body,
                int firstStatus) {
            this(name, template, need, List.of(), null, path, body, firstStatus);
        }

        boolean allows(Caller caller) {
            return caller.may(need)
                    && (caller.flags.containsAll(flags) || (flagsWaivedFor != null && caller.may(flagsWaivedFor)));
        }

        @Override
        public String toString() {
            return name;
        }

        String method() {
            return template.substring(0, template.indexOf(' '));
        }

        boolean onALedger() {
            return template.contains("{ledger}");
        }
    }

    /** A concrete path for an operation, on the named ledger of the fixture. */
    @FunctionalInterface
    interface PathBuilder {
        String path(Fixture fixture, String ledger);
    }

    private final Fixture fixture;
    private final HttpTester admin;

    RoleMatrixTest(TestService.Running service) {
        this.admin = service.admin();
        this.fixture = FIXTURES.computeIfAbsent(
                service.name(), name -> Fixture.create(service.admin(), service.database(), service));
    }

    static Stream<Operation> operations() {
        String accounts = "/v1/ledgers/%s/accounts";
        String transactions = "/v1/ledgers/%s/transactions";
        return Stream.of(
                // Service: no key needed.
                new Operation("health live", "GET /health/live", Need.OPEN, (f, l) -> "/health/live", null, 200),
                new Operation("health ready", "GET /health/ready", Need.OPEN, (f, l) -> "/health/ready", null, 200),
                new Operation("metrics", "GET /metrics", Need.OPEN, (f, l) -> "/metrics", null, 200),
                new Operation("openapi", "GET /openapi.yaml", Need.OPEN, (f, l) -> "/openapi.yaml", null, 200),
                // Reads: reader.
                new Operation("list ledgers", "GET /v1/ledgers", Need.READER, (f, l) -> "/v1/ledgers", null, 200),
                new Operation(
                        "get ledger", "GET /v1/ledgers/{ledger}", Need.READER, (f, l) -> "/v1/ledgers/" + l, null, 200),
                new Operation("list assets", "GET /v1/assets", Need.READER, (f, l) -> "/v1/assets", null, 200),
                new Operation(
                        "list accounts",
                        "GET /v1/ledgers/{ledger}/accounts",
                        Need.READER,
                        (f, l) -> accounts.formatted(l) + "?prefix=users:&metadata.team=ops",
                        null,
                        200),
                new Operation(
                        "get account",
                        "GET /v1/ledgers/{ledger}/accounts/{id}",
                        Need.READER,
                        (f, l) -> accounts.formatted(l) + "/users:1:wallet",
                        null,
                        200),
                new Operation(
                        "account entries",
                        "GET /v1/ledgers/{ledger}/accounts/{id}/entries",
                        Need.READER,
                        (f, l) -> accounts.formatted(l) + "/users:1:wallet/entries?limit=5",
                        null,
                        200),
                new Operation(
                        "account balances",
                        "GET /v1/ledgers/{ledger}/accounts/{id}/balances",
                        Need.READER,
                        (f, l) -> accounts.formatted(l) + "/users:1:wallet/balances?as_of=2030-01-01T00:00:00Z",
                        null,
                        200),
                new Operation(
                        "list transactions",
                        "GET /v1/ledgers/{ledger}/transactions",
                        Need.READER,
                        (f, l) -> transactions.formatted(l) + "?account=users:1:wallet&status=posted",
                        null,
                        200),
                new Operation(
                        "get transaction",
                        "GET /v1/ledgers/{ledger}/transactions/{id}",
                        Need.READER,
                        (f, l) -> transactions.formatted(l) + "/deposit-1",
                        null,
                        200),
                new Operation(
                        "events",
                        "GET /v1/ledgers/{ledger}/events",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/events?after=0&limit=10",
                        null,
                        200),
                new Operation(
                        "service events",
                        "GET /v1/events",
                        Need.OPERATOR,
                        (f, l) -> "/v1/events?after=0&limit=10",
                        null,
                        200),
                new Operation(
                        "trial balance",
                        "GET /v1/ledgers/{ledger}/trial-balance",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/trial-balance",
                        null,
                        200),
                // Writes: writer.
                new Operation(
                        "create account",
                        "POST /v1/ledgers/{ledger}/accounts",
                        Need.WRITER,
                        (f, l) -> accounts.formatted(l),
                        f -> """
                                {"id": "users:9:wallet", "asset": "USD", "normal_balance": "credit", "min_balance": 0,
                                 "metadata": {"team": "ops"}}""",
                        201),
                new Operation(
                        "create transaction",
                        "POST /v1/ledgers/{ledger}/transactions",
                        Need.WRITER,
                        (f, l) -> transactions.formatted(l),
                        f -> transfer("matrix-tx", "world", "users:1:wallet", 100),
                        201),
                new Operation(
                        "dry run transaction",
                        "POST /v1/ledgers/{ledger}/transactions",
                        Need.WRITER,
                        (f, l) -> transactions.formatted(l) + "?dry_run=true",
                        f -> transfer("matrix-dry", "world", "users:1:wallet", 100),
                        200),
                new Operation(
                        "batch",
                        "POST /v1/ledgers/{ledger}/transactions/batch",
                        Need.WRITER,
                        (f, l) -> transactions.formatted(l) + "/batch",
                        f -> "{\"atomic\": true, \"transactions\": ["
                                + transfer("matrix-b1", "world", "users:1:wallet", 10) + ", "
                                + transfer("matrix-b2", "world", "users:1:wallet", 20) + "]}",
                        200),
                new Operation(
                        "dry run batch",
                        "POST /v1/ledgers/{ledger}/transactions/batch",
                        Need.WRITER,
                        (f, l) -> transactions.formatted(l) + "/batch?dry_run=true",
                        f -> "{\"transactions\": [" + transfer("matrix-db1", "world", "users:1:wallet", 10) + "]}",
                        200),
                // Commissions: writers record referrals and pay; admins decide what a plan pays.
                new Operation(
                        "put party",
                        "PUT /v1/ledgers/{ledger}/parties/{id}",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/parties/matrix-new",
                        f -> "{\"referrer\": \"matrix-root\"}",
                        201),
                new Operation(
                        "get party",
                        "GET /v1/ledgers/{ledger}/parties/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/parties/matrix-member",
                        null,
                        200),
                new Operation(
                        "put commission plan",
                        "PUT /v1/ledgers/{ledger}/commission-plans/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/commission-plans/matrix-plan-2",
                        f -> Fixture.COMMISSION_PLAN,
                        201),
                new Operation(
                        "get commission plan",
                        "GET /v1/ledgers/{ledger}/commission-plans/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/commission-plans/matrix-plan",
                        null,
                        200),
                new Operation(
                        "apply commission plan",
                        "POST /v1/ledgers/{ledger}/commission-plans/{id}/apply",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/commission-plans/matrix-plan/apply",
                        f -> "{\"id\": \"matrix-commission\", \"party\": \"matrix-member\", \"amount\": 1000}",
                        201),
                // Limits: admins define them, readers see them and their usage.
                new Operation(
                        "put limit",
                        "PUT /v1/ledgers/{ledger}/limits/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/limits/matrix-limit-2",
                        f -> Fixture.LIMIT,
                        201),
                new Operation(
                        "get limit",
                        "GET /v1/ledgers/{ledger}/limits/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/limits/matrix-limit",
                        null,
                        200),
                new Operation(
                        "list limits",
                        "GET /v1/ledgers/{ledger}/limits",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/limits",
                        null,
                        200),
                new Operation(
                        "limit usage",
                        "GET /v1/ledgers/{ledger}/limits/{id}/usage",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/limits/matrix-limit/usage?account=users:1:wallet",
                        null,
                        200),
                new Operation(
                        "delete limit",
                        "DELETE /v1/ledgers/{ledger}/limits/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/limits/matrix-limit-gone",
                        null,
                        200),
                // Reconciliation: writers bring statements, operators match and act, admins set thresholds.
                new Operation(
                        "put csv mapping",
                        "PUT /v1/reconciliation/csv-mappings/{id}",
                        Need.WRITER,
                        (f, l) -> "/v1/reconciliation/csv-mappings/matrix-mapping",
                        f -> "{\"columns\": {\"date\": \"d\", \"amount\": \"a\"}, \"date_format\": \"yyyy-MM-dd\"}",
                        200),
                new Operation(
                        "import statement",
                        "POST /v1/ledgers/{ledger}/reconciliation/statements",
                        Need.WRITER,
                        List.of(),
                        null,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/statements?account=recon:bank&mapping="
                                + f.recon().mapping,
                        f -> "Date,Amount\n2026-01-01,5\n",
                        201,
                        sent -> Map.of("Content-Type", "text/csv")),
                new Operation(
                        "get statement",
                        "GET /v1/ledgers/{ledger}/reconciliation/statements/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/statements/" + f.recon().statementId,
                        null,
                        200),
                new Operation(
                        "list statement lines",
                        "GET /v1/ledgers/{ledger}/reconciliation/statements/{id}/lines",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/statements/" + f.recon().statementId + "/lines",
                        null,
                        200),
                new Operation(
                        "ignore line",
                        "POST /v1/ledgers/{ledger}/reconciliation/lines/{id}/ignore",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/lines/"
                                + f.recon().freshLine() + "/ignore",
                        f -> "{\"reason\": \"the matrix\"}",
                        200),
                new Operation(
                        "run matching",
                        "POST /v1/ledgers/{ledger}/reconciliation/runs",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/runs",
                        f -> "{\"account\": \"recon:bank\", \"from\": \"2026-01-01\", \"to\": \"2026-01-01\"}",
                        201),
                new Operation(
                        "get run",
                        "GET /v1/ledgers/{ledger}/reconciliation/runs/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/runs/" + f.recon().runId,
                        null,
                        200),
                new Operation(
                        "list run matches",
                        "GET /v1/ledgers/{ledger}/reconciliation/runs/{id}/matches",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/runs/" + f.recon().runId + "/matches",
                        null,
                        200),
                new Operation(
                        "match by hand",
                        "POST /v1/ledgers/{ledger}/reconciliation/matches",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/matches",
                        f -> "{\"lines\": [\"" + f.recon().freshLine() + "\"], \"entries\": [],"
                                + " \"write_off_account\": \"recon:fees\"}",
                        201),
                new Operation(
                        "undo match",
                        "DELETE /v1/ledgers/{ledger}/reconciliation/matches/{id}",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/matches/"
                                + f.recon().freshMatch(),
                        null,
                        200),
                new Operation(
                        "accept proposal",
                        "POST /v1/ledgers/{ledger}/reconciliation/proposals/{id}/accept",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/proposals/"
                                + f.recon().proposal() + "/accept",
                        f -> "{}",
                        201),
                new Operation(
                        "put drift settings",
                        "PUT /v1/ledgers/{ledger}/reconciliation/accounts/{account}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/accounts/recon:bank",
                        f -> "{\"tiers\": [{\"max_abs\": \"1000000\", \"severity\": \"low\"}]}",
                        200),
                new Operation(
                        "get drift settings",
                        "GET /v1/ledgers/{ledger}/reconciliation/accounts/{account}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/accounts/recon:bank",
                        null,
                        200),
                new Operation(
                        "clear drift",
                        "POST /v1/ledgers/{ledger}/reconciliation/accounts/{account}/clear-drift",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/accounts/recon:bank/clear-drift",
                        f -> "{\"reason\": \"the matrix\"}",
                        200),
                new Operation(
                        "compare legacy balances",
                        "POST /v1/ledgers/{ledger}/reconciliation/balance-comparisons",
                        Need.OPERATOR,
                        List.of(),
                        null,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/balance-comparisons",
                        f -> "account,balance\nworld,0\n",
                        201,
                        sent -> Map.of("Content-Type", "text/csv")),
                new Operation(
                        "get legacy comparison",
                        "GET /v1/ledgers/{ledger}/reconciliation/balance-comparisons/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/balance-comparisons/" + f.reconComparison(),
                        null,
                        200),
                new Operation(
                        "put reconciliation schedule",
                        "PUT /v1/ledgers/{ledger}/reconciliation/schedule",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/schedule",
                        f -> "{\"accounts\": [\"recon:bank\"], \"at\": \"02:00\"}",
                        200),
                new Operation(
                        "get reconciliation report",
                        "GET /v1/ledgers/{ledger}/reconciliation/reports/{date}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/reconciliation/reports/2026-01-01",
                        null,
                        200),
                // Operations on what exists: operator.
                new Operation(
                        "post pending",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/post",
                        Need.OPERATOR,
                        (f, l) -> transactions.formatted(l) + "/hold-1/post",
                        f -> "{}",
                        200),
                new Operation(
                        "void pending",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/void",
                        Need.OPERATOR,
                        (f, l) -> transactions.formatted(l) + "/hold-2/void",
                        f -> "{}",
                        200),
                new Operation(
                        "reverse",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/reverse",
                        Need.OPERATOR,
                        (f, l) -> transactions.formatted(l) + "/deposit-2/reverse",
                        f -> "{\"id\": \"reversal-2\", \"metadata\": {\"reason\": \"matrix\"}}",
                        201),
                new Operation(
                        "close account",
                        "POST /v1/ledgers/{ledger}/accounts/{id}/close",
                        Need.OPERATOR,
                        (f, l) -> accounts.formatted(l) + "/users:2:wallet/close",
                        f -> "{}",
                        200),
                new Operation(
                        "verify",
                        "POST /v1/ledgers/{ledger}/verify",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/verify",
                        f -> "{}",
                        200),
                // Administration: admin.
                new Operation(
                        "create ledger",
                        "POST /v1/ledgers",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers",
                        f -> "{\"name\": \"" + f.newLedger + "\", \"metadata\": {\"by\": \"matrix\"}}",
                        201),
                new Operation(
                        "put asset",
                        "PUT /v1/assets/{code}",
                        Need.ADMIN,
                        (f, l) -> "/v1/assets/USD",
                        f -> "{\"scale\": 2}",
                        200),
                new Operation(
                        "create api key",
                        "POST /v1/api-keys",
                        Need.ADMIN,
                        (f, l) -> "/v1/api-keys",
                        f -> "{\"name\": \"matrix\", \"role\": \"reader\", \"ledgers\": [\"" + f.ledgerA + "\"]}",
                        201),
                new Operation(
                        "list api keys", "GET /v1/api-keys", Need.ADMIN, (f, l) -> "/v1/api-keys?limit=10", null, 200),
                new Operation(
                        "revoke api key",
                        "DELETE /v1/api-keys/{id}",
                        Need.ADMIN,
                        // A fresh throwaway key for every caller, so the admin's call has one to revoke.
                        (f, l) -> "/v1/api-keys/" + f.throwawayKeyId(),
                        null,
                        200),
                // Connectors: operator; a webhook endpoint's connector is webhook:<its id>.
                new Operation(
                        "list connectors",
                        "GET /v1/connectors",
                        Need.OPERATOR,
                        (f, l) -> "/v1/connectors?limit=10",
                        null,
                        200),
                new Operation(
                        "get connector",
                        "GET /v1/connectors/{id}",
                        Need.OPERATOR,
                        (f, l) -> "/v1/connectors/webhook:" + f.webhookId(),
                        null,
                        200),
                // Alerts: operators see and acknowledge them; admins configure and test.
                new Operation(
                        "create alert channel",
                        "POST /v1/alerts/channels",
                        Need.ADMIN,
                        (f, l) -> "/v1/alerts/channels",
                        f -> "{\"id\": \"" + TestService.uniqueName("matrix") + "\", \"kind\": \"log\"}",
                        201),
                new Operation(
                        "list alert channels",
                        "GET /v1/alerts/channels",
                        Need.ADMIN,
                        (f, l) -> "/v1/alerts/channels",
                        null,
                        200),
                new Operation(
                        "put alert routes",
                        "PUT /v1/alerts/routes",
                        Need.ADMIN,
                        (f, l) -> "/v1/alerts/routes",
                        f -> "{\"rules\": []}",
                        200),
                new Operation(
                        "get alert routes",
                        "GET /v1/alerts/routes",
                        Need.ADMIN,
                        (f, l) -> "/v1/alerts/routes",
                        null,
                        200),
                new Operation(
                        "send test alert",
                        "POST /v1/alerts/test",
                        Need.ADMIN,
                        (f, l) -> "/v1/alerts/test",
                        f -> "{\"severity\": \"info\"}",
                        201),
                new Operation("list alerts", "GET /v1/alerts", Need.OPERATOR, (f, l) -> "/v1/alerts", null, 200),
                new Operation(
                        "get alert",
                        "GET /v1/alerts/{id}",
                        Need.OPERATOR,
                        (f, l) -> "/v1/alerts/" + f.alertId(),
                        null,
                        200),
                new Operation(
                        "acknowledge alert",
                        "POST /v1/alerts/{id}/acknowledge",
                        Need.OPERATOR,
                        (f, l) -> "/v1/alerts/" + f.alertId() + "/acknowledge",
                        f -> "{}",
                        200),
                // Payments: payouts (writer creates, approvers approve, operators decide), their policy (admin).
                new Operation(
                        "create payout",
                        "POST /v1/ledgers/{ledger}/payouts",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/payouts",
                        f -> f.payoutBody(TestService.uniqueName("po"), 10),
                        201),
                new Operation(
                        "list payouts",
                        "GET /v1/ledgers/{ledger}/payouts",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l
                                + "/payouts?status=approved&source=users:3:wallet&connector=" + Fixture.CONNECTOR
                                + "&metadata.team=ops&limit=5",
                        null,
                        200),
                new Operation(
                        "get payout",
                        "GET /v1/ledgers/{ledger}/payouts/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutId(l),
                        null,
                        200),
                new Operation(
                        "payout history",
                        "GET /v1/ledgers/{ledger}/payouts/{id}/history",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutId(l) + "/history",
                        null,
                        200),
                new Operation(
                        "approve payout",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/approve",
                        Need.READER,
                        List.of("approver"),
                        null,
                        // A fresh payout waiting for its approval for every caller.
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutAwaitingApproval(l) + "/approve",
                        f -> "{\"payload_hash\": \"" + f.approvalHash() + "\"}",
                        200),
                new Operation(
                        "reject payout",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/reject",
                        Need.READER,
                        List.of("approver"),
                        null,
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutAwaitingApproval(l) + "/reject",
                        f -> "{\"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "cancel payout",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/cancel",
                        Need.WRITER,
                        // One payout the writer's principal created: a writer cancels only its own, so
                        // the writer's call cancels it and the callers after it find it canceled (409).
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.writersPayoutId(l) + "/cancel",
                        f -> "{\"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "release payout",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/release",
                        Need.OPERATOR,
                        // A fresh payout held (dry_mode) for every caller; no route holds one, so the
                        // fixture puts it in that state in the database.
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutIn(l, "held") + "/release",
                        f -> "{}",
                        200),
                new Operation(
                        "release payouts",
                        "POST /v1/ledgers/{ledger}/payouts/release",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/release",
                        f -> "{\"hold_reason\": \"dry_mode\", \"ids\": [\"po-matrix-none\"]}",
                        200),
                // Controls: anyone reads them, operators set the mode and engage the stop, admins lift
                // it. The mode stays live and the stop is lifted right after it is engaged, since the
                // other tests of this JVM share the service.
                new Operation("get controls", "GET /v1/controls", Need.READER, (f, l) -> "/v1/controls", null, 200),
                new Operation(
                        "set mode",
                        "PUT /v1/controls/mode",
                        Need.OPERATOR,
                        (f, l) -> "/v1/controls/mode",
                        f -> "{\"mode\": \"live\", \"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "engage emergency stop",
                        "POST /v1/controls/emergency-stop",
                        Need.OPERATOR,
                        (f, l) -> "/v1/controls/emergency-stop",
                        f -> "{\"scope\": \"payouts\", \"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "lift emergency stop",
                        "DELETE /v1/controls/emergency-stop",
                        Need.ADMIN,
                        (f, l) -> "/v1/controls/emergency-stop",
                        f -> "{\"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "resolve payout",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/resolve",
                        Need.OPERATOR,
                        // A fresh payout in needs_review for every caller, put there in the database.
                        (f, l) -> "/v1/ledgers/" + l + "/payouts/" + f.payoutIn(l, "needs_review") + "/resolve",
                        f -> "{\"outcome\": \"failed\", \"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "put approval policy",
                        "PUT /v1/ledgers/{ledger}/approval-policy",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/approval-policy",
                        f -> Fixture.POLICY,
                        200),
                new Operation(
                        "get approval policy",
                        "GET /v1/ledgers/{ledger}/approval-policy",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/approval-policy",
                        null,
                        200),
                // Deposits: operators record and reverse them, readers see them, admins route references.
                new Operation(
                        "create deposit",
                        "POST /v1/ledgers/{ledger}/deposits",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/deposits",
                        // The same deposit for every caller: the first recorded, the others replays.
                        f -> Fixture.depositBody("matrix-deposit"),
                        201),
                new Operation(
                        "list deposits",
                        "GET /v1/ledgers/{ledger}/deposits",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/deposits?account=users:1:wallet&limit=5",
                        null,
                        200),
                new Operation(
                        "get deposit",
                        "GET /v1/ledgers/{ledger}/deposits/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/deposits/" + f.depositId(l),
                        null,
                        200),
                new Operation(
                        "reverse deposit",
                        "POST /v1/ledgers/{ledger}/deposits/{id}/reverse",
                        Need.OPERATOR,
                        // A fresh succeeded deposit for every caller.
                        (f, l) -> "/v1/ledgers/" + l + "/deposits/" + f.newDeposit(l) + "/reverse",
                        f -> "{\"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "create deposit route",
                        "POST /v1/ledgers/{ledger}/deposit-routes",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/deposit-routes",
                        f -> "{\"connector\": \"" + Fixture.CONNECTOR + "\", \"reference\": \""
                                + TestService.uniqueName("matrix-ref") + "\", \"account\": \"users:1:wallet\"}",
                        201),
                new Operation(
                        "simulate deposit",
                        "POST /v1/connectors/{id}/simulate/deposit",
                        Need.OPERATOR,
                        (f, l) -> "/v1/connectors/" + Fixture.CONNECTOR + "/simulate/deposit",
                        f -> "{\"ledger\": \"" + f.ledgerA + "\", \"deposit_id\": \""
                                + TestService.uniqueName("matrix-sim") + "\", \"account\": \"users:1:wallet\","
                                + " \"amount\": 10, \"asset\": \"USD\"}",
                        202),
                // Inbound webhooks: no key at all; the connector's signature is what is checked.
                new Operation(
                        "inbound event",
                        "POST /v1/inbound/{connector}",
                        Need.OPEN,
                        List.of(),
                        null,
                        (f, l) -> "/v1/inbound/" + f.inboundEvents,
                        f -> "{\"id\": \"" + TestService.uniqueName("matrix-evt")
                                + "\", \"type\": \"matrix.ping\", \"data\": {}}",
                        200,
                        Fixture::signed),
                new Operation(
                        "inbound instruction",
                        "POST /v1/inbound/{connector}",
                        Need.OPEN,
                        List.of(),
                        null,
                        (f, l) -> "/v1/inbound/" + f.inboundInstructions,
                        f -> f.instructionBody(TestService.uniqueName("po-signal")),
                        201,
                        Fixture::signed),
                // Payment connectors: admin.
                new Operation(
                        "create payment connector",
                        "POST /v1/connectors",
                        Need.ADMIN,
                        (f, l) -> "/v1/connectors",
                        f -> Fixture.connectorBody(TestService.uniqueName("matrix-conn")),
                        201),
                new Operation(
                        "update payment connector",
                        "PATCH /v1/connectors/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/connectors/" + f.paymentConnectorId(),
                        f -> "{\"priority\": 50, \"config\": {\"latency_ms\": 0}}",
                        200),
                new Operation(
                        "delete payment connector",
                        "DELETE /v1/connectors/{id}",
                        Need.ADMIN,
                        // A fresh connector for every caller, so the admin's call has one to delete.
                        (f, l) -> "/v1/connectors/" + f.throwawayConnectorId(),
                        null,
                        200),
                // Jobs: operator.
                new Operation("list jobs", "GET /v1/jobs", Need.OPERATOR, (f, l) -> "/v1/jobs?limit=10", null, 200),
                // Webhooks: admin.
                new Operation(
                        "create webhook",
                        "POST /v1/webhooks",
                        Need.ADMIN,
                        (f, l) -> "/v1/webhooks",
                        f -> f.webhookBody(),
                        201),
                new Operation("list webhooks", "GET /v1/webhooks", Need.ADMIN, (f, l) -> "/v1/webhooks", null, 200),
                new Operation(
                        "get webhook",
                        "GET /v1/webhooks/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/webhooks/" + f.webhookId(),
                        null,
                        200),
                new Operation(
                        "update webhook",
                        "PATCH /v1/webhooks/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/webhooks/" + f.webhookId(),
                        f -> "{\"events\": [\"transaction.expired\", \"transaction.voided\"]}",
                        200),
                new Operation(
                        "rotate webhook secret",
                        "POST /v1/webhooks/{id}/rotate-secret",
                        Need.ADMIN,
                        (f, l) -> "/v1/webhooks/" + f.webhookId() + "/rotate-secret",
                        f -> "{}",
                        200),
                new Operation(
                        "webhook deliveries",
                        "GET /v1/webhooks/{id}/deliveries",
                        Need.ADMIN,
                        (f, l) -> "/v1/webhooks/" + f.webhookId() + "/deliveries",
                        null,
                        200),
                new Operation(
                        "retry webhook delivery",
                        "POST /v1/webhooks/{id}/deliveries/{delivery}/retry",
                        Need.ADMIN,
                        // No delivery exists: the admin gets past the gate to a business 404.
                        (f, l) -> "/v1/webhooks/" + f.webhookId() + "/deliveries/dlv_999999999/retry",
                        f -> "{}",
                        404),
                new Operation(
                        "delete webhook",
                        "DELETE /v1/webhooks/{id}",
                        Need.ADMIN,
                        // A fresh throwaway endpoint for every caller, so the admin's call has one to delete.
                        (f, l) -> "/v1/webhooks/" + f.throwawayWebhookId(),
                        null,
                        200),
                // The audit log: admin, or any role with the compliance flag.
                // Screening: lists by admins or the compliance flag, reads by readers, decisions by the flag.
                new Operation(
                        "load screening list",
                        "PUT /v1/screening/lists/{name}",
                        Need.READER,
                        List.of("compliance"),
                        Need.ADMIN,
                        (f, l) -> "/v1/screening/lists/" + Fixture.SCREENING_LIST,
                        f -> Fixture.SCREENING_BODY,
                        200),
                new Operation(
                        "load screening aliases",
                        "PUT /v1/screening/lists/{name}/aliases",
                        Need.READER,
                        List.of("compliance"),
                        Need.ADMIN,
                        (f, l) -> "/v1/screening/lists/" + Fixture.SCREENING_LIST + "/aliases",
                        f -> "1,1,\"aka\",\"Matrixa Aliasovna\",-0- \r\n",
                        200,
                        sent -> Map.of("Content-Type", "text/csv")),
                new Operation(
                        "list screening lists",
                        "GET /v1/screening/lists",
                        Need.READER,
                        (f, l) -> "/v1/screening/lists",
                        null,
                        200),
                new Operation(
                        "screening check",
                        "POST /v1/screening/check",
                        Need.READER,
                        (f, l) -> "/v1/screening/check",
                        f -> "{\"name\": \"Matrixa Screenovich\", \"country\": \"FR\"}",
                        200),
                new Operation(
                        "list screening cases",
                        "GET /v1/screening/cases",
                        Need.READER,
                        (f, l) -> "/v1/screening/cases?status=open",
                        null,
                        200),
                new Operation(
                        "get screening case",
                        "GET /v1/screening/cases/{id}",
                        Need.READER,
                        (f, l) -> "/v1/screening/cases/" + f.screeningCase(),
                        null,
                        200),
                new Operation(
                        "decide screening case",
                        "POST /v1/screening/cases/{id}/decide",
                        Need.READER,
                        List.of("compliance"),
                        null,
                        // A fresh case for every caller, on an object none of the callers created.
                        (f, l) -> "/v1/screening/cases/" + f.screeningCase() + "/decide",
                        f -> "{\"decision\": \"clear\", \"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "list audit log",
                        "GET /v1/audit-log",
                        Need.READER,
                        List.of("compliance"),
                        Need.ADMIN,
                        (f, l) -> "/v1/audit-log?action=api_key.created&limit=5",
                        null,
                        200),
                new Operation(
                        "verify audit log",
                        "POST /v1/audit-log/verify",
                        Need.READER,
                        List.of("compliance"),
                        Need.ADMIN,
                        (f, l) -> "/v1/audit-log/verify",
                        f -> "{}",
                        200),
                // Clearing: admins set participants and the schedule, writers owe, operators close and settle.
                new Operation(
                        "put clearing participant",
                        "PUT /v1/ledgers/{ledger}/clearing/participants/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/participants/matrix-clr-c",
                        f -> Fixture.CLEARING_PARTICIPANT,
                        201),
                new Operation(
                        "get clearing participant",
                        "GET /v1/ledgers/{ledger}/clearing/participants/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/participants/matrix-clr-a",
                        null,
                        200),
                new Operation(
                        "list clearing participants",
                        "GET /v1/ledgers/{ledger}/clearing/participants",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/participants?limit=10",
                        null,
                        200),
                new Operation(
                        "create obligation",
                        "POST /v1/ledgers/{ledger}/clearing/obligations",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/obligations",
                        f -> Fixture.obligation("matrix-ob-new"),
                        201),
                new Operation(
                        "obligation batch",
                        "POST /v1/ledgers/{ledger}/clearing/obligations/batch",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/obligations/batch",
                        f -> "{\"obligations\": [" + Fixture.obligation("matrix-ob-batch") + "]}",
                        200),
                new Operation(
                        "list obligations",
                        "GET /v1/ledgers/{ledger}/clearing/obligations",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l
                                + "/clearing/obligations?window=w-2&participant=matrix-clr-a&status=accepted",
                        null,
                        200),
                new Operation(
                        "get obligation",
                        "GET /v1/ledgers/{ledger}/clearing/obligations/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/obligations/matrix-ob",
                        null,
                        200),
                new Operation(
                        "cancel obligation",
                        "POST /v1/ledgers/{ledger}/clearing/obligations/{id}/cancel",
                        Need.WRITER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/obligations/matrix-ob-cancel/cancel",
                        f -> "{}",
                        200),
                new Operation(
                        "list windows",
                        "GET /v1/ledgers/{ledger}/clearing/windows",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows?status=closed",
                        null,
                        200),
                new Operation(
                        "current window",
                        "GET /v1/ledgers/{ledger}/clearing/windows/current",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows/current",
                        null,
                        200),
                new Operation(
                        "get window",
                        "GET /v1/ledgers/{ledger}/clearing/windows/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows/w-1",
                        null,
                        200),
                new Operation(
                        "window report",
                        "GET /v1/ledgers/{ledger}/clearing/windows/{id}/report",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows/w-1/report?format=csv",
                        null,
                        200),
                new Operation(
                        "settle window",
                        "POST /v1/ledgers/{ledger}/clearing/windows/{id}/settle",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows/w-1/settle",
                        f -> "{}",
                        200),
                new Operation(
                        "put clearing schedule",
                        "PUT /v1/ledgers/{ledger}/clearing/schedule",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/schedule",
                        f -> "{\"close_every_seconds\": null, \"auto_settle\": false}",
                        200),
                new Operation(
                        "get clearing schedule",
                        "GET /v1/ledgers/{ledger}/clearing/schedule",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/schedule",
                        null,
                        200),
                new Operation(
                        "obligation pacs.002",
                        "GET /v1/ledgers/{ledger}/clearing/obligations/{id}/pacs002",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/obligations/matrix-ob/pacs002",
                        null,
                        200),
                new Operation(
                        "take pacs.008",
                        "POST /v1/ledgers/{ledger}/clearing/iso20022",
                        Need.WRITER,
                        List.of(),
                        null,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/iso20022",
                        f -> Fixture.PACS_008,
                        200,
                        sent -> Map.of("Content-Type", "application/xml")),
                new Operation(
                        "close window",
                        "POST /v1/ledgers/{ledger}/clearing/windows/{id}/close",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/clearing/windows/w-2/close",
                        f -> "{}",
                        200),
                // Treasury: admins configure buffers and monitors, operators run cycles and convert.
                new Operation(
                        "put treasury buffer",
                        "PUT /v1/ledgers/{ledger}/treasury/buffers/{account}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/buffers/users:1:wallet",
                        f -> Fixture.BUFFER,
                        201),
                new Operation(
                        "list treasury buffers",
                        "GET /v1/ledgers/{ledger}/treasury/buffers",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/buffers",
                        null,
                        200),
                new Operation(
                        "run treasury cycle",
                        "POST /v1/ledgers/{ledger}/treasury/cycles",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/cycles",
                        null,
                        201),
                new Operation(
                        "get treasury cycle",
                        "GET /v1/ledgers/{ledger}/treasury/cycles/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/cycles/" + f.treasuryCycle(l),
                        null,
                        200),
                new Operation(
                        "create treasury conversion",
                        "POST /v1/ledgers/{ledger}/treasury/conversions",
                        Need.OPERATOR,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/conversions",
                        f -> f.conversionBody("matrix-fx"),
                        201),
                new Operation(
                        "list treasury conversions",
                        "GET /v1/ledgers/{ledger}/treasury/conversions",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/conversions?status=pending&limit=5",
                        null,
                        200),
                new Operation(
                        "get treasury conversion",
                        "GET /v1/ledgers/{ledger}/treasury/conversions/{id}",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/conversions/" + f.treasuryConversion(l),
                        null,
                        200),
                new Operation(
                        "resolve treasury conversion",
                        "POST /v1/ledgers/{ledger}/treasury/conversions/{id}/resolve",
                        Need.OPERATOR,
                        // One conversion in needs_review, put there in the database: later callers get 409.
                        (f, l) -> "/v1/ledgers/" + l + "/treasury/conversions/" + f.conversionInReview(l) + "/resolve",
                        f -> "{\"outcome\": \"failed\", \"reason\": \"matrix\"}",
                        200),
                new Operation(
                        "put balance monitor",
                        "PUT /v1/ledgers/{ledger}/balance-monitors/{id}",
                        Need.ADMIN,
                        (f, l) -> "/v1/ledgers/" + l + "/balance-monitors/matrix-monitor",
                        f -> "{\"account\": \"users:1:wallet\", \"below\": 0, \"severity\": \"info\"}",
                        201),
                new Operation(
                        "list balance monitors",
                        "GET /v1/ledgers/{ledger}/balance-monitors",
                        Need.READER,
                        (f, l) -> "/v1/ledgers/" + l + "/balance-monitors",
                        null,
                        200),
                // Custody: keys and wallets are made by admins; wallets are read by readers.
                new Operation(
                        "list custody keys",
                        "GET /v1/custody/keys",
                        Need.ADMIN,
                        (f, l) -> "/v1/custody/keys",
                        null,
                        200),
                new Operation(
                        "rotate custody keys",
                        "POST /v1/custody/keys/rotate",
                        Need.ADMIN,
                        (f, l) -> "/v1/custody/keys/rotate",
                        f -> "{}",
                        202),
                new Operation(
                        "create custody wallet",
                        "POST /v1/custody/wallets",
                        Need.ADMIN,
                        (f, l) -> "/v1/custody/wallets",
                        f -> "{\"id\": \"" + f.ledgerA + "-wallet\", \"chain\": \"evm:31337\"}",
                        201),
                new Operation(
                        "list custody wallets",
                        "GET /v1/custody/wallets",
                        Need.READER,
                        (f, l) -> "/v1/custody/wallets",
                        null,
                        200),
                new Operation(
                        "get custody wallet",
                        "GET /v1/custody/wallets/{id}",
                        Need.READER,
                        (f, l) -> "/v1/custody/wallets/" + l + "-wallet",
                        null,
                        200),
                // Chain transactions: operators send and release, readers read; admins set monitors. The
                // fixture's wallet is on a chain with a connector (and no node): sends stay queued.
                new Operation(
                        "send custody transaction",
                        "POST /v1/custody/wallets/{id}/transactions",
                        Need.OPERATOR,
                        (f, l) -> "/v1/custody/wallets/" + f.custodyWallet + "/transactions",
                        f -> "{\"id\": \"matrix-ctx-2\", \"to\": \"0x000000000000000000000000000000000000dEaD\","
                                + " \"value_wei\": \"1\"}",
                        201),
                new Operation(
                        "list custody transactions",
                        "GET /v1/custody/wallets/{id}/transactions",
                        Need.READER,
                        (f, l) -> "/v1/custody/wallets/" + f.custodyWallet + "/transactions",
                        null,
                        200),
                new Operation(
                        "get custody transaction",
                        "GET /v1/custody/wallets/{id}/transactions/{transaction}",
                        Need.READER,
                        (f, l) -> "/v1/custody/wallets/" + f.custodyWallet + "/transactions/matrix-ctx",
                        null,
                        200),
                new Operation(
                        "release custody transaction",
                        "POST /v1/custody/wallets/{id}/transactions/{transaction}/release",
                        Need.OPERATOR,
                        // Queued (never held): answered as it is.
                        (f, l) -> "/v1/custody/wallets/" + f.custodyWallet + "/transactions/matrix-ctx/release",
                        f -> "{}",
                        200),
                new Operation(
                        "set custody wallet monitor",
                        "PUT /v1/custody/wallets/{id}/monitor",
                        Need.ADMIN,
                        (f, l) -> "/v1/custody/wallets/" + f.custodyWallet + "/monitor",
                        f -> "{\"below_wei\": \"1000\", \"severity\": \"info\"}",
                        200));
    }

    @Test
    void theTableCoversEveryOperationOfTheDocument() {
        Set<String> covered = new TreeSet<>();
        operations().forEach(operation -> covered.add(operation.template()));
        assertThat(covered).isEqualTo(new TreeSet<>(OpenApiContract.load().operations()));
    }

    /** The document states each operation's role and flags as the table does, so clients read what the gate does. */
    @Test
    void theDocumentStatesEachOperationsRoleAndFlagsAsTheTableDoes() {
        JsonNode paths = OpenApiContract.load().document().path("paths");
        operations().forEach(operation -> {
            String path = operation.template().substring(operation.template().indexOf(' ') + 1);
            JsonNode declared = paths.path(path).path(operation.method().toLowerCase(Locale.ROOT));
            assertThat(declared.isObject()).as(operation.template()).isTrue();
            String role = operation.need() == Need.OPEN
                    ? null
                    : operation.need().name().toLowerCase(Locale.ROOT);
            assertThat(declared.path("x-pacioli-role").stringValue(null))
                    .as(operation.template())
                    .isEqualTo(role);
            assertThat(names(declared.path("x-pacioli-flags"), null))
                    .as(operation.template())
                    .isEqualTo(operation.flags());
            assertThat(declared.path("x-pacioli-flags-waived-for").stringValue(null))
                    .as(operation.template())
                    .isEqualTo(
                            operation.flagsWaivedFor() == null
                                    ? null
                                    : operation.flagsWaivedFor().name().toLowerCase(Locale.ROOT));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void eachCallerIsAllowedOrRefusedByItsRole(Operation operation) {
        boolean first = true;
        Map<Caller, Integer> seen = new LinkedHashMap<>();
        for (Caller caller : Caller.values()) {
            String path = operation.path().path(fixture, fixture.ledgerA);
            String body = operation.body() == null ? null : operation.body().apply(fixture);
            Response response = fixture.client(caller)
                    .send(operation.method(), path, body, operation.headers().apply(body));
            seen.put(caller, response.status());
            String what = caller + " " + operation.method() + " " + path + " -> " + response;
            assertThat(response.status()).as(what).isLessThan(500);
            if (operation.allows(caller)) {
                if (first) {
                    assertThat(response.status())
                            .as(
                                    "the first allowed call (%s) must succeed; refused calls before it changed nothing",
                                    what)
                            .isEqualTo(operation.firstStatus());
                    first = false;
                } else {
                    assertThat(response.status())
                            .as("allowed, so a success or a business refusal: " + what)
                            .satisfiesAnyOf(
                                    status -> assertThat(status).isBetween(200, 299),
                                    status -> assertThat(status).isIn(409, 422));
                }
            } else if (caller.role == null) {
                assertThat(response.status()).as(what).isEqualTo(401);
                assertThat(response.code()).as(what).isEqualTo("unauthorized");
                assertThat(response.header("WWW-Authenticate")).as(what).isEqualTo("Bearer");
            } else {
                assertThat(response.status()).as(what).isEqualTo(403);
                assertThat(response.code()).as(what).isEqualTo("forbidden");
            }
        }
        assertThat(seen).hasSize(Caller.values().length);
    }

    @Test
    void aKeyScopedToLedgersGets403OnEveryAlertRoute() {
        HttpTester scopedAdmin = admin.as(fixture.scopedAdmin);
        operations()
                .filter(operation -> operation.template().contains(" /v1/alerts"))
                .forEach(operation -> {
                    String path = operation.path().path(fixture, fixture.ledgerA);
                    String body =
                            operation.body() == null ? null : operation.body().apply(fixture);
                    Response response = scopedAdmin.send(
                            operation.method(), path, body, operation.headers().apply(body));
                    assertThat(response.status())
                            .as(operation.template() + " -> " + response)
                            .isEqualTo(403);
                    assertThat(response.code()).isEqualTo("forbidden");
                });
    }

    @Test
    void aScopedKeyGets404OnEveryRouteOfAnotherLedger() {
        String before = fixture.snapshot(admin, fixture.ledgerB);
        HttpTester scopedAdmin = admin.as(fixture.scopedAdmin);
        HttpTester scopedReader = admin.as(fixture.scopedReader);
        List<String> checked = new ArrayList<>();
        operations().filter(Operation::onALedger).forEach(operation -> {
            String path = operation.path().path(fixture, fixture.ledgerB);
            String body = operation.body() == null ? null : operation.body().apply(fixture);
            Response response = scopedAdmin.send(
                    operation.method(), path, body, operation.headers().apply(body));
            String what = "scoped admin " + operation.method() + " " + path + " -> " + response;
            if (!operation.flags().isEmpty()) {
                // The scoped keys have no flags: the flag gate refuses first, saying nothing of the ledger.
                assertThat(response.status()).as(what).isEqualTo(403);
                assertThat(response.code()).as(what).isEqualTo("forbidden");
                checked.add(operation.name());
                return;
            }
            assertThat(response.status()).as(what).isEqualTo(404);
            assertThat(response.code()).as(what).isEqualTo("ledger_not_found");
            if (operation.need() == Need.READER) {
                Response read = scopedReader.send(
                        operation.method(), path, body, operation.headers().apply(body));
                assertThat(read.status())
                        .as("scoped reader " + path + " -> " + read)
                        .isEqualTo(404);
                assertThat(read.code()).isEqualTo("ledger_not_found");
            }
            checked.add(operation.name());
        });
        assertThat(checked).hasSizeGreaterThanOrEqualTo(19);
        assertThat(fixture.snapshot(admin, fixture.ledgerB))
                .as("ledger B after the scoped key's calls")
                .isEqualTo(before);
        // The same key works on its own ledger.
        assertThat(scopedAdmin
                        .get("/v1/ledgers/" + fixture.ledgerA + "/accounts/world")
                        .status())
                .isEqualTo(200);
        assertThat(scopedReader.get("/v1/ledgers/" + fixture.ledgerA).status()).isEqualTo(200);
    }

    @Test
    void aScopedKeyListsOnlyItsLedgers() {
        for (String secret : List.of(fixture.scopedAdmin, fixture.scopedReader)) {
            Response listed = admin.as(secret).get("/v1/ledgers?limit=1000");
            assertThat(listed.status()).isEqualTo(200);
            assertThat(names(listed.json().path("data"), "name")).containsExactly(fixture.ledgerA);
            assertThat(listed.json().has("next_cursor")).isFalse();
        }
        assertThat(names(admin.get("/v1/ledgers?limit=1000").json().path("data"), "name"))
                .contains(fixture.ledgerA, fixture.ledgerB);
    }

    @Test
    void aScopedAdminCannotCreateLedgers() {
        String name = TestService.uniqueName("scoped-new");
        Response created = admin.as(fixture.scopedAdmin).post("/v1/ledgers", "{\"name\": \"" + name + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(403);
        assertThat(created.code()).isEqualTo("forbidden");
        assertThat(admin.get("/v1/ledgers/" + name).code()).isEqualTo("ledger_not_found");
    }

    @Test
    void aScopedAdminGrantsOnlyWithinItsScope() {
        HttpTester scoped = admin.as(fixture.scopedAdmin);
        String a = "\"" + fixture.ledgerA + "\"";
        String b = "\"" + fixture.ledgerB + "\"";
        for (String ledgers : List.of(
                "", ", \"ledgers\": null", ", \"ledgers\": [" + b + "]", ", \"ledgers\": [" + a + ", " + b + "]")) {
            String body = "{\"name\": \"beyond\", \"role\": \"reader\"" + ledgers + "}";
            Response refused = scoped.post("/v1/api-keys", body);
            assertThat(refused.status()).as(body + " -> " + refused).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("forbidden");
        }
        Response granted =
                scoped.post("/v1/api-keys", "{\"name\": \"within\", \"role\": \"admin\", \"ledgers\": [" + a + "]}");
        assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
        assertThat(names(granted.json().path("ledgers"), null)).containsExactly(fixture.ledgerA);
        // The key it made works on A and not on B.
        HttpTester made = admin.as(granted.json().path("secret").stringValue());
        assertThat(made.get("/v1/ledgers/" + fixture.ledgerA).status()).isEqualTo(200);
        assertThat(made.get("/v1/ledgers/" + fixture.ledgerB).code()).isEqualTo("ledger_not_found");
    }

    @Test
    void aScopedAdminSeesAndRevokesOnlyKeysWithinItsScope() {
        HttpTester scoped = admin.as(fixture.scopedAdmin);
        String unscopedId = fixture.throwawayKeyId();
        Response revoke = scoped.delete("/v1/api-keys/" + unscopedId);
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(404);
        assertThat(revoke.code()).isEqualTo("api_key_not_found");
        String cursor = null;
        int pages = 0;
        do {
            Response page = scoped.get("/v1/api-keys?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            for (JsonNode key : page.json().path("data")) {
                assertThat(key.path("ledgers").isArray()).as(key.toString()).isTrue();
                assertThat(names(key.path("ledgers"), null)).as(key.toString()).containsOnly(fixture.ledgerA);
                assertThat(key.path("id").stringValue()).isNotEqualTo(unscopedId);
            }
            cursor = page.json().path("next_cursor").stringValue(null);
        } while (cursor != null && ++pages < 100);
    }

    @Test
    void aScopedAdminManagesOnlyWebhooksWithinItsScope() {
        HttpTester scoped = admin.as(fixture.scopedAdmin);
        String a = "\"" + fixture.ledgerA + "\"";
        String b = "\"" + fixture.ledgerB + "\"";
        for (String ledgers : List.of(
                "", ", \"ledgers\": null", ", \"ledgers\": [" + b + "]", ", \"ledgers\": [" + a + ", " + b + "]")) {
            String body =
                    "{\"url\": \"http://127.0.0.1:9/scoped\", \"events\": [\"transaction.expired\"]" + ledgers + "}";
            Response refused = scoped.post("/v1/webhooks", body);
            assertThat(refused.status()).as(body + " -> " + refused).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("forbidden");
        }
        Response own = scoped.post(
                "/v1/webhooks",
                "{\"url\": \"http://127.0.0.1:9/scoped\", \"events\": [\"transaction.expired\"], \"ledgers\": [" + a
                        + "]}");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        String ownId = own.json().path("id").stringValue();
        assertThat(scoped.get("/v1/webhooks/" + ownId).status()).isEqualTo(200);

        // Endpoints beyond its scope do not exist for it.
        String unscoped = fixture.throwawayWebhookId();
        for (Response hidden : List.of(
                scoped.get("/v1/webhooks/" + unscoped),
                scoped.send("PATCH", "/v1/webhooks/" + unscoped, "{\"enabled\": false}", Map.of()),
                scoped.post("/v1/webhooks/" + unscoped + "/rotate-secret", "{}"),
                scoped.get("/v1/webhooks/" + unscoped + "/deliveries"),
                scoped.delete("/v1/webhooks/" + unscoped))) {
            assertThat(hidden.status()).as(hidden.toString()).isEqualTo(404);
            assertThat(hidden.code()).isEqualTo("webhook_not_found");
        }
        assertThat(admin.get("/v1/webhooks/" + unscoped).json().path("enabled").booleanValue())
                .as("untouched by the scoped key")
                .isTrue();
        Response widen = scoped.send("PATCH", "/v1/webhooks/" + ownId, "{\"ledgers\": null}", Map.of());
        assertThat(widen.status()).as(widen.toString()).isEqualTo(403);
        Response listed = scoped.get("/v1/webhooks?limit=1000");
        assertThat(listed.status()).isEqualTo(200);
        for (JsonNode endpoint : listed.json().path("data")) {
            assertThat(names(endpoint.path("ledgers"), null))
                    .as(endpoint.toString())
                    .containsOnly(fixture.ledgerA);
        }
        assertThat(names(listed.json().path("data"), "id")).contains(ownId).doesNotContain(unscoped);
    }

    private static List<String> names(JsonNode items, String field) {
        List<String> values = new ArrayList<>();
        items.forEach(item ->
                values.add(field == null ? item.stringValue() : item.path(field).stringValue()));
        return values;
    }

    static String transfer(String id, String from, String to, long amount) {
        return """
                {"id": "%s", "postings": [{"from": "%s", "to": "%s", "amount": %d, "asset": "USD"}]}""".formatted(id, from, to, amount);
    }

    /** Two ledgers set up alike (A is the one the matrix runs on, B the one scoped keys must not see), and the keys. */
    static final class Fixture {
        /** Pays a party's referrer a tenth, from {@code world}. */
        static final String COMMISSION_PLAN = "{\"asset\": \"USD\", \"levels_bps\": [1000], \"source\": \"world\","
                + " \"payee_account\": \"affiliates:{party}\"}";
        /** A limit no transfer of the matrix comes near. */
        static final String LIMIT = "{\"accounts\": \"users:*:wallet\", \"asset\": \"USD\", \"direction\": \"debit\","
                + " \"max_amount_per_transaction\": 1000000}";

        final String ledgerA = TestService.uniqueName("roles-a");
        final String ledgerB = TestService.uniqueName("roles-b");
        final String newLedger = TestService.uniqueName("roles-new");
        private final HttpTester admin;
        private final Map<Caller, HttpTester> clients = new LinkedHashMap<>();
        private final Map<String, String> keyIds = new ConcurrentHashMap<>();
        String scopedAdmin;
        String scopedReader;

        private Fixture(HttpTester admin) {
            this.admin = admin;
        }

        static Fixture create(HttpTester admin, Database database, TestService.Running running) {
            Fixture fixture = new Fixture(admin);
            fixture.database = database;
            fixture.running = running;
            TestObjects.install(running);
            expect(admin.put("/v1/screening/lists/" + SCREENING_LIST, SCREENING_BODY), 200);
            expect(admin.put("/v1/assets/USD", "{\"scale\": 2}"), 200, 201);
            fixture.setUpLedger(fixture.ledgerA);
            fixture.setUpLedger(fixture.ledgerB);
            fixture.clients.put(Caller.NO_KEY, admin.as(null));
            fixture.clients.put(Caller.UNKNOWN_KEY, admin.as(Authenticator.newSecret()));
            String revoked = fixture.key("revoked", "admin", null);
            // Used once, so the service has it cached: revoking must take effect at once all the same.
            expect(admin.as(revoked).get("/v1/assets"), 200);
            expect(admin.delete("/v1/api-keys/" + fixture.keyIds.get(revoked)), 200);
            fixture.clients.put(Caller.REVOKED_KEY, admin.as(revoked));
            for (Caller caller : Caller.values()) {
                if (caller.role != null) {
                    fixture.clients.put(caller, admin.as(fixture.key(caller)));
                }
            }
            fixture.scopedAdmin = fixture.key("scoped admin", "admin", fixture.ledgerA);
            fixture.scopedReader = fixture.key("scoped reader", "reader", fixture.ledgerA);
            fixture.setUpPayments();
            fixture.setUpCustody();
            return fixture;
        }

        final String custodyWallet = TestService.uniqueName("matrix-chain-wallet");

        /**
         * A wallet on a chain whose evm_rpc connector points at no node, with one transaction: it stays
         * queued (the worker waits for the node), so it can be read and is never held.
         */
        private void setUpCustody() {
            expect(
                    admin.post(
                            "/v1/connectors",
                            "{\"id\": \"" + TestService.uniqueName("matrix-evm") + "\", \"kind\": \"evm_rpc\","
                                    + " \"config\": {\"urls\": [\"http://127.0.0.1:1\"], \"chain_id\": 424299}}"),
                    201);
            expect(
                    admin.post("/v1/custody/wallets", "{\"id\": \"" + custodyWallet + "\", \"chain\": \"evm:424299\"}"),
                    201);
            expect(
                    admin.post(
                            "/v1/custody/wallets/" + custodyWallet + "/transactions",
                            "{\"id\": \"matrix-ctx\", \"to\": \"0x000000000000000000000000000000000000dEaD\","
                                    + " \"value_wei\": \"1\"}"),
                    201);
        }

        HttpTester client(Caller caller) {
            return clients.get(caller);
        }

        /** A key of the caller's role and flags, held by a principal of its own. */
        private String key(Caller caller) {
            String flags = caller.flags.stream().map(flag -> "\"" + flag + "\"").collect(Collectors.joining(", "));
            String principal = caller.name().toLowerCase(Locale.ROOT) + "@example.com";
            return key(
                    caller.name(),
                    caller.role.name().toLowerCase(Locale.ROOT),
                    null,
                    ", \"principal\": \"" + principal + "\", \"flags\": [" + flags + "]");
        }

        private String key(String name, String role, String ledger) {
            return key(name, role, ledger, "");
        }

        private String key(String name, String role, String ledger, String more) {
            String ledgers = ledger == null ? "" : ", \"ledgers\": [\"" + ledger + "\"]";
            Response created = expect(
                    admin.post(
                            "/v1/api-keys",
                            "{\"name\": \"matrix " + name + "\", \"role\": \"" + role + "\"" + ledgers + more + "}"),
                    201);
            String secret = created.json().path("secret").stringValue();
            keyIds.put(secret, created.json().path("id").stringValue());
            return secret;
        }

        // ---- Screening: a list whose one entry the fixture's objects hit.

        static final String SCREENING_LIST = "matrix-screening";
        static final String SCREENING_BODY =
                "{\"entries\": [{\"id\": \"1\", \"name\": \"Matrixa Screenovich\"," + " \"type\": \"individual\"}]}";
        private TestService.Running running;

        /** A new open case on a new test object that a principal of no caller created. */
        String screeningCase() {
            return TestObjects.create(
                            running,
                            TestObjects.TYPE,
                            TestService.uniqueName("matrix-object"),
                            "matrix-object-maker",
                            new Subject("Matrixa Screenovich", null, null))
                    .getFirst();
        }

        private String alertId;

        /** The alert the alert rows work on, raised on first use. */
        synchronized String alertId() {
            if (alertId == null) {
                alertId = expect(admin.post("/v1/alerts/test", "{\"severity\": \"info\"}"), 201)
                        .json()
                        .path("id")
                        .stringValue();
            }
            return alertId;
        }

        private String webhookId;

        String webhookBody() {
            return "{\"url\": \"http://127.0.0.1:9/matrix\", \"events\": [\"transaction.expired\"]}";
        }

        /** The endpoint the webhook rows work on, made on first use. */
        synchronized String webhookId() {
            if (webhookId == null) {
                webhookId = throwawayWebhookId();
            }
            return webhookId;
        }

        /** A new endpoint, for deleting. */
        String throwawayWebhookId() {
            return expect(admin.post("/v1/webhooks", webhookBody()), 201)
                    .json()
                    .path("id")
                    .stringValue();
        }

        // ---- Payments: on ledger A only; on another ledger the rows name a payout that is not there.

        static final String CONNECTOR = "sim-matrix";
        /** Payouts of 1000 USD and more need one approval. */
        static final String POLICY = "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 1000, \"approvals\": 1}]}";

        private Database database;
        private String payoutId;
        private String writersPayoutId;
        private volatile String approvalHash;
        private String paymentConnectorId;

        static String connectorBody(String id) {
            return "{\"id\": \"" + id + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                    + " \"providers:sim:USD\"}, \"config\": {}}";
        }

        /** The secret of the fixture's inbound connectors (hmac_sha256_hex). */
        static final String INBOUND_SECRET = "matrix-inbound-secret";

        /** An events connector and an instructions connector, each verifying hmac_sha256_hex. */
        final String inboundEvents = TestService.uniqueName("matrix-events");

        final String inboundInstructions = TestService.uniqueName("matrix-bot");
        private String depositId;

        static String depositBody(String id) {
            return "{\"id\": \"" + id + "\", \"account\": \"users:1:wallet\", \"amount\": 100, \"asset\": \"USD\","
                    + " \"connector\": \"" + CONNECTOR + "\", \"metadata\": {\"team\": \"ops\"}}";
        }

        /** A new succeeded deposit on ledger A, made by the admin. */
        String newDeposit(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "dep-elsewhere";
            }
            String id = TestService.uniqueName("dep");
            expect(admin.post("/v1/ledgers/" + ledgerA + "/deposits", depositBody(id)), 201);
            return id;
        }

        /** The deposit the read rows show. */
        synchronized String depositId(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "dep-elsewhere";
            }
            if (depositId == null) {
                depositId = newDeposit(ledger);
            }
            return depositId;
        }

        /** A signed payout instruction for ledger A, under the approval threshold. */
        String instructionBody(String id) {
            return """
                    {"ledger": "%s", "id": "%s", "source": "users:3:wallet", "amount": 10, "asset": "USD",
                     "connector": "%s", "destination": {"type": "external_id", "id": "matrix"}}""".formatted(ledgerA, id, CONNECTOR);
        }

        /** The X-Signature header of an hmac_sha256_hex connector for this body. */
        static Map<String, String> signed(String body) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(
                        INBOUND_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return Map.of(
                        "X-Signature", HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static String inboundConnectorBody(String id, String kind) {
            String assets = kind.equals("events") ? "{\"USD\": \"providers:matrix-bank:USD\"}" : "{}";
            return "{\"id\": \"" + id + "\", \"kind\": \"inbound\", \"assets\": " + assets
                    + ", \"inbound\": {\"scheme\":" + " \"hmac_sha256_hex\", \"secret\": \"" + INBOUND_SECRET
                    + "\", \"kind\": \"" + kind + "\"}}";
        }

        /** The simulator connector (made once per database), a funded source and the approval policy. */
        private void setUpPayments() {
            expect(admin.post("/v1/connectors", connectorBody(CONNECTOR)), 201, 409);
            String base = "/v1/ledgers/" + ledgerA;
            expect(
                    admin.post(
                            base + "/accounts", "{\"id\": \"users:3:wallet\", \"asset\": \"USD\", \"min_balance\": 0}"),
                    201);
            expect(
                    admin.post(
                            base + "/transactions",
                            transfer("payments-funding", "world", "users:3:wallet", 10_000_000)),
                    201);
            expect(admin.put(base + "/approval-policy", POLICY), 200);
            expect(admin.post("/v1/connectors", inboundConnectorBody(inboundEvents, "events")), 201);
            expect(admin.post("/v1/connectors", inboundConnectorBody(inboundInstructions, "instructions")), 201);
        }

        String payoutBody(String id, long amount) {
            return """
                    {"id": "%s", "source": "users:3:wallet", "amount": %d, "asset": "USD", "connector": "%s",
                     "destination": {"type": "external_id", "id": "matrix"}, "metadata": {"team": "ops"}}""".formatted(id, amount, CONNECTOR);
        }

        /** A new payout on ledger A made by this client; 1000 and more waits for an approval. */
        private String newPayout(HttpTester client, long amount) {
            String id = TestService.uniqueName("po");
            Response created = expect(client.post("/v1/ledgers/" + ledgerA + "/payouts", payoutBody(id, amount)), 201);
            if (amount >= 1000) {
                approvalHash = created.json().path("payload_hash").stringValue();
            }
            return id;
        }

        /** The payout the read rows show. */
        synchronized String payoutId(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "po-elsewhere";
            }
            if (payoutId == null) {
                payoutId = newPayout(admin, 10);
            }
            return payoutId;
        }

        /** A new payout waiting for one approval, created by the admin's principal. */
        String payoutAwaitingApproval(String ledger) {
            return ledger.equals(ledgerA) ? newPayout(admin, 5_000) : "po-elsewhere";
        }

        /** The payload hash every payout waiting for approval has (it does not depend on the id). */
        String approvalHash() {
            if (approvalHash == null) {
                newPayout(admin, 5_000);
            }
            return approvalHash;
        }

        /** One payout waiting for approval that the writer's principal created. */
        synchronized String writersPayoutId(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "po-elsewhere";
            }
            if (writersPayoutId == null) {
                writersPayoutId = newPayout(client(Caller.WRITER), 5_000);
            }
            return writersPayoutId;
        }

        /**
         * A new payout put in {@code status} in the database, from requires_approval (so no worker
         * touches it): no route makes a payout held or in need of review on demand.
         */
        String payoutIn(String ledger, String status) {
            if (!ledger.equals(ledgerA)) {
                return "po-elsewhere";
            }
            String id = newPayout(admin, 5_000);
            boolean held = status.equals("held");
            try (Connection connection = database.dataSource().getConnection();
                    PreparedStatement update = connection.prepareStatement("update payouts set status = ?,"
                            + " hold_reason = ?, held_from = ? where ledger = ? and id = ?")) {
                update.setString(1, status);
                update.setString(2, held ? "dry_mode" : null);
                update.setString(3, held ? "requires_approval" : null);
                update.setString(4, ledgerA);
                update.setString(5, id);
                assertThat(update.executeUpdate()).isEqualTo(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return id;
        }

        private ReconciliationFixture recon;
        private String reconComparison;

        /** Ledger A's reconciliation objects, made on first use. */
        synchronized ReconciliationFixture recon() {
            if (recon == null) {
                recon = ReconciliationFixture.setUp(admin, ledgerA);
            }
            return recon;
        }

        /** A legacy comparison of ledger A, made on first use. */
        synchronized String reconComparison() {
            if (reconComparison == null) {
                reconComparison = expect(
                                admin.send(
                                        "POST",
                                        "/v1/ledgers/" + ledgerA + "/reconciliation/balance-comparisons",
                                        "account,balance\nworld,0\n",
                                        Map.of("Content-Type", "text/csv")),
                                201)
                        .json()
                        .path("id")
                        .stringValue();
            }
            return reconComparison;
        }

        static final String BUFFER = """
                {"min": 0, "target": 0, "max": 1000000000000, "top_up_from": "users:2:wallet",
                 "sweep_to": "users:2:wallet", "providers": ["matrix-none"], "conversion_timeout_seconds": 60}""";

        private String fx;
        private String treasuryCycle;
        private String treasuryConversion;
        private String conversionInReview;

        /** A USDC account on ledger A and a simulator converting USD to USDC, made on first use. */
        private synchronized String fx() {
            if (fx == null) {
                fx = TestService.uniqueName("matrix-fx").toLowerCase(Locale.ROOT);
                expect(admin.put("/v1/assets/USDC", "{\"scale\": 2}"), 200, 201);
                expect(
                        admin.post(
                                "/v1/ledgers/" + ledgerA + "/accounts",
                                "{\"id\": \"matrix:usdc\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}"),
                        201);
                expect(admin.post("/v1/connectors", """
                        {"id": "%s", "kind": "simulator", "assets": {"USD": "providers:%s:USD",
                         "USDC": "providers:%s:USDC"}, "config": {"rates": {"USD/USDC": "1.0000"}}}""".formatted(fx, fx, fx)), 201);
            }
            return fx;
        }

        String conversionBody(String id) {
            return "{\"id\": \"" + id + "\", \"from_account\": \"world\", \"to_account\": \"matrix:usdc\","
                    + " \"from_amount\": 100, \"provider\": \"" + fx() + "\"}";
        }

        /** A cycle of ledger A, run on first use. */
        synchronized String treasuryCycle(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "cyc-elsewhere";
            }
            if (treasuryCycle == null) {
                treasuryCycle = expect(admin.post("/v1/ledgers/" + ledgerA + "/treasury/cycles", null), 201)
                        .json()
                        .path("id")
                        .stringValue();
            }
            return treasuryCycle;
        }

        /** A conversion of ledger A the read rows show. */
        synchronized String treasuryConversion(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "fx-elsewhere";
            }
            if (treasuryConversion == null) {
                treasuryConversion = "matrix-fx-read";
                expect(
                        admin.post(
                                "/v1/ledgers/" + ledgerA + "/treasury/conversions", conversionBody(treasuryConversion)),
                        201);
            }
            return treasuryConversion;
        }

        /** A conversion in needs_review with a real pending reserve, put there in the database. */
        synchronized String conversionInReview(String ledger) {
            if (!ledger.equals(ledgerA)) {
                return "fx-elsewhere";
            }
            if (conversionInReview == null) {
                conversionInReview = "matrix-fx-review";
                String provider = fx();
                expect(admin.post("/v1/ledgers/" + ledgerA + "/transactions", """
                        {"id": "matrix-fx-hold", "postings": [{"from": "world", "to": "users:3:wallet", "amount": 10,
                         "asset": "USD"}], "pending": true}"""), 201);
                try (Connection connection = database.dataSource().getConnection();
                        PreparedStatement insert = connection.prepareStatement("""
                                insert into treasury_conversions (ledger, id, purpose, from_account, to_account,
                                       from_asset, to_asset, from_amount, providers, provider, reserve_transaction,
                                       status, timeout_seconds, created_by)
                                values (?, ?, 'one_off', 'world', 'matrix:usdc', 'USD', 'USDC', 10, ?, ?,
                                        'matrix-fx-hold', 'needs_review', 60, 'matrix')""")) {
                    insert.setString(1, ledgerA);
                    insert.setString(2, conversionInReview);
                    insert.setArray(3, connection.createArrayOf("text", new String[] {provider}));
                    insert.setString(4, provider);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            return conversionInReview;
        }

        /** The payment connector the update row changes, made on first use. */
        synchronized String paymentConnectorId() {
            if (paymentConnectorId == null) {
                paymentConnectorId = throwawayConnectorId();
            }
            return paymentConnectorId;
        }

        /** A new payment connector, for deleting. */
        String throwawayConnectorId() {
            String id = TestService.uniqueName("matrix-conn");
            expect(admin.post("/v1/connectors", connectorBody(id)), 201);
            return id;
        }

        /** A new unscoped key, for revoking. */
        String throwawayKeyId() {
            return keyIds.get(key("throwaway", "reader", null));
        }

        private void setUpLedger(String ledger) {
            String base = "/v1/ledgers/" + ledger;
            expect(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
            for (String account : List.of(
                    "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                    "{\"id\": \"users:1:wallet\", \"asset\": \"USD\", \"min_balance\": 0, \"metadata\": {\"team\": \"ops\"}}",
                    "{\"id\": \"users:2:wallet\", \"asset\": \"USD\", \"min_balance\": 0}")) {
                expect(admin.post(base + "/accounts", account), 201);
            }
            expect(admin.post(base + "/transactions", transfer("deposit-1", "world", "users:1:wallet", 10_000)), 201);
            expect(admin.post(base + "/transactions", transfer("deposit-2", "world", "users:1:wallet", 500)), 201);
            expect(admin.put(base + "/parties/matrix-root", "{}"), 201);
            expect(admin.put(base + "/parties/matrix-member", "{\"referrer\": \"matrix-root\"}"), 201);
            expect(admin.put(base + "/commission-plans/matrix-plan", COMMISSION_PLAN), 201);
            expect(admin.put(base + "/limits/matrix-limit", LIMIT), 201);
            expect(admin.put(base + "/limits/matrix-limit-gone", LIMIT), 201);
            setUpClearing(base);
            for (String hold : List.of("hold-1", "hold-2")) {
                expect(admin.post(base + "/transactions", """
                                {"id": "%s", "postings": [{"from": "users:1:wallet", "to": "world", "amount": 100,
                                 "asset": "USD"}], "pending": true, "timeout_seconds": 86400}""".formatted(hold)), 201);
            }
        }

        /** A pacs.008 of one transaction from a BIC no participant has: answered RJCT, nothing stored. */
        static final String PACS_008 = ClearingWalkthrough.PACS_008;

        static final String CLEARING_PARTICIPANT =
                "{\"name\": \"C\", \"settlement_accounts\": {\"USD\": \"participants:matrix-clr-c:USD\"}}";

        static String obligation(String id) {
            return "{\"id\": \"" + id + "\", \"debtor\": \"matrix-clr-a\", \"creditor\": \"matrix-clr-b\","
                    + " \"amount\": 100, \"asset\": \"USD\"}";
        }

        /** Two participants, window w-1 closed empty, obligations in the open w-2 (one to cancel). */
        private void setUpClearing(String base) {
            for (String id : List.of("matrix-clr-a", "matrix-clr-b")) {
                expect(
                        admin.put(
                                base + "/clearing/participants/" + id,
                                "{\"name\": \"" + id
                                        + "\", \"settlement_accounts\": {\"USD\": \"participants:" + id
                                        + ":USD\"}, \"net_debit_caps\": {\"USD\": 1000000}}"),
                        201);
            }
            expect(admin.post(base + "/clearing/windows/w-1/close", "{}"), 200);
            expect(admin.post(base + "/clearing/obligations", obligation("matrix-ob")), 201);
            expect(admin.post(base + "/clearing/obligations", obligation("matrix-ob-cancel")), 201);
        }

        /** What a ledger holds, as the API shows it: to compare before and after. */
        String snapshot(HttpTester reader, String ledger) {
            String base = "/v1/ledgers/" + ledger;
            return reader.get(base + "/accounts?limit=1000").text()
                    + reader.get(base + "/transactions?limit=1000").text()
                    + reader.get(base + "/accounts/users:1:wallet/entries?limit=1000")
                            .text();
        }

        private static Response expect(Response response, Integer... statuses) {
            assertThat(response.status()).as(response.toString()).isIn((Object[]) statuses);
            return response;
        }
    }
}
