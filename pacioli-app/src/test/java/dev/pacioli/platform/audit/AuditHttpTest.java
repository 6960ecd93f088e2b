package dev.pacioli.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The audit log through the API, on the real service: each privileged action of today writes its
 * record with the caller's principal, key, request id and address (the service's own with
 * {@code system}); refused actions write none; the list filters and pages; verify answers ok. Each test
 * acts under principals of its own, so other tests' records never disturb its counts.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class AuditHttpTest {
    private final HttpTester admin;

    AuditHttpTest(TestService.Running service) {
        this.admin = service.admin();
    }

    /** An admin key held by a principal of its own: its secret and id. */
    private record Holder(String principal, String secret, String id, HttpTester client) {}

    private Holder holder(String prefix, String role, String flags, String ledgers) {
        String principal = TestService.uniqueName(prefix) + "@example.com";
        JsonNode key = admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"" + prefix + "\", \"role\": \"" + role + "\", \"principal\": \"" + principal
                                + "\", \"flags\": [" + flags + "]"
                                + (ledgers == null ? "" : ", \"ledgers\": " + ledgers)
                                + "}")
                .json();
        String secret = key.path("secret").stringValue();
        return new Holder(principal, secret, key.path("id").stringValue(), admin.as(secret));
    }

    private List<JsonNode> records(String query) {
        Response page = admin.get("/v1/audit-log?limit=1000&" + query);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        List<JsonNode> records = new ArrayList<>();
        page.json().path("data").forEach(records::add);
        return records;
    }

    private static List<String> actions(List<JsonNode> records) {
        return records.stream()
                .map(record -> record.path("action").stringValue())
                .toList();
    }

    @Test
    void keysAreRecordedWithTheCallerAndRefusalsAreNot() {
        Holder alice = holder("alice", "admin", "", null);
        Response created = alice.client()
                .send(
                        "POST",
                        "/v1/api-keys",
                        "{\"name\": \"ci\", \"role\": \"reader\"}",
                        Map.of("X-Request-Id", "audit-req-1"));
        assertThat(created.status()).isEqualTo(201);
        String keyId = created.json().path("id").stringValue();
        JsonNode record = records("object_id=" + keyId).getFirst();
        assertThat(record.path("action").stringValue()).isEqualTo("api_key.created");
        assertThat(record.path("object_type").stringValue()).isEqualTo("api_key");
        assertThat(record.path("principal").stringValue()).isEqualTo(alice.principal());
        assertThat(record.path("key_id").stringValue()).isEqualTo(alice.id());
        assertThat(record.path("request_id").stringValue()).isEqualTo("audit-req-1");
        assertThat(record.path("source_ip").stringValue()).isEqualTo("127.0.0.1");
        assertThat(record.path("before").isNull()).isTrue();
        assertThat(record.path("after").path("role").stringValue()).isEqualTo("reader");
        assertThat(record.toString())
                .doesNotContain(created.json().path("secret").stringValue());

        assertThat(alice.client().delete("/v1/api-keys/" + keyId).status()).isEqualTo(200);
        JsonNode revoked = records("object_id=" + keyId).getFirst();
        assertThat(revoked.path("action").stringValue()).isEqualTo("api_key.revoked");
        assertThat(revoked.path("before").path("revoked_at").isNull()).isTrue();
        assertThat(revoked.path("after").path("revoked_at").isString()).isTrue();
        // Refused: a bad role, and a second revocation (nothing changes, so nothing to record).
        assertThat(alice.client()
                        .post("/v1/api-keys", "{\"name\": \"x\", \"role\": \"root\"}")
                        .status())
                .isEqualTo(400);
        assertThat(alice.client().delete("/v1/api-keys/" + keyId).status()).isEqualTo(200);
        assertThat(actions(records("principal=" + alice.principal())))
                .containsExactly("api_key.revoked", "api_key.created");
    }

    @Test
    void webhookChangesAreRecordedWithoutTheirSecrets() {
        Holder bob = holder("bob", "admin", "", null);
        Response hook = bob.client()
                .post("/v1/webhooks", "{\"url\": \"https://webhooks.invalid/hooks/T0ken5ecret\", \"events\": [\"*\"]}");
        assertThat(hook.status()).isEqualTo(201);
        String id = hook.json().path("id").stringValue();
        String path = "/v1/webhooks/" + id;
        assertThat(bob.client()
                        .send("PATCH", path, "{\"enabled\": false}", Map.of())
                        .status())
                .isEqualTo(200);
        Response rotated = bob.client().post(path + "/rotate-secret", "{}");
        assertThat(bob.client().delete(path).status()).isEqualTo(200);
        List<JsonNode> records = records("object_id=" + id);
        assertThat(actions(records))
                .containsExactly(
                        "webhook_endpoint.deleted",
                        "webhook_endpoint.secret_rotated",
                        "webhook_endpoint.updated",
                        "webhook_endpoint.created");
        assertThat(records).allSatisfy(record -> {
            assertThat(record.path("principal").stringValue()).isEqualTo(bob.principal());
            assertThat(record.toString())
                    .doesNotContain("whsec_")
                    .doesNotContain("T0ken5ecret")
                    .doesNotContain(rotated.json().path("secret").stringValue());
        });
        JsonNode updated = records.get(2);
        assertThat(updated.path("before").path("enabled").booleanValue()).isTrue();
        assertThat(updated.path("after").path("enabled").booleanValue()).isFalse();
        assertThat(updated.path("after").path("url_origin").stringValue()).isEqualTo("https://webhooks.invalid");
        assertThat(records.getFirst().path("after").isNull()).isTrue();
    }

    @Test
    void ledgersAndAssetsAreRecordedOnceWhenCreated() {
        Holder carol = holder("carol", "admin", "", null);
        String ledger = TestService.uniqueName("audited");
        String body = "{\"name\": \"" + ledger + "\"}";
        assertThat(carol.client().post("/v1/ledgers", body).status()).isEqualTo(201);
        assertThat(carol.client().post("/v1/ledgers", body).status())
                .as("identical replay")
                .isEqualTo(200);
        String code = "AUD" + Long.toString(System.nanoTime() % 1_000_000_000L);
        assertThat(carol.client().put("/v1/assets/" + code, "{\"scale\": 2}").status())
                .isEqualTo(201);
        assertThat(carol.client().put("/v1/assets/" + code, "{\"scale\": 3}").status())
                .as("a conflict")
                .isEqualTo(409);
        List<JsonNode> records = records("principal=" + carol.principal());
        assertThat(actions(records)).containsExactly("asset.created", "ledger.created");
        assertThat(records.get(1).path("ledger").stringValue()).isEqualTo(ledger);
        assertThat(records.get(0).path("after").path("scale").intValue()).isEqualTo(2);
        assertThat(actions(records("ledger=" + ledger))).containsExactly("ledger.created");
    }

    @Test
    void aForcedReversalIsRecordedInItsCommitAndARefusedOneIsNot() {
        String ledger = TestService.uniqueName("forced");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.post(base + "/transactions", transfer("in", "world", "wallet", 1000))
                        .status())
                .isEqualTo(201);
        assertThat(admin.post(base + "/transactions", transfer("out", "wallet", "world", 800))
                        .status())
                .isEqualTo(201);
        Holder erin = holder("erin", "operator", "", null);
        String reverse = base + "/transactions/in/reverse";
        Response refused = erin.client().post(reverse, "{\"id\": \"in-rev\"}");
        assertThat(refused.code()).as("the wallet would fall below 0").isEqualTo("insufficient_funds");
        assertThat(records("principal=" + erin.principal())).isEmpty();
        String forced = "{\"id\": \"in-rev\", \"force\": true, \"description\": \"chargeback 4411\"}";
        assertThat(erin.client().post(reverse, forced).status()).isEqualTo(201);
        assertThat(erin.client().post(reverse, forced).status()).as("a replay").isEqualTo(200);
        List<JsonNode> records = records("principal=" + erin.principal());
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.path("action").stringValue()).isEqualTo("transaction.force_reversed");
            assertThat(record.path("object_id").stringValue()).isEqualTo("in");
            assertThat(record.path("ledger").stringValue()).isEqualTo(ledger);
            assertThat(record.path("reason").stringValue()).isEqualTo("chargeback 4411");
            assertThat(record.path("after").path("reversed_by").stringValue()).isEqualTo("in-rev");
        });
        // A plain reversal, not forced, is not a privileged action (this one brings the wallet back up).
        assertThat(erin.client()
                        .post(base + "/transactions/out/reverse", "{\"id\": \"out-rev\"}")
                        .status())
                .isEqualTo(201);
        assertThat(records("principal=" + erin.principal())).hasSize(1);
    }

    private static String transfer(String id, String from, String to, long amount) {
        return "{\"id\": \"%s\", \"postings\": [{\"from\": \"%s\", \"to\": \"%s\", \"amount\": %d, \"asset\": \"USD\"}]}"
                .formatted(id, from, to, amount);
    }

    @Test
    void theServiceRecordsItsMigrationsAndItsAdminKeyAsSystem() {
        JsonNode migrated = records("action=schema.migrated&object_id=12").getFirst();
        assertThat(migrated.path("principal").stringValue()).isEqualTo("system");
        assertThat(migrated.path("key_id").isNull()).isTrue();
        assertThat(records("action=schema.migrated&object_id=1")).hasSize(1);
        assertThat(records("action=api_key.created&principal=system"))
                .anySatisfy(
                        record -> assertThat(record.path("after").path("name").stringValue())
                                .isEqualTo("admin (PACIOLI_ADMIN_KEY)"));
    }

    @Test
    void theListFiltersAndPagesNewestFirst() {
        Holder dave = holder("dave", "admin", "", null);
        for (int i = 0; i < 5; i++) {
            assertThat(dave.client()
                            .post("/v1/api-keys", "{\"name\": \"k" + i + "\", \"role\": \"reader\"}")
                            .status())
                    .isEqualTo(201);
        }
        List<JsonNode> seen = new ArrayList<>();
        String path = "/v1/audit-log?limit=2&principal=" + dave.principal();
        List<Integer> sizes = new ArrayList<>();
        while (path != null) {
            JsonNode page = admin.get(path).json();
            sizes.add(page.path("data").size());
            page.path("data").forEach(seen::add);
            String cursor = page.path("next_cursor").stringValue(null);
            path = cursor == null ? null : "/v1/audit-log?limit=2&principal=" + dave.principal() + "&cursor=" + cursor;
        }
        assertThat(sizes).containsExactly(2, 2, 1);
        List<Long> sequences =
                seen.stream().map(record -> record.path("sequence").longValue()).toList();
        assertThat(sequences).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(records("principal=" + dave.principal() + "&action=api_key.revoked"))
                .isEmpty();
        String middle = seen.get(2).path("at").stringValue();
        int from = records("principal=" + dave.principal() + "&from=" + middle).size();
        int to = records("principal=" + dave.principal() + "&to=" + middle).size();
        assertThat(from + to).isEqualTo(5);
        assertThat(from).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aComplianceReaderReadsAndVerifiesAndAScopedKeySeesOnlyItsLedgers() {
        String ledger = TestService.uniqueName("scoped-audit");
        assertThat(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}").status())
                .isEqualTo(201);
        Holder auditor = holder("auditor", "reader", "\"compliance\"", null);
        Response verified = auditor.client().post("/v1/audit-log/verify", "{}");
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.json().path("ok").booleanValue())
                .as(verified.toString())
                .isTrue();
        assertThat(verified.json().path("checked").path("records").longValue()).isPositive();
        Holder scoped = holder("scoped", "reader", "\"compliance\"", "[\"" + ledger + "\"]");
        JsonNode page = scoped.client().get("/v1/audit-log?limit=1000").json();
        assertThat(page.path("data").size()).isPositive();
        page.path("data")
                .forEach(record ->
                        assertThat(record.path("ledger").stringValue()).isEqualTo(ledger));
        Holder plainReader = holder("plain", "reader", "", null);
        assertThat(plainReader.client().get("/v1/audit-log").status()).isEqualTo(403);
    }
}
