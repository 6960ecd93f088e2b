package dev.pacioli.app;

import dev.pacioli.access.ApiKeys;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.audit.Actor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo a newcomer runs first: it starts the service, then drives a small payments ledger through
 * the HTTP API exactly as a client would, printing each call as the curl command that makes it and
 * the answer it got. Every run makes a new ledger, so it can be run again and again.
 */
final class Demo {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> ACCOUNTS =
            List.of("world", "users:alice:wallet", "users:bob:wallet", "merchants:acme:revenue", "platform:fees");

    private final Service service;
    private final String baseUrl;
    private final PrintStream out;
    private final HttpClient client = HttpClient.newHttpClient();
    private String secret;
    String ledgerPath;
    private boolean quiet;

    Demo(Service service, String host, PrintStream out) {
        this.service = service;
        this.baseUrl = "http://" + host + ":" + service.port();
        this.out = out;
    }

    boolean run() {
        // A key of its own for the demo, revoked at the end: the real admin key stays where it is.
        secret = Authenticator.newSecret();
        ApiKeys keys = new ApiKeys(service.database().dataSource());
        ApiKey key = keys.create(
                "demo", "demo", ApiKey.Role.ADMIN, Set.of(), null, Authenticator.hash(secret), Actor.SYSTEM);
        try {
            String name =
                    "demo-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            ledgerPath = "/v1/ledgers/" + name;
            out.printf(
                    "Pacioli demo: the service listens on %s, storing in %s%n",
                    baseUrl, service.database().describe());
            out.printf(
                    "Each step is the curl command that makes it (PACIOLI_URL=%s, PACIOLI_KEY=<an API key>).%n",
                    baseUrl);
            setUp(name);
            moveMoney();
            printBalances();
            printStatement("users:alice:wallet");
            new DemoPayments(this, name, keys).run();
            boolean ok = verify();
            out.printf("%nCheck it again any time with: ./pacioli verify %s%n", name);
            return ok;
        } finally {
            keys.revoke(key.id(), Actor.SYSTEM);
        }
    }

    private void setUp(String name) {
        step("Create the asset USD (scale 2: amounts are cents) and a ledger");
        call("PUT", "/v1/assets/USD", "{\"scale\": 2}");
        call("POST", "/v1/ledgers", "{\"name\": \"" + name + "\", \"metadata\": {\"purpose\": \"demo\"}}");
        step("Open five accounts; wallets and revenue may not go negative (min_balance 0)");
        openAccount("world", "debit", null, "{\"role\": \"external\"}");
        openAccount("users:alice:wallet", "credit", 0L, "{\"owner\": \"alice\"}");
        openAccount("users:bob:wallet", "credit", 0L, "{\"owner\": \"bob\"}");
        openAccount("merchants:acme:revenue", "credit", 0L, "{}");
        openAccount("platform:fees", "credit", null, "{}");
    }

    private void openAccount(String id, String normal, Long minBalance, String metadata) {
        call(
                "POST",
                ledgerPath + "/accounts",
                "{\"id\": \"%s\", \"asset\": \"USD\", \"normal_balance\": \"%s\", \"min_balance\": %s, \"metadata\": %s}"
                        .formatted(id, normal, minBalance == null ? "null" : minBalance, metadata));
    }

    private void moveMoney() {
        step("Alice deposits 100.00");
        transfer("deposit-1", "world", "users:alice:wallet", 10_000, "");
        step("Alice pays Acme 15.00, and Acme pays the platform a 0.45 fee, in one atomic transaction");
        String payment = "{\"id\": \"pay-8812\", \"postings\": ["
                + "{\"from\": \"users:alice:wallet\", \"to\": \"merchants:acme:revenue\", \"amount\": 1500, \"asset\": \"USD\"},"
                + " {\"from\": \"merchants:acme:revenue\", \"to\": \"platform:fees\", \"amount\": 45, \"asset\": \"USD\"}],"
                + " \"metadata\": {\"order\": \"A-1\"}, \"description\": \"Order A-1\"}";
        call("POST", ledgerPath + "/transactions", payment);
        step("The client retries the payment with the same id: answered 200 with the original, not applied twice");
        call("POST", ledgerPath + "/transactions", payment);
        step("A hold of 20.00 from Alice to Bob, pending for an hour");
        transfer(
                "hold-1",
                "users:alice:wallet",
                "users:bob:wallet",
                2_000,
                ", \"pending\": true, \"timeout_seconds\": 3600");
        step("The hold is posted in part, 12.00; the other 8.00 returns to Alice");
        call("POST", ledgerPath + "/transactions/hold-1/post", "{\"amount\": 1200}");
        step("The payment is refunded by reversing it");
        call(
                "POST",
                ledgerPath + "/transactions/pay-8812/reverse",
                "{\"id\": \"refund-8812\", \"metadata\": {\"reason\": \"customer request\"}}");
        step("Bob tries to send 50.00 but holds 12.00: refused with insufficient_funds, and nothing changes");
        transfer("withdraw-1", "users:bob:wallet", "world", 5_000, "");
    }

    void transfer(String id, String from, String to, long amount, String extra) {
        call(
                "POST",
                ledgerPath + "/transactions",
                "{\"id\": \"%s\", \"postings\": [{\"from\": \"%s\", \"to\": \"%s\", \"amount\": %d, \"asset\": \"USD\"}]%s}"
                        .formatted(id, from, to, amount, extra));
    }

    private void printBalances() {
        step("Balances");
        JsonNode accounts =
                call("GET", ledgerPath + "/accounts?limit=100", null).get("data");
        out.printf("  %-24s %12s %12s %8s%n", "account", "balance", "available", "version");
        for (String id : ACCOUNTS) {
            for (JsonNode account : accounts) {
                if (account.get("id").stringValue().equals(id)) {
                    JsonNode balances = account.get("balances");
                    out.printf(
                            "  %-24s %12s %12s %8d%n",
                            id,
                            money(balances.get("balance").longValue()),
                            money(balances.get("available").longValue()),
                            account.get("version").longValue());
                }
            }
        }
    }

    private void printStatement(String account) {
        step("Alice's statement, newest first");
        JsonNode entries = call("GET", ledgerPath + "/accounts/" + account + "/entries", null)
                .get("data");
        out.printf(
                "  %8s %-14s %-7s %10s %10s %12s%n", "sequence", "transaction", "kind", "debit", "credit", "balance");
        for (JsonNode entry : entries) {
            out.printf(
                    "  %8d %-14s %-7s %10s %10s %12s%n",
                    entry.get("sequence").longValue(),
                    entry.get("transaction_id").stringValue(),
                    entry.get("kind").stringValue(),
                    money(entry.get("debit").longValue()),
                    money(entry.get("credit").longValue()),
                    money(entry.get("balance_after").longValue()));
        }
    }

    private boolean verify() {
        step("Verify: re-read everything from storage and check every invariant");
        JsonNode report = call("POST", ledgerPath + "/verify", "{}");
        return report.get("ok").booleanValue();
    }

    /** Makes one call, printing it as curl and its answer in one line. */
    JsonNode call(String method, String path, String body) {
        return call(method, path, body, body, secret, "PACIOLI_KEY", Map.of());
    }

    /** The demo's own admin key, for calls that print their body differently. */
    String secretForCalls() {
        return secret;
    }

    /** Stops (true) or resumes printing calls: for the polls that wait for the background work. */
    void quiet(boolean quiet) {
        this.quiet = quiet;
    }

    /**
     * Makes one call with a key (named in the printed curl by {@code keyVariable}, never shown) or
     * none (null) and extra headers, printing it as curl, with {@code shownBody} for the body (where a
     * secret is replaced by its variable), and its answer in one line.
     */
    JsonNode call(
            String method,
            String path,
            String body,
            String shownBody,
            String key,
            String keyVariable,
            Map<String, String> headers) {
        StringBuilder curl = new StringBuilder("$ curl -s");
        if (!method.equals("GET")) {
            curl.append(" -X ").append(method);
        }
        curl.append(" \"$PACIOLI_URL").append(path).append('"');
        if (key != null) {
            curl.append(" -H \"Authorization: Bearer $").append(keyVariable).append('"');
        }
        headers.forEach((name, value) ->
                curl.append(" -H \"").append(name).append(": ").append(value).append('"'));
        if (shownBody != null) {
            curl.append(" --json '").append(shownBody).append('\'');
        }
        if (!quiet) {
            out.println(curl);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(response.body());
            if (!quiet) {
                out.printf("  -> %d %s%n", response.statusCode(), summary(answer));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("the demo could not reach the service: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the demo was interrupted", e);
        }
    }

    /** The part of an answer worth a line: a problem's code, a transaction's status, an account's balance. */
    private static String summary(JsonNode answer) {
        if (answer.has("code") && answer.has("status") && answer.has("type")) {
            return answer.get("code").stringValue() + ": "
                    + answer.get("detail").stringValue();
        }
        if (answer.has("payload_hash")) {
            return "payout " + answer.get("id").stringValue() + " "
                    + answer.get("status").stringValue()
                    + ", approvals " + answer.get("approvals").size() + "/"
                    + answer.get("approvals_required").intValue();
        }
        if (answer.has("breaker") && answer.has("kind")) {
            return "connector " + answer.get("id").stringValue() + " ("
                    + answer.get("kind").stringValue() + "), breaker "
                    + answer.get("state").stringValue();
        }
        if (answer.has("provider_event_ids")) {
            return "deposit " + answer.get("id").stringValue() + " "
                    + answer.get("status").stringValue() + ", "
                    + money(answer.get("amount").longValue()) + " to "
                    + answer.get("account").stringValue();
        }
        if (answer.has("received")) {
            return "received " + answer.get("provider_event_id").stringValue()
                    + (answer.get("duplicate").booleanValue() ? " (a duplicate: no second effect)" : "");
        }
        if (answer.has("postings")) {
            return "transaction " + answer.get("id").stringValue() + " "
                    + answer.get("status").stringValue() + ", sequence "
                    + answer.get("sequence").longValue();
        }
        if (answer.has("balances") && answer.has("id")) {
            return "account " + answer.get("id").stringValue() + ", balance "
                    + money(answer.get("balances").get("balance").longValue());
        }
        if (answer.has("ok")) {
            return "ok: " + answer.get("ok").booleanValue() + ", checked " + answer.get("checked") + ", failures "
                    + answer.get("failures");
        }
        if (answer.has("data")) {
            return answer.get("data").size() + " item(s)";
        }
        String text = answer.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    static void printReport(PrintStream out, VerifyReport report) {
        out.printf("verify: %s%n", report.ok() ? "ok" : "FAILED");
        report.checked().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(checked -> out.printf("  checked %-16s %d%n", checked.getKey(), checked.getValue()));
        report.failures().forEach(failure -> out.println("  failure: " + failure));
    }

    void step(String title) {
        out.printf("%n%s%n", title);
    }

    /** Cents as a decimal string, with integer arithmetic only. */
    static String money(long cents) {
        String sign = cents < 0 ? "-" : "";
        long magnitude = Math.abs(cents);
        return String.format("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
    }
}
