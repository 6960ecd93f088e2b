package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.access.ApiKeys;
import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The gate's flags, end to end: no route of the API needs a flag yet, so this test serves routes of
 * its own that do, through the real {@link HttpServer} and keys stored in the test database, and
 * checks the rule the first capability to need a flag will rely on: the role first, then every flag
 * (403 {@code forbidden} naming what is missing); a flag never stands in for a role and no role for a
 * flag; and the route sees the caller's principal from its key, whatever a request header claims.
 * {@code Route.refusal}, the rule itself, is tested case by case too.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class FlagGateTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final Database database;
    private HttpServer server;

    FlagGateTest(TestDatabases.TestDatabase database) {
        this.database = database.database();
    }

    @BeforeEach
    void start() {
        Route.Action whoCalls = call -> {
            try (JsonOutput out = new JsonOutput()) {
                out.json.writeStartObject();
                out.string("principal", call.principal());
                out.json.writeEndObject();
                return Reply.json(200, out);
            }
        };
        List<Route> routes = List.of(
                Route.post("/test/approve", Role.OPERATOR, whoCalls).requiring(Flag.APPROVER),
                Route.post("/test/screen", Role.READER, whoCalls).requiring(Flag.COMPLIANCE),
                Route.post("/test/both", Role.READER, whoCalls).requiring(Flag.APPROVER, Flag.COMPLIANCE),
                Route.post("/test/plain", Role.READER, whoCalls));
        server = new HttpServer(
                        new HttpServer.Settings("127.0.0.1", 0, 0, 0, false),
                        new Authenticator(new ApiKeys(database.dataSource())),
                        name -> false,
                        new ServiceMetrics(),
                        new IdempotencyKeys(new IdempotencyStore(
                                database.dataSource(), IdempotencyKeys.LEASE_MILLIS, IdempotencyKeys.RETENTION_MILLIS)),
                        routes)
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRouteThatNeedsAFlagAdmitsOnlyKeysWithItsRoleAndTheFlag() throws Exception {
        String approver = key("alice@example.com", Role.OPERATOR, Flag.APPROVER);
        String operator = key("bob@example.com", Role.OPERATOR);
        String admin = key("root@example.com", Role.ADMIN);
        String flaggedReader = key("carol@example.com", Role.READER, Flag.APPROVER, Flag.COMPLIANCE);
        String compliance = key("dora@example.com", Role.WRITER, Flag.COMPLIANCE);

        assertThat(call("/test/approve", approver)).isEqualTo("200 alice@example.com");
        assertThat(call("/test/approve", operator))
                .isEqualTo("403 forbidden: this needs the approver flag; the key has none");
        assertThat(call("/test/approve", admin))
                .as("no role stands in for a flag")
                .isEqualTo("403 forbidden: this needs the approver flag; the key has none");
        assertThat(call("/test/approve", flaggedReader))
                .as("a flag never raises a role")
                .isEqualTo("403 forbidden: this needs the operator role; the key is reader");
        assertThat(call("/test/approve", compliance))
                .isEqualTo("403 forbidden: this needs the operator role; the key is writer");

        assertThat(call("/test/screen", compliance)).isEqualTo("200 dora@example.com");
        assertThat(call("/test/screen", approver))
                .isEqualTo("403 forbidden: this needs the compliance flag; the key has approver");
        assertThat(call("/test/both", flaggedReader)).isEqualTo("200 carol@example.com");
        assertThat(call("/test/both", approver))
                .isEqualTo("403 forbidden: this needs the compliance flag; the key has approver");
        assertThat(call("/test/both", operator))
                .isEqualTo("403 forbidden: this needs the approver and compliance flags; the key has none");
        assertThat(call("/test/plain", flaggedReader)).isEqualTo("200 carol@example.com");
        assertThat(call("/test/plain", operator)).isEqualTo("200 bob@example.com");
        assertThat(call("/test/approve", Authenticator.newSecret())).startsWith("401 unauthorized");
    }

    @Test
    void theCallersPrincipalComesFromItsKeyNeverFromAHeader() throws Exception {
        String approver = key("alice@example.com", Role.OPERATOR, Flag.APPROVER);
        HttpRequest claiming = request("/test/approve", approver)
                .header("X-Principal", "mallory@example.com")
                .header("X-Pacioli-Principal", "mallory@example.com")
                .header("X-Forwarded-User", "mallory@example.com")
                .build();
        assertThat(answer(CLIENT.send(claiming, HttpResponse.BodyHandlers.ofString())))
                .isEqualTo("200 alice@example.com");
        String defaulted = Authenticator.newSecret();
        new ApiKeys(database.dataSource())
                .create(
                        "ci deploys",
                        "ci deploys",
                        Role.READER,
                        Set.of(),
                        null,
                        Authenticator.hash(defaulted),
                        Actor.SYSTEM);
        assertThat(call("/test/plain", defaulted)).isEqualTo("200 ci deploys");
    }

    @Test
    void theRuleChecksTheRoleThenEveryFlag() {
        Route approve = Route.post("/approve", Role.OPERATOR, call -> null).requiring(Flag.APPROVER);
        assertThat(approve.flags()).containsExactly(Flag.APPROVER);
        assertThat(approve.requiring(Flag.COMPLIANCE, Flag.APPROVER).flags())
                .containsExactly(Flag.APPROVER, Flag.COMPLIANCE);
        assertThat(approve.withBodyBytesMax(10).flags()).containsExactly(Flag.APPROVER);
        for (Role role : Role.values()) {
            for (Set<Flag> flags : List.of(Set.<Flag>of(), Set.of(Flag.APPROVER), Set.of(Flag.COMPLIANCE))) {
                ApiKey key = new ApiKey("key_1", "k", "p", role, flags, null, 0, null);
                boolean admitted = role.includes(Role.OPERATOR) && flags.contains(Flag.APPROVER);
                assertThat(approve.refusal(key) == null).as(role + " " + flags).isEqualTo(admitted);
                Route plain = Route.get("/read", Role.READER, call -> null);
                assertThat(plain.refusal(key)).as("a route that needs no flag").isNull();
            }
        }
        Route open = Route.get("/health/live", null, call -> null);
        assertThat(open.refusal(new ApiKey("key_1", "k", "p", Role.READER, Set.of(), null, 0, null)))
                .isNull();
        assertThatThrownBy(() -> open.requiring(Flag.APPROVER))
                .as("a route without a key cannot need a flag")
                .isInstanceOf(Assert.InvariantViolation.class);
    }

    /** "Admin, or any role with compliance": the flag binds every role below the waived one, never the role. */
    @Test
    void aRouteMayWaiveItsFlagsForARoleAndOnlyThat() {
        Route audit = Route.get("/audit", Role.READER, call -> null)
                .requiring(Flag.COMPLIANCE)
                .waivingFlagsFor(Role.ADMIN);
        for (Role role : Role.values()) {
            for (Set<Flag> flags : List.of(Set.<Flag>of(), Set.of(Flag.APPROVER), Set.of(Flag.COMPLIANCE))) {
                ApiKey key = new ApiKey("key_1", "k", "p", role, flags, null, 0, null);
                boolean admitted = role == Role.ADMIN || flags.contains(Flag.COMPLIANCE);
                assertThat(audit.refusal(key) == null).as(role + " " + flags).isEqualTo(admitted);
            }
        }
        assertThat(audit.refusal(new ApiKey("key_1", "k", "p", Role.OPERATOR, Set.of(), null, 0, null)))
                .isEqualTo("this needs the compliance flag or the admin role; the key has none");
        Route operatorAudit = Route.get("/audit", Role.OPERATOR, call -> null)
                .requiring(Flag.COMPLIANCE)
                .waivingFlagsFor(Role.ADMIN);
        assertThat(operatorAudit.refusal(
                        new ApiKey("key_1", "k", "p", Role.READER, Set.of(Flag.COMPLIANCE), null, 0, null)))
                .as("the flag never stands in for the role")
                .startsWith("this needs the operator role");
        assertThatThrownBy(() -> Route.get("/x", Role.READER, call -> null).waivingFlagsFor(Role.ADMIN))
                .as("nothing to waive")
                .isInstanceOf(Assert.InvariantViolation.class);
    }

    private String key(String principal, Role role, Flag... flags) {
        String secret = Authenticator.newSecret();
        new ApiKeys(database.dataSource())
                .create(
                        "gate " + principal,
                        principal,
                        role,
                        Set.of(flags),
                        null,
                        Authenticator.hash(secret),
                        Actor.SYSTEM);
        return secret;
    }

    private HttpRequest.Builder request(String path, String secret) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    /** {@code "200 <principal>"}, or {@code "<status> <code>: <detail>"} for a problem. */
    private String call(String path, String secret) throws Exception {
        return answer(CLIENT.send(request(path, secret).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static String answer(HttpResponse<String> response) {
        JsonNode body = RequestReader.MAPPER.readTree(response.body());
        if (response.statusCode() == 200) {
            return "200 " + body.path("principal").stringValue();
        }
        return response.statusCode() + " " + body.path("code").stringValue() + ": "
                + body.path("detail").stringValue();
    }
}
