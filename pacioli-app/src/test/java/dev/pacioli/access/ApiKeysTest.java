package dev.pacioli.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.TestDatabases;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** API keys on real PostgreSQL: created, found by the hash of their secret, listed, revoked. */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ApiKeysTest {
    private final TestDatabase database;
    private Database own;
    private ApiKeys keys;

    ApiKeysTest(TestDatabase database) {
        this.database = database;
    }

    /**
     * Each test in a schema of its own: the test JVM's shared schema holds the keys of every other test
     * (and rows that refer to them), and some questions here are about the whole table.
     */
    @BeforeEach
    void noKeys() {
        own = TestDatabases.ownSchema(database.database(), "pacioli_keys", 2);
        keys = new ApiKeys(own.dataSource());
    }

    @AfterEach
    void dropSchema() {
        TestDatabases.drop(own);
    }

    @Test
    void aCreatedKeyIsFoundByTheHashOfItsSecretAndById() {
        long before = System.currentTimeMillis() * 1_000;
        ApiKey created = keys.create(
                "ci deploys",
                "ci deploys",
                Role.WRITER,
                Set.of(),
                List.of("payments", "treasury"),
                hash("pacioli_a"),
                Actor.SYSTEM);
        assertThat(created.id()).matches("key_[0-9a-f]{16}");
        assertThat(created.name()).isEqualTo("ci deploys");
        assertThat(created.role()).isEqualTo(Role.WRITER);
        assertThat(created.ledgers()).containsExactly("payments", "treasury");
        assertThat(created.createdAtMicros()).isBetween(before - 60_000_000, before + 60_000_000);
        assertThat(created.isRevoked()).isFalse();
        assertThat(created.coversLedger("payments")).isTrue();
        assertThat(created.coversLedger("other")).isFalse();

        assertThat(keys.findBySecretHash(hash("pacioli_a"))).contains(created);
        assertThat(keys.find(created.id())).contains(created);
        assertThat(keys.findBySecretHash(hash("pacioli_b"))).isEmpty();
        assertThat(keys.find("key_0000000000000000")).isEmpty();

        ApiKey everyLedger = keys.create("root", "root", Role.ADMIN, Set.of(), null, hash("pacioli_b"), Actor.SYSTEM);
        assertThat(everyLedger.ledgers()).isNull();
        assertThat(everyLedger.coversLedger("anything")).isTrue();
        assertThat(keys.findBySecretHash(hash("pacioli_b"))).contains(everyLedger);
        assertThat(everyLedger.id()).isNotEqualTo(created.id());
    }

    @Test
    void aKeyKeepsItsPrincipalAndFlags() {
        ApiKey approver = keys.create(
                "alice laptop",
                "alice@example.com",
                Role.OPERATOR,
                Set.of(Flag.COMPLIANCE, Flag.APPROVER),
                null,
                hash("pacioli_alice"),
                Actor.SYSTEM);
        assertThat(approver.principal()).isEqualTo("alice@example.com");
        assertThat(approver.flags()).containsExactly(Flag.APPROVER, Flag.COMPLIANCE);
        assertThat(approver.hasFlag(Flag.APPROVER)).isTrue();
        assertThat(keys.findBySecretHash(hash("pacioli_alice"))).contains(approver);
        assertThat(keys.find(approver.id()).orElseThrow().flags()).containsExactly(Flag.APPROVER, Flag.COMPLIANCE);

        ApiKey plain = keys.create("bob", "bob", Role.READER, Set.of(), null, hash("pacioli_bob"), Actor.SYSTEM);
        assertThat(plain.flags()).isEmpty();
        assertThat(plain.hasFlag(Flag.APPROVER)).isFalse();
        assertThat(keys.list(null, 10).items()).contains(approver, plain);
        assertThat(keys.revoke(approver.id(), Actor.SYSTEM).orElseThrow().principal())
                .isEqualTo("alice@example.com");

        for (Flag flag : Flag.values()) {
            assertThat(Flag.ofCode(flag.code())).isEqualTo(flag);
        }
        assertThat(Flag.APPROVER.code()).isEqualTo("approver");
        assertThatThrownBy(() -> Flag.ofCode("auditor")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPrincipalIsOneTo256CharactersAndTheTableHoldsOnlyKnownFlags() throws SQLException {
        String longest = "p".repeat(ApiKey.PRINCIPAL_LENGTH_MAX);
        assertThat(keys.create("long", longest, Role.READER, Set.of(), null, hash("pacioli_long"), Actor.SYSTEM)
                        .principal())
                .isEqualTo(longest);
        assertThatThrownBy(() ->
                        keys.create("empty", "", Role.READER, Set.of(), null, hash("pacioli_empty"), Actor.SYSTEM))
                .isInstanceOf(Assert.InvariantViolation.class);
        assertThatThrownBy(() -> keys.create(
                        "longer", longest + "p", Role.READER, Set.of(), null, hash("pacioli_x"), Actor.SYSTEM))
                .isInstanceOf(Assert.InvariantViolation.class);
        try (Connection connection = own.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String flags : List.of("'{auditor}'", "'{approver,auditor}'", "array[null]::text[]")) {
                assertThatThrownBy(() -> statement.execute("insert into api_keys (id, name, principal, role, flags,"
                                + " secret_hash) values ('key_00000000000000ff', 'x', 'x', 'reader', " + flags
                                + ", sha256('x'))"))
                        .as(flags)
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("check constraint");
            }
        }
    }

    @Test
    void aSecretHashBelongsToOneKey() {
        keys.create("first", "first", Role.READER, Set.of(), null, hash("pacioli_same"), Actor.SYSTEM);
        assertThatThrownBy(() -> keys.create(
                        "second", "second", Role.READER, Set.of(), null, hash("pacioli_same"), Actor.SYSTEM))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> keys.create("short", "short", Role.READER, Set.of(), null, new byte[16], Actor.SYSTEM))
                .isInstanceOf(Assert.InvariantViolation.class);
    }

    @Test
    void listingPagesThroughEveryKeyOnceInIdOrder() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(
                    keys.create("key " + i, "key " + i, Role.READER, Set.of(), null, hash("pacioli_" + i), Actor.SYSTEM)
                            .id());
        }
        keys.revoke(created.get(3), Actor.SYSTEM);
        List<String> listed = new ArrayList<>();
        String after = null;
        Page<ApiKey> page;
        do {
            page = keys.list(after, 2);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            page.items().forEach(key -> listed.add(key.id()));
            after = page.items().isEmpty() ? null : page.last().id();
        } while (page.hasMore());
        assertThat(listed).isEqualTo(created.stream().sorted().toList());
        assertThat(keys.list(null, 7).hasMore()).isFalse();
        assertThat(keys.list(null, 6).hasMore()).isTrue();
        assertThat(keys.list(listed.get(6), 10).items()).isEmpty();
    }

    @Test
    void revokingKeepsTheKeyWithItsFirstRevocationTime() {
        ApiKey key = keys.create(
                "laptop", "laptop", Role.OPERATOR, Set.of(), List.of("payments"), hash("pacioli_laptop"), Actor.SYSTEM);
        ApiKey revoked = keys.revoke(key.id(), Actor.SYSTEM).orElseThrow();
        assertThat(revoked.isRevoked()).isTrue();
        assertThat(revoked.revokedAtMicros()).isGreaterThanOrEqualTo(key.createdAtMicros());
        assertThat(revoked)
                .isEqualTo(new ApiKey(
                        key.id(),
                        key.name(),
                        key.principal(),
                        key.role(),
                        key.flags(),
                        key.ledgers(),
                        key.createdAtMicros(),
                        revoked.revokedAtMicros()));
        assertThat(keys.revoke(key.id(), Actor.SYSTEM)).contains(revoked);
        assertThat(keys.findBySecretHash(hash("pacioli_laptop"))).contains(revoked);
        assertThat(keys.revoke("key_0000000000000000", Actor.SYSTEM)).isEmpty();
    }

    @Test
    void anActiveAdminIsAnUnrevokedKeyWithTheAdminRole() {
        assertThat(keys.anyActiveAdmin()).isFalse();
        keys.create("operator", "operator", Role.OPERATOR, Set.of(), null, hash("pacioli_operator"), Actor.SYSTEM);
        assertThat(keys.anyActiveAdmin()).isFalse();
        ApiKey admin = keys.create(
                "admin", "admin", Role.ADMIN, Set.of(), List.of("payments"), hash("pacioli_admin"), Actor.SYSTEM);
        assertThat(keys.anyActiveAdmin()).isTrue();
        keys.revoke(admin.id(), Actor.SYSTEM);
        assertThat(keys.anyActiveAdmin()).isFalse();
    }

    @Test
    void rolesIncludeTheRolesBelowThem() {
        assertThat(Role.ADMIN.includes(Role.READER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.WRITER)).isTrue();
        assertThat(Role.WRITER.includes(Role.WRITER)).isTrue();
        assertThat(Role.WRITER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.READER.includes(Role.ADMIN)).isFalse();
        for (Role role : Role.values()) {
            assertThat(Role.ofCode(role.code())).isEqualTo(role);
        }
        assertThat(Role.OPERATOR.code()).isEqualTo("operator");
        assertThatThrownBy(() -> Role.ofCode("root")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPageLimitOutsideOneToAThousandIsABug() {
        assertThatThrownBy(() -> keys.list(null, 0)).isInstanceOf(Assert.InvariantViolation.class);
        assertThatThrownBy(() -> keys.list(null, Page.LIMIT_MAX + 1)).isInstanceOf(Assert.InvariantViolation.class);
    }

    private static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
