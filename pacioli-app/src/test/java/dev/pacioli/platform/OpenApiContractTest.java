package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The contract checker against hand-written exchanges taken from notes/wire.md, and the document's own
 * rules: every component used, every authenticated operation answering 401, every error a problem.
 */
class OpenApiContractTest {
    private static final OpenApiContract CONTRACT = OpenApiContract.load();
    private static final String JSON = "application/json";
    private static final String JSON_UTF8 = "application/json; charset=utf-8";
    private static final String PROBLEM = "application/problem+json";
    private static final String TIME = "2026-11-23T17:24:00.123456Z";
    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final String ACCOUNT = """
            {"id": "users:42:wallet", "asset": "USD", "normal_balance": "credit", "min_balance": 0,
             "max_balance": null, "status": "open", "metadata": {"owner": "42"}, "created_at": "%s",
             "balances": {"posted_debits": 0, "posted_credits": 1500, "pending_debits": 200,
                          "pending_credits": 0, "balance": 1500, "available": 1300},
             "version": 7}
            """.formatted(TIME);

    private static final String TRANSACTION_FIELDS = """
            "id": "pay_8812", "status": "posted",
            "postings": [{"from": "users:42:wallet", "to": "merchants:7:revenue", "amount": 1500, "asset": "USD",
                          "posted_amount": 1500},
                         {"from": "merchants:7:revenue", "to": "platform:fees", "amount": 45, "asset": "USD",
                          "posted_amount": 45}],
            "pending": false, "timeout_seconds": null, "expires_at": null, "metadata": {"order": "A-1"},
            "description": "Order A-1", "reverses": null, "reversed_by": null""";

    private static final String TRANSACTION = "{" + TRANSACTION_FIELDS + ", \"sequence\": 42, \"committed_at\": \""
            + TIME + "\", \"hash\": \"" + HASH + "\"}";

    private static final String DRY_RUN_TRANSACTION = "{" + TRANSACTION_FIELDS + ", \"dry_run\": true}";

    private static final String TRANSACTION_REQUEST = """
            {"id": "pay_8812",
             "postings": [{"from": "users:42:wallet", "to": "merchants:7:revenue", "amount": 1500, "asset": "USD"},
                          {"from": "merchants:7:revenue", "to": "platform:fees", "amount": "45", "asset": "USD"}],
             "pending": false, "timeout_seconds": null, "metadata": {"order": "A-1"}, "description": "Order A-1"}
            """;

    private static final String VALIDATION_PROBLEM = """
            {"type": "https://pacioli.dev/problems/validation_failed", "title": "The request is invalid",
             "status": 400, "code": "validation_failed", "detail": "2 fields are invalid", "request_id": "req-1",
             "errors": [{"field": "postings[0].amount", "code": "invalid_amount", "detail": "must be positive"},
                        {"field": "limit", "code": "out_of_range"}]}
            """;

    // ---- Valid exchanges ------------------------------------------------------------------------

    @Test
    void anAccountMatches() {
        String path = "/v1/ledgers/main/accounts/users:42:wallet";
        assertThatCode(() -> CONTRACT.check("GET", path, null, null, 200, JSON_UTF8, bytes(ACCOUNT)))
                .doesNotThrowAnyException();
    }

    @Test
    void accountIdsRouteEncodedOrNot() {
        String template = "GET /v1/ledgers/{ledger}/accounts/{id}";
        assertThat(CONTRACT.operation("GET", "/v1/ledgers/main/accounts/users:42:wallet"))
                .isEqualTo(template);
        assertThat(CONTRACT.operation("GET", "/v1/ledgers/main/accounts/users%3A42%3Ajo%40x.y"))
                .isEqualTo(template);
        assertThat(CONTRACT.operation("GET", "/v1/ledgers/main/accounts/a.b@c/entries?limit=5"))
                .isEqualTo("GET /v1/ledgers/{ledger}/accounts/{id}/entries");
    }

    @Test
    void literalSegmentsWinOverTemplates() {
        assertThat(CONTRACT.operation("POST", "/v1/ledgers/main/transactions/batch"))
                .isEqualTo("POST /v1/ledgers/{ledger}/transactions/batch");
        // There is no GET on .../batch, and "batch" is a valid transaction id.
        assertThat(CONTRACT.operation("GET", "/v1/ledgers/main/transactions/batch"))
                .isEqualTo("GET /v1/ledgers/{ledger}/transactions/{id}");
        assertThat(CONTRACT.operation("POST", "/v1/ledgers/main/transactions/pay_1/post"))
                .isEqualTo("POST /v1/ledgers/{ledger}/transactions/{id}/post");
    }

    @Test
    void aCommittedTransactionAndItsReplayMatch() {
        String path = "/v1/ledgers/main/transactions";
        assertThatCode(() -> {
                    CONTRACT.checkValidRequest(
                            "POST", path, JSON, bytes(TRANSACTION_REQUEST), 201, JSON, bytes(TRANSACTION));
                    CONTRACT.checkValidRequest(
                            "POST", path, JSON, bytes(TRANSACTION_REQUEST), 200, JSON, bytes(TRANSACTION));
                })
                .doesNotThrowAnyException();
    }

    @Test
    void aDryRunMatches() {
        String path = "/v1/ledgers/main/transactions?dry_run=true";
        assertThatCode(() -> CONTRACT.checkValidRequest(
                        "POST", path, JSON, bytes(TRANSACTION_REQUEST), 200, JSON, bytes(DRY_RUN_TRANSACTION)))
                .doesNotThrowAnyException();
    }

    @Test
    void aDryRunWithCommitFieldsDoesNotMatch() {
        String dryRunWithSequence =
                DRY_RUN_TRANSACTION.replace("\"dry_run\": true", "\"dry_run\": true, \"sequence\": 1");
        assertThatThrownBy(() -> CONTRACT.check(
                        "POST",
                        "/v1/ledgers/main/transactions?dry_run=true",
                        JSON,
                        null,
                        200,
                        JSON,
                        bytes(dryRunWithSequence)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("sequence");
    }

    @Test
    void aProblemWithFieldErrorsMatches() {
        assertThatCode(() -> CONTRACT.check(
                        "POST",
                        "/v1/ledgers/main/transactions",
                        JSON,
                        bytes("{\"id\": \"x\", \"postings\": [{\"amount\": -1}]}"),
                        400,
                        PROBLEM,
                        bytes(VALIDATION_PROBLEM)))
                .doesNotThrowAnyException();
    }

    @Test
    void listsMatchWithAndWithoutNextCursor() {
        String path = "/v1/ledgers/main/accounts?prefix=users:&metadata.owner=42&limit=2";
        String firstPage = "{\"data\": [" + ACCOUNT + ", " + ACCOUNT + "], \"next_cursor\": \"eyJpZCI6InVzZXJzIn0\"}";
        String lastPage = "{\"data\": [" + ACCOUNT + "]}";
        assertThatCode(() -> {
                    CONTRACT.checkValidRequest("GET", path, null, null, 200, JSON, bytes(firstPage));
                    CONTRACT.checkValidRequest("GET", path + "&cursor=abc", null, null, 200, JSON, bytes(lastPage));
                    CONTRACT.checkValidRequest(
                            "GET", "/v1/ledgers/main/accounts", null, null, 200, JSON, bytes("{\"data\": []}"));
                })
                .doesNotThrowAnyException();
    }

    @Test
    void aBatchResultMatches() {
        String request =
                "{\"atomic\": false, \"transactions\": [" + TRANSACTION_REQUEST + ", " + TRANSACTION_REQUEST + "]}";
        String result = "{\"results\": [{\"index\": 0, \"status\": \"created\", \"transaction\": " + TRANSACTION
                + "}, {\"index\": 1, \"status\": \"exists\", \"transaction\": " + TRANSACTION
                + "}, {\"index\": 2, \"status\": \"failed\", \"code\": \"insufficient_funds\"}]}";
        String dryRunResult = "{\"results\": [{\"index\": 0, \"status\": \"created\", \"transaction\": "
                + DRY_RUN_TRANSACTION + "}]}";
        assertThatCode(() -> {
                    CONTRACT.checkValidRequest(
                            "POST",
                            "/v1/ledgers/main/transactions/batch",
                            JSON,
                            bytes(request),
                            200,
                            JSON,
                            bytes(result));
                    CONTRACT.checkValidRequest(
                            "POST",
                            "/v1/ledgers/main/transactions/batch?dry_run=true",
                            JSON,
                            bytes(request),
                            200,
                            JSON,
                            bytes(dryRunResult));
                })
                .doesNotThrowAnyException();
    }

    @Test
    void aFailedBatchItemCarriesACodeAndNoTransaction() {
        String result = "{\"results\": [{\"index\": 0, \"status\": \"failed\", \"code\": \"insufficient_funds\","
                + " \"transaction\": " + TRANSACTION + "}]}";
        assertThatThrownBy(() -> CONTRACT.check(
                        "POST", "/v1/ledgers/main/transactions/batch", JSON, null, 200, JSON, bytes(result)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void theOpenApiDocumentIsDescribedAsADocumentNotAString() {
        assertThatThrownBy(() -> CONTRACT.check(
                        "GET", "/openapi.yaml", null, null, 200, "application/yaml", bytes("just a string\n")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void serviceRoutesMatch() {
        assertThatCode(() -> {
                    CONTRACT.check("GET", "/health/live", null, null, 200, JSON, bytes("{\"status\": \"ok\"}"));
                    CONTRACT.check(
                            "GET",
                            "/health/ready",
                            null,
                            null,
                            503,
                            JSON,
                            bytes(
                                    "{\"status\": \"unavailable\", \"checks\": {\"database\": \"unreachable\", \"writers\": \"ok\"}}"));
                    CONTRACT.check(
                            "GET",
                            "/metrics",
                            null,
                            null,
                            200,
                            "text/plain; version=0.0.4; charset=utf-8",
                            bytes("# HELP up\nup 1\n"));
                    CONTRACT.check(
                            "GET",
                            "/openapi.yaml",
                            null,
                            null,
                            200,
                            "application/yaml",
                            bytes("openapi: 3.1.0\ninfo: {title: t}\npaths: {}\ncomponents: {}\n"));
                    String shuttingDown =
                            "{\"type\": \"https://pacioli.dev/problems/not_ready\", \"title\": \"Not ready\","
                                    + " \"status\": 503, \"code\": \"not_ready\", \"detail\": \"shutting down\", \"request_id\": \"r\"}";
                    CONTRACT.check("GET", "/health/ready", null, null, 503, PROBLEM, bytes(shuttingDown));
                    CONTRACT.check("GET", "/health/live", null, null, 503, PROBLEM, bytes(shuttingDown));
                })
                .doesNotThrowAnyException();
    }

    @Test
    void accountBoundsAcceptIntegersDigitStringsAndNull() {
        String path = "/v1/ledgers/main/accounts";
        for (String bound : List.of("0", "-5000", "\"-5000\"", "null")) {
            String request = "{\"id\": \"users:42:wallet\", \"asset\": \"USD\", \"min_balance\": " + bound + "}";
            assertThatCode(() ->
                            CONTRACT.checkValidRequest("POST", path, JSON, bytes(request), 201, JSON, bytes(ACCOUNT)))
                    .as(bound)
                    .doesNotThrowAnyException();
        }
        String fractional = "{\"id\": \"a\", \"asset\": \"USD\", \"max_balance\": 1.5}";
        assertThatThrownBy(() ->
                        CONTRACT.checkValidRequest("POST", path, JSON, bytes(fractional), 201, JSON, bytes(ACCOUNT)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void apiKeysMatch() {
        String created = """
                {"id": "key_01J", "name": "payments", "principal": "alice@example.com", "role": "writer",
                 "flags": ["approver"], "ledgers": ["main"], "created_at": "%s", "revoked_at": null,
                 "secret": "pacioli_s3cr3t"}
                """.formatted(TIME);
        String revoked = """
                {"id": "key_01J", "name": "payments", "principal": "payments", "role": "writer", "flags": [],
                 "ledgers": null, "created_at": "%1$s", "revoked_at": "%1$s"}
                """.formatted(TIME);
        String request = "{\"name\": \"payments\", \"role\": \"writer\", \"ledgers\": [\"main\"],"
                + " \"principal\": \"alice@example.com\", \"flags\": [\"approver\"]}";
        assertThatCode(() -> {
                    CONTRACT.checkValidRequest("POST", "/v1/api-keys", JSON, bytes(request), 201, JSON, bytes(created));
                    CONTRACT.checkValidRequest("DELETE", "/v1/api-keys/key_01J", null, null, 200, JSON, bytes(revoked));
                })
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () -> CONTRACT.check("DELETE", "/v1/api-keys/key_01J", null, null, 200, JSON, bytes(created)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("secret");
        for (String wrong : List.of(
                revoked.replace("\"principal\": \"payments\", ", ""),
                revoked.replace("\"flags\": []", "\"flags\": [\"auditor\"]"),
                revoked.replace("\"flags\": []", "\"flags\": [\"approver\", \"approver\"]"),
                revoked.replace("\"principal\": \"payments\"", "\"principal\": \"\""))) {
            assertThatThrownBy(
                            () -> CONTRACT.check("DELETE", "/v1/api-keys/key_01J", null, null, 200, JSON, bytes(wrong)))
                    .as(wrong)
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void anUnroutedProblemMatches() {
        String problem = """
                {"type": "https://pacioli.dev/problems/route_not_found", "title": "No such route", "status": 404,
                 "code": "route_not_found", "detail": "GET /v2 is not a route", "request_id": "abc"}
                """;
        assertThatCode(() -> CONTRACT.checkProblem(404, PROBLEM, bytes(problem)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.checkProblem(405, PROBLEM, bytes(problem)))
                .isInstanceOf(AssertionError.class);
    }

    // ---- Responses that must fail ---------------------------------------------------------------

    @Test
    void aMissingRequiredFieldFails() {
        String withoutVersion = ACCOUNT.replace(",\n \"version\": 7", "").replace("\"version\": 7", "");
        assertThat(withoutVersion).doesNotContain("version");
        assertThatThrownBy(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(withoutVersion)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("version");
    }

    @Test
    void aNullableFieldMustBePresentAsNull() {
        String withoutMaxBalance = ACCOUNT.replace("\"max_balance\": null,", "");
        assertThatThrownBy(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(withoutMaxBalance)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("max_balance");
    }

    @Test
    void anExtraFieldFails() {
        String withExtra = ACCOUNT.replace("\"version\": 7", "\"version\": 7, \"ledger\": \"main\"");
        assertThatThrownBy(() ->
                        CONTRACT.check("GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(withExtra)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ledger");
    }

    @Test
    void aWrongTypeFails() {
        String amountAsString = ACCOUNT.replace("\"posted_credits\": 1500", "\"posted_credits\": \"1500\"");
        assertThatThrownBy(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(amountAsString)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("posted_credits");
    }

    @Test
    void anAmountBeyondInt64Fails() {
        String overflow = ACCOUNT.replace("\"balance\": 1500", "\"balance\": 9223372036854775808");
        assertThatThrownBy(() ->
                        CONTRACT.check("GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(overflow)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("balance");
    }

    @Test
    void aTimeWithoutMicrosecondsFails() {
        String millis = ACCOUNT.replace(TIME, "2026-11-23T17:24:00.123Z");
        assertThatThrownBy(() ->
                        CONTRACT.check("GET", "/v1/ledgers/main/accounts/a", null, null, 200, JSON, bytes(millis)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("created_at");
    }

    @Test
    void anUndocumentedStatusFails() {
        assertThatThrownBy(() ->
                        CONTRACT.check("GET", "/v1/ledgers/main/accounts/a", null, null, 201, JSON, bytes(ACCOUNT)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("status 201 is not documented");
    }

    @Test
    void aProblemCodeOfAnotherOperationFails() {
        String problem = VALIDATION_PROBLEM
                .replace("validation_failed", "account_not_found")
                .replace("\"status\": 400", "\"status\": 404");
        assertThatThrownBy(() -> CONTRACT.check("GET", "/v1/ledgers/main", null, null, 404, PROBLEM, bytes(problem)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("code");
    }

    @Test
    void aWrongResponseContentTypeFails() {
        assertThatThrownBy(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/accounts/a", null, null, 404, JSON, bytes(VALIDATION_PROBLEM)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("content type");
    }

    @Test
    void anUnknownQueryParameterFailsWhenTheServerAcceptsIt() {
        String path = "/v1/ledgers/main/accounts?limt=5";
        String page = "{\"data\": []}";
        assertThatThrownBy(() -> CONTRACT.check("GET", path, null, null, 200, JSON, bytes(page)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'limt' is not declared");
        String refused = VALIDATION_PROBLEM.replace("validation_failed", "unknown_field");
        assertThatCode(() -> CONTRACT.check("GET", path, null, null, 400, PROBLEM, bytes(refused)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.checkValidRequest("GET", path, null, null, 400, PROBLEM, bytes(refused)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void metadataFiltersAreDeclaredOnlyWhereTheyExist() {
        String page = "{\"data\": []}";
        assertThatCode(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/transactions?metadata.order=A-1", null, null, 200, JSON, bytes(page)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() ->
                        CONTRACT.check("GET", "/v1/ledgers?metadata.owner=42", null, null, 200, JSON, bytes(page)))
                .isInstanceOf(AssertionError.class);
        String tooLong = "/v1/ledgers/main/accounts?metadata.owner=" + "x".repeat(513);
        assertThatThrownBy(() -> CONTRACT.checkValidRequest("GET", tooLong, null, null, 200, JSON, bytes(page)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void anUnknownPathOrMethodFails() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/v1/ledgerz", null, null, 200, JSON, bytes("{}")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("matches no path");
        assertThatThrownBy(() -> CONTRACT.check("DELETE", "/v1/ledgers/main", null, null, 200, JSON, bytes("{}")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("matches no operation");
    }

    // ---- Requests -------------------------------------------------------------------------------

    @Test
    void badRequestsPassCheckButNotCheckValidRequest() {
        String withUnknownField =
                TRANSACTION_REQUEST.replace("\"pending\": false", "\"pending\": false, \"memo\": \"x\"");
        String refused = VALIDATION_PROBLEM.replace("validation_failed", "unknown_field");
        String path = "/v1/ledgers/main/transactions";
        assertThatCode(() -> CONTRACT.check("POST", path, JSON, bytes(withUnknownField), 400, PROBLEM, bytes(refused)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.checkValidRequest(
                        "POST", path, JSON, bytes(withUnknownField), 400, PROBLEM, bytes(refused)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("request body")
                .hasMessageContaining("memo");
    }

    @Test
    void requestAmountsAreIntegersOrDigitStrings() {
        for (String amount : List.of("1500", "\"1500\"", "9223372036854775807")) {
            assertThat(requestIsValid(amount)).as(amount).isTrue();
        }
        for (String amount : List.of("0", "-5", "12.5", "\"12.5\"", "\"-5\"", "9223372036854775808", "null")) {
            assertThat(requestIsValid(amount)).as(amount).isFalse();
        }
    }

    @Test
    void timeoutSecondsRequiresPending() {
        String withTimeout = TRANSACTION_REQUEST.replace("\"timeout_seconds\": null", "\"timeout_seconds\": 60");
        assertThatThrownBy(() -> CONTRACT.checkValidRequest(
                        "POST",
                        "/v1/ledgers/main/transactions",
                        JSON,
                        bytes(withTimeout),
                        201,
                        JSON,
                        bytes(TRANSACTION)))
                .isInstanceOf(AssertionError.class);
        String pendingWithTimeout = withTimeout.replace("\"pending\": false", "\"pending\": true");
        assertThatCode(() -> CONTRACT.checkValidRequest(
                        "POST",
                        "/v1/ledgers/main/transactions",
                        JSON,
                        bytes(pendingWithTimeout),
                        201,
                        JSON,
                        bytes(TRANSACTION)))
                .doesNotThrowAnyException();
    }

    @Test
    void parameterValuesAreCheckedOnlyForValidRequests() {
        String page = "{\"data\": []}";
        assertThatThrownBy(() -> CONTRACT.checkValidRequest(
                        "GET", "/v1/ledgers/main/accounts?limit=0", null, null, 200, JSON, bytes(page)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> CONTRACT.checkValidRequest(
                        "GET", "/v1/ledgers/-bad/accounts", null, null, 200, JSON, bytes(page)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("path");
        String problem = VALIDATION_PROBLEM;
        assertThatCode(() -> CONTRACT.check(
                        "GET", "/v1/ledgers/main/accounts?limit=0", null, null, 400, PROBLEM, bytes(problem)))
                .doesNotThrowAnyException();
    }

    @Test
    void bodiesAreOptionalWhereDocumentedSo() {
        String path = "/v1/ledgers/main/transactions/pay_1/void";
        assertThatCode(() -> {
                    CONTRACT.checkValidRequest("POST", path, null, null, 200, JSON, bytes(TRANSACTION));
                    CONTRACT.checkValidRequest("POST", path, JSON, bytes("{}"), 200, JSON, bytes(TRANSACTION));
                })
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.checkValidRequest(
                        "POST", "/v1/ledgers/main/transactions", null, null, 201, JSON, bytes(TRANSACTION)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("requires one");
    }

    private static boolean requestIsValid(String amount) {
        String request = "{\"id\": \"t1\", \"postings\": [{\"from\": \"a\", \"to\": \"b\", \"amount\": " + amount
                + ", \"asset\": \"USD\"}]}";
        try {
            CONTRACT.checkValidRequest(
                    "POST", "/v1/ledgers/main/transactions", JSON, bytes(request), 201, JSON, bytes(TRANSACTION));
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    // ---- The document's own rules ---------------------------------------------------------------

    @Test
    void everyRouteOfTheWireNotesIsAnOperation() {
        assertThat(CONTRACT.operations())
                .containsExactlyInAnyOrder(
                        "POST /v1/ledgers",
                        "GET /v1/ledgers",
                        "GET /v1/ledgers/{ledger}",
                        "PUT /v1/assets/{code}",
                        "GET /v1/assets",
                        "POST /v1/ledgers/{ledger}/accounts",
                        "GET /v1/ledgers/{ledger}/accounts",
                        "GET /v1/ledgers/{ledger}/accounts/{id}",
                        "GET /v1/ledgers/{ledger}/accounts/{id}/entries",
                        "GET /v1/ledgers/{ledger}/accounts/{id}/balances",
                        "POST /v1/ledgers/{ledger}/accounts/{id}/close",
                        "POST /v1/ledgers/{ledger}/transactions",
                        "POST /v1/ledgers/{ledger}/transactions/batch",
                        "GET /v1/ledgers/{ledger}/transactions",
                        "GET /v1/ledgers/{ledger}/transactions/{id}",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/post",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/void",
                        "POST /v1/ledgers/{ledger}/transactions/{id}/reverse",
                        "GET /v1/ledgers/{ledger}/trial-balance",
                        "GET /v1/ledgers/{ledger}/events",
                        "GET /v1/events",
                        "POST /v1/ledgers/{ledger}/verify",
                        "POST /v1/api-keys",
                        "GET /v1/api-keys",
                        "DELETE /v1/api-keys/{id}",
                        "GET /v1/jobs",
                        "POST /v1/webhooks",
                        "GET /v1/webhooks",
                        "GET /v1/webhooks/{id}",
                        "PATCH /v1/webhooks/{id}",
                        "DELETE /v1/webhooks/{id}",
                        "POST /v1/webhooks/{id}/rotate-secret",
                        "GET /v1/webhooks/{id}/deliveries",
                        "POST /v1/webhooks/{id}/deliveries/{delivery}/retry",
                        "GET /v1/connectors",
                        "GET /v1/connectors/{id}",
                        "POST /v1/connectors",
                        "PATCH /v1/connectors/{id}",
                        "DELETE /v1/connectors/{id}",
                        "POST /v1/connectors/{id}/simulate/deposit",
                        "POST /v1/ledgers/{ledger}/payouts",
                        "GET /v1/ledgers/{ledger}/payouts",
                        "GET /v1/ledgers/{ledger}/payouts/{id}",
                        "GET /v1/ledgers/{ledger}/payouts/{id}/history",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/approve",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/reject",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/cancel",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/release",
                        "POST /v1/ledgers/{ledger}/payouts/release",
                        "GET /v1/controls",
                        "PUT /v1/controls/mode",
                        "POST /v1/controls/emergency-stop",
                        "DELETE /v1/controls/emergency-stop",
                        "POST /v1/ledgers/{ledger}/payouts/{id}/resolve",
                        "PUT /v1/ledgers/{ledger}/approval-policy",
                        "GET /v1/ledgers/{ledger}/approval-policy",
                        "POST /v1/ledgers/{ledger}/deposits",
                        "GET /v1/ledgers/{ledger}/deposits",
                        "GET /v1/ledgers/{ledger}/deposits/{id}",
                        "POST /v1/ledgers/{ledger}/deposits/{id}/reverse",
                        "POST /v1/ledgers/{ledger}/deposit-routes",
                        "POST /v1/inbound/{connector}",
                        "GET /v1/audit-log",
                        "POST /v1/audit-log/verify",
                        "POST /v1/alerts/channels",
                        "GET /v1/alerts/channels",
                        "PUT /v1/alerts/routes",
                        "GET /v1/alerts/routes",
                        "POST /v1/alerts/test",
                        "GET /v1/alerts",
                        "GET /v1/alerts/{id}",
                        "POST /v1/alerts/{id}/acknowledge",
                        "GET /v1/screening/lists",
                        "PUT /v1/screening/lists/{name}",
                        "PUT /v1/screening/lists/{name}/aliases",
                        "POST /v1/screening/check",
                        "GET /v1/screening/cases",
                        "GET /v1/screening/cases/{id}",
                        "POST /v1/screening/cases/{id}/decide",
                        "PUT /v1/ledgers/{ledger}/parties/{id}",
                        "GET /v1/ledgers/{ledger}/parties/{id}",
                        "PUT /v1/ledgers/{ledger}/commission-plans/{id}",
                        "GET /v1/ledgers/{ledger}/commission-plans/{id}",
                        "POST /v1/ledgers/{ledger}/commission-plans/{id}/apply",
                        "GET /v1/ledgers/{ledger}/limits",
                        "PUT /v1/ledgers/{ledger}/limits/{id}",
                        "GET /v1/ledgers/{ledger}/limits/{id}",
                        "DELETE /v1/ledgers/{ledger}/limits/{id}",
                        "GET /v1/ledgers/{ledger}/limits/{id}/usage",
                        "PUT /v1/ledgers/{ledger}/clearing/participants/{id}",
                        "GET /v1/ledgers/{ledger}/clearing/participants/{id}",
                        "GET /v1/ledgers/{ledger}/clearing/participants",
                        "POST /v1/ledgers/{ledger}/clearing/obligations",
                        "POST /v1/ledgers/{ledger}/clearing/obligations/batch",
                        "GET /v1/ledgers/{ledger}/clearing/obligations",
                        "GET /v1/ledgers/{ledger}/clearing/obligations/{id}",
                        "POST /v1/ledgers/{ledger}/clearing/obligations/{id}/cancel",
                        "GET /v1/ledgers/{ledger}/clearing/windows",
                        "GET /v1/ledgers/{ledger}/clearing/windows/current",
                        "GET /v1/ledgers/{ledger}/clearing/windows/{id}",
                        "GET /v1/ledgers/{ledger}/clearing/windows/{id}/report",
                        "POST /v1/ledgers/{ledger}/clearing/windows/{id}/close",
                        "POST /v1/ledgers/{ledger}/clearing/windows/{id}/settle",
                        "PUT /v1/ledgers/{ledger}/clearing/schedule",
                        "GET /v1/ledgers/{ledger}/clearing/schedule",
                        "POST /v1/ledgers/{ledger}/clearing/iso20022",
                        "GET /v1/ledgers/{ledger}/clearing/obligations/{id}/pacs002",
                        "PUT /v1/reconciliation/csv-mappings/{id}",
                        "POST /v1/ledgers/{ledger}/reconciliation/statements",
                        "GET /v1/ledgers/{ledger}/reconciliation/statements/{id}",
                        "GET /v1/ledgers/{ledger}/reconciliation/statements/{id}/lines",
                        "POST /v1/ledgers/{ledger}/reconciliation/lines/{id}/ignore",
                        "POST /v1/ledgers/{ledger}/reconciliation/runs",
                        "GET /v1/ledgers/{ledger}/reconciliation/runs/{id}",
                        "GET /v1/ledgers/{ledger}/reconciliation/runs/{id}/matches",
                        "POST /v1/ledgers/{ledger}/reconciliation/matches",
                        "DELETE /v1/ledgers/{ledger}/reconciliation/matches/{id}",
                        "POST /v1/ledgers/{ledger}/reconciliation/proposals/{id}/accept",
                        "PUT /v1/ledgers/{ledger}/reconciliation/accounts/{account}",
                        "GET /v1/ledgers/{ledger}/reconciliation/accounts/{account}",
                        "POST /v1/ledgers/{ledger}/reconciliation/accounts/{account}/clear-drift",
                        "POST /v1/ledgers/{ledger}/reconciliation/balance-comparisons",
                        "GET /v1/ledgers/{ledger}/reconciliation/balance-comparisons/{id}",
                        "PUT /v1/ledgers/{ledger}/reconciliation/schedule",
                        "GET /v1/ledgers/{ledger}/reconciliation/reports/{date}",
                        "PUT /v1/ledgers/{ledger}/treasury/buffers/{account}",
                        "GET /v1/ledgers/{ledger}/treasury/buffers",
                        "POST /v1/ledgers/{ledger}/treasury/cycles",
                        "GET /v1/ledgers/{ledger}/treasury/cycles/{id}",
                        "POST /v1/ledgers/{ledger}/treasury/conversions",
                        "GET /v1/ledgers/{ledger}/treasury/conversions",
                        "GET /v1/ledgers/{ledger}/treasury/conversions/{id}",
                        "POST /v1/ledgers/{ledger}/treasury/conversions/{id}/resolve",
                        "PUT /v1/ledgers/{ledger}/balance-monitors/{id}",
                        "GET /v1/ledgers/{ledger}/balance-monitors",
                        "GET /v1/custody/keys",
                        "POST /v1/custody/keys/rotate",
                        "POST /v1/custody/wallets",
                        "GET /v1/custody/wallets",
                        "GET /v1/custody/wallets/{id}",
                        "POST /v1/custody/wallets/{id}/transactions",
                        "GET /v1/custody/wallets/{id}/transactions",
                        "GET /v1/custody/wallets/{id}/transactions/{transaction}",
                        "POST /v1/custody/wallets/{id}/transactions/{transaction}/release",
                        "PUT /v1/custody/wallets/{id}/monitor",
                        "GET /health/live",
                        "GET /health/ready",
                        "GET /metrics",
                        "GET /openapi.yaml");
    }

    @Test
    void everySchemaCompiles() {
        assertThatCode(CONTRACT::compileAll).doesNotThrowAnyException();
    }

    @Test
    void everyComponentIsReachableFromThePaths() {
        JsonNode document = CONTRACT.document();
        Set<String> reachable = reachableReferences(document);
        List<String> unused = new ArrayList<>();
        for (Map.Entry<String, JsonNode> kind : document.path("components").properties()) {
            if (kind.getKey().equals("securitySchemes")) {
                continue;
            }
            for (String name : kind.getValue().propertyNames()) {
                String pointer = "/components/" + kind.getKey() + "/" + name;
                if (!reachable.contains(pointer)) {
                    unused.add(pointer);
                }
            }
        }
        assertThat(unused).as("components no operation refers to").isEmpty();
        assertThat(document.at("/components/schemas").propertyNames())
                .contains(
                        "Ledger",
                        "Asset",
                        "Account",
                        "Balances",
                        "Posting",
                        "PostingRequest",
                        "Transaction",
                        "DryRunTransaction",
                        "TransactionRequest",
                        "BatchRequest",
                        "BatchResult",
                        "Entry",
                        "BalancesAsOf",
                        "TrialBalance",
                        "VerifyResult",
                        "ApiKey",
                        "ApiKeyCreated",
                        "LedgerList",
                        "AssetList",
                        "AccountList",
                        "EntryList",
                        "TransactionList",
                        "ApiKeyList",
                        "Problem",
                        "FieldError",
                        "Health");
    }

    @Test
    void exactlyTheServiceRoutesAndInboundWebhooksAreUnauthenticatedAndEveryOtherOperationAnswers401() {
        Set<String> unauthenticated = new TreeSet<>();
        forEachOperation((name, operation) -> {
            JsonNode security = operation.path("security");
            if (security.isArray() && security.isEmpty()) {
                unauthenticated.add(name);
            } else {
                assertThat(operation.path("responses").has("401"))
                        .as(name + " declares 401")
                        .isTrue();
            }
        });
        assertThat(unauthenticated)
                .containsExactlyInAnyOrder(
                        "GET /health/live",
                        "GET /health/ready",
                        "GET /metrics",
                        "GET /openapi.yaml",
                        // A provider's webhook: the connector's signature scheme stands in for a key.
                        "POST /v1/inbound/{connector}");
        assertThat(CONTRACT.document().at("/security/0").has("apiKey")).isTrue();
        assertThat(CONTRACT.document()
                        .at("/components/securitySchemes/apiKey/scheme")
                        .asString())
                .isEqualTo("bearer");
    }

    @Test
    void everyErrorStatusAnswersAProblem() {
        forEachOperation((name, operation) -> {
            for (Map.Entry<String, JsonNode> response :
                    operation.path("responses").properties()) {
                int status = Integer.parseInt(response.getKey());
                if (status < 400) {
                    continue;
                }
                JsonNode content = resolve(response.getValue()).path("content");
                // Readiness answers its own report when not ready, and a problem while shutting down.
                boolean readinessReport = name.equals("GET /health/ready") && status == 503;
                Set<String> expected = readinessReport ? Set.of(PROBLEM, JSON) : Set.of(PROBLEM);
                assertThat(content.propertyNames())
                        .as(name + " " + status)
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(problemCodes(content.path(PROBLEM).path("schema")))
                        .as(name + " " + status + " lists its codes")
                        .isNotEmpty();
            }
        });
    }

    @Test
    void everyApiOperationDeclaresTheCommonErrors() {
        forEachOperation((name, operation) -> {
            if (!name.contains(" /v1/")) {
                return;
            }
            JsonNode responses = operation.path("responses");
            for (String status : List.of("400", "401", "429", "500", "503")) {
                assertThat(responses.has(status))
                        .as(name + " declares " + status)
                        .isTrue();
            }
            if (operation.has("requestBody")) {
                for (String status : List.of("413", "415")) {
                    assertThat(responses.has(status))
                            .as(name + " declares " + status)
                            .isTrue();
                }
            }
            if (name.contains("{ledger}")) {
                assertThat(responses.has("404")).as(name + " declares 404").isTrue();
            }
        });
    }

    /**
     * Every mutating operation takes an Idempotency-Key and declares what it may answer (docs/api.md).
     * Idempotency keys belong to an API key, so an operation without one (a provider's webhook, whose
     * event or payout id is its idempotency key) takes none.
     */
    @Test
    void everyMutatingOperationTakesAnIdempotencyKey() {
        List<String> mutating = new ArrayList<>();
        forEachOperation((name, operation) -> {
            boolean unauthenticated = operation.path("security").isArray()
                    && operation.path("security").isEmpty();
            if (name.startsWith("GET ") || unauthenticated) {
                return;
            }
            mutating.add(name);
            assertThat(operation.path("parameters").values())
                    .as(name + " takes Idempotency-Key")
                    .anyMatch(parameter ->
                            parameter.path("$ref").asString("").equals("#/components/parameters/IdempotencyKey"));
            JsonNode responses = operation.path("responses");
            Map<String, String> codes = Map.of(
                    "400", "invalid_idempotency_key", "409", "idempotency_key_in_use", "422", "idempotency_key_reused");
            codes.forEach((status, code) -> assertThat(problemCodes(resolve(responses.path(status))
                            .at("/content/" + OpenApiContract.escape(PROBLEM) + "/schema")))
                    .as(name + " " + status)
                    .contains(code));
        });
        assertThat(mutating).contains("POST /v1/ledgers/{ledger}/transactions", "DELETE /v1/webhooks/{id}");
    }

    @Test
    void operationCodesAreProblemCodesAndEveryProblemCodeIsUsed() {
        Set<String> problemCodes = new TreeSet<>();
        CONTRACT.document()
                .at("/components/schemas/Problem/properties/code/enum")
                .values()
                .forEach(code -> problemCodes.add(code.asString()));
        Set<String> used = new TreeSet<>();
        forEachOperation((name, operation) -> {
            for (JsonNode response : operation.path("responses").values()) {
                JsonNode schema = resolve(response).at("/content/" + OpenApiContract.escape(PROBLEM) + "/schema");
                used.addAll(problemCodes(schema));
            }
        });
        assertThat(problemCodes).containsAll(used);
        Set<String> unused = new TreeSet<>(problemCodes);
        unused.removeAll(used);
        assertThat(unused)
                .as("codes answered outside operations")
                .containsExactlyInAnyOrder(
                        "route_not_found",
                        "method_not_allowed",
                        // refused by the HTTP server before routing (ProblemErrorHandler)

                        "uri_too_long",
                        "headers_too_large");
    }

    @Test
    void everyObjectSchemaIsClosed() {
        List<String> open = new ArrayList<>();
        collectOpenObjects(CONTRACT.document().at("/components/schemas"), "/components/schemas", open);
        assertThat(open)
                .as("object schemas without additionalProperties: false")
                .isEmpty();
    }

    @Test
    void operationIdsAreUnique() {
        List<String> ids = new ArrayList<>();
        forEachOperation(
                (name, operation) -> ids.add(operation.path("operationId").asString()));
        assertThat(ids).doesNotHaveDuplicates().doesNotContain("");
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private interface OperationVisitor {
        void visit(String name, JsonNode operation);
    }

    private static void forEachOperation(OperationVisitor visitor) {
        for (Map.Entry<String, JsonNode> path :
                CONTRACT.document().path("paths").properties()) {
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                if (!entry.getKey().equals("parameters")) {
                    visitor.visit(entry.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), entry.getValue());
                }
            }
        }
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.path("$ref").isString()) {
            current = CONTRACT.document().at(current.path("$ref").asString().substring(1));
        }
        return current;
    }

    /** The codes a problem schema allows: {@code allOf: [Problem, {properties: {code: {enum}}}]}. */
    private static Set<String> problemCodes(JsonNode schema) {
        Set<String> codes = new TreeSet<>();
        for (JsonNode part : schema.path("allOf").values()) {
            part.at("/properties/code/enum").values().forEach(code -> codes.add(code.asString()));
        }
        return codes;
    }

    /** Every {@code #/components/...} pointer reachable from the paths, following references. */
    private static Set<String> reachableReferences(JsonNode document) {
        Set<String> reachable = new HashSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(document.path("paths"));
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isString() || !node.isContainer()) {
                continue;
            }
            JsonNode ref = node.path("$ref");
            if (ref.isString() && reachable.add(ref.asString().substring(1))) {
                pending.push(document.at(ref.asString().substring(1)));
            }
            node.values().forEach(pending::push);
        }
        return reachable;
    }

    private static void collectOpenObjects(JsonNode node, String pointer, List<String> open) {
        if (!node.isContainer()) {
            return;
        }
        boolean objectSchema = node.path("type").asString("").equals("object") && node.has("properties");
        if (objectSchema && !node.path("additionalProperties").isBoolean()) {
            open.add(pointer);
        }
        for (Map.Entry<String, JsonNode> child : node.properties()) {
            collectOpenObjects(child.getValue(), pointer + "/" + OpenApiContract.escape(child.getKey()), open);
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            collectOpenObjects(node.get(i), pointer + "/" + i, open);
        }
    }
}
