package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.access.ApiKeys;
import dev.pacioli.platform.IdempotencyStore.Answer;
import dev.pacioli.platform.IdempotencyStore.Fingerprint;
import dev.pacioli.platform.IdempotencyStore.InUse;
import dev.pacioli.platform.IdempotencyStore.Replay;
import dev.pacioli.platform.IdempotencyStore.Reserved;
import dev.pacioli.platform.IdempotencyStore.Reused;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The idempotency keys' store and service on each test database, where the HTTP path cannot reach: a
 * request still running (409), a reservation left by a stopped process (taken over once its lease
 * passes, and its late completion changes nothing), the answers that are not stored (429, 5xx, a
 * bug) so that a retry runs again, and expiry.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class IdempotencyStoreTest {
    private static final long DAY_MILLIS = IdempotencyKeys.RETENTION_MILLIS;
    private static final Fingerprint REQUEST = IdempotencyKeys.fingerprint("POST", "/v1/things?x=1", bytes("{}"));
    private static final Answer CREATED =
            new Answer(201, "application/json", Map.of("Location", "/v1/things/1"), bytes("{\"id\": \"1\"}"));

    private final Database database;
    private final String apiKeyId;

    IdempotencyStoreTest(TestDatabases.TestDatabase test) {
        this.database = test.database();
        byte[] secretHash = Authenticator.hash(Authenticator.newSecret());
        this.apiKeyId = new ApiKeys(database.dataSource())
                .create(
                        "idempotency-store",
                        "idempotency-store",
                        ApiKey.Role.WRITER,
                        Set.of(),
                        null,
                        secretHash,
                        Actor.SYSTEM)
                .id();
    }

    private IdempotencyStore store(long leaseMillis, long retentionMillis) {
        return new IdempotencyStore(database.dataSource(), leaseMillis, retentionMillis);
    }

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    @Test
    void aRunningKeyIsInUseThenReplaysItsAnswer() {
        IdempotencyStore store = store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS);
        String key = key();
        Reserved first = (Reserved) store.reserve(apiKeyId, key, REQUEST);

        assertThat(store.reserve(apiKeyId, key, REQUEST)).isInstanceOf(InUse.class);
        assertThat(store.complete(apiKeyId, key, first.holder(), CREATED)).isTrue();

        Replay replay = (Replay) store.reserve(apiKeyId, key, REQUEST);
        assertThat(replay.answer().status()).isEqualTo(201);
        assertThat(replay.answer().contentType()).isEqualTo("application/json");
        assertThat(replay.answer().headers()).isEqualTo(CREATED.headers());
        assertThat(replay.answer().body()).isEqualTo(CREATED.body());
        assertThat(store.release(apiKeyId, key, first.holder()))
                .as("a completed key is not released")
                .isFalse();
    }

    @Test
    void theSameKeyOnAnotherRequestIsReusedWhetherRunningOrCompleted() {
        IdempotencyStore store = store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS);
        String key = key();
        Reserved first = (Reserved) store.reserve(apiKeyId, key, REQUEST);
        for (Fingerprint other : new Fingerprint[] {
            IdempotencyKeys.fingerprint("PUT", "/v1/things?x=1", bytes("{}")),
            IdempotencyKeys.fingerprint("POST", "/v1/things?x=2", bytes("{}")),
            IdempotencyKeys.fingerprint("POST", "/v1/things?x=1", bytes("{ }"))
        }) {
            assertThat(store.reserve(apiKeyId, key, other)).isInstanceOf(Reused.class);
            store.complete(apiKeyId, key, first.holder(), CREATED);
            assertThat(store.reserve(apiKeyId, key, other)).isInstanceOf(Reused.class);
        }
    }

    @Test
    void keysBelongToTheirApiKey() {
        IdempotencyStore store = store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS);
        String otherApiKey = new ApiKeys(database.dataSource())
                .create(
                        "idempotency-store-2",
                        "idempotency-store-2",
                        ApiKey.Role.WRITER,
                        Set.of(),
                        null,
                        Authenticator.hash(Authenticator.newSecret()),
                        Actor.SYSTEM)
                .id();
        String key = key();
        assertThat(store.reserve(apiKeyId, key, REQUEST)).isInstanceOf(Reserved.class);
        assertThat(store.reserve(otherApiKey, key, REQUEST)).isInstanceOf(Reserved.class);
    }

    @Test
    void aLeaseThatPassedIsTakenOverAndTheLateHolderChangesNothing() throws Exception {
        IdempotencyStore store = store(1, DAY_MILLIS);
        String key = key();
        Reserved crashed = (Reserved) store.reserve(apiKeyId, key, REQUEST);
        awaitDatabaseClockPast(key, "lease_expires_at", 0);

        assertThat(store.reserve(apiKeyId, key, IdempotencyKeys.fingerprint("POST", "/v1/other", bytes("{}"))))
                .as("another request does not take over a key it was never given")
                .isInstanceOf(Reused.class);
        Reserved retry = (Reserved) store.reserve(apiKeyId, key, REQUEST);
        assertThat(retry.holder()).isNotEqualTo(crashed.holder());

        assertThat(store.complete(apiKeyId, key, crashed.holder(), CREATED)).isFalse();
        assertThat(store.release(apiKeyId, key, crashed.holder())).isFalse();
        Answer retried = new Answer(201, "application/json", Map.of(), bytes("{\"id\": \"2\"}"));
        assertThat(store.complete(apiKeyId, key, retry.holder(), retried)).isTrue();
        assertThat(((Replay) store.reserve(apiKeyId, key, REQUEST)).answer().body())
                .isEqualTo(retried.body());
    }

    @Test
    void aReleasedKeyIsFreeAgain() {
        IdempotencyStore store = store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS);
        String key = key();
        Reserved first = (Reserved) store.reserve(apiKeyId, key, REQUEST);
        assertThat(store.release(apiKeyId, key, first.holder())).isTrue();
        assertThat(store.reserve(apiKeyId, key, IdempotencyKeys.fingerprint("DELETE", "/v1/x", bytes(""))))
                .as("a released key was never used")
                .isInstanceOf(Reserved.class);
    }

    @Test
    void anExpiredKeyIsFreeAndDeleted() throws Exception {
        IdempotencyStore store = store(1, 50);
        String key = key();
        Reserved first = (Reserved) store.reserve(apiKeyId, key, REQUEST);
        store.complete(apiKeyId, key, first.holder(), CREATED);
        awaitDatabaseClockPast(key, "created_at", 50);
        Fingerprint other = IdempotencyKeys.fingerprint("POST", "/v1/else", bytes("{}"));
        assertThat(store.reserve(apiKeyId, key, other)).isInstanceOf(Reserved.class);

        String old = key();
        store.complete(apiKeyId, old, ((Reserved) store.reserve(apiKeyId, old, REQUEST)).holder(), CREATED);
        awaitDatabaseClockPast(old, "created_at", 50);
        assertThat(store.deleteExpired(IdempotencyKeys.CLEANUP_ROWS_MAX)).isPositive();
        assertThat(count(old)).isZero();
    }

    /** The service stores 2xx and 4xx answers, and releases the key on 429, 5xx and a thrown bug. */
    @Test
    void answersARetryShouldNotSeeAgainAreNotStored() throws Exception {
        IdempotencyKeys keys = new IdempotencyKeys(store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS));
        byte[] sealingKey = IdempotencySeal.key(Authenticator.newSecret());
        String key = key();
        AtomicInteger runs = new AtomicInteger();
        for (int status : new int[] {503, 429, 500}) {
            Reply reply = keys.run(apiKeyId, sealingKey, key, REQUEST, () -> {
                runs.incrementAndGet();
                return reply(status, "{\"code\": \"overloaded\"}");
            });
            assertThat(reply.status()).isEqualTo(status);
            assertThat(reply.headers()).doesNotContainKey(IdempotencyKeys.REPLAYED);
        }
        assertThatThrownBy(() -> keys.run(apiKeyId, sealingKey, key, REQUEST, () -> {
                    runs.incrementAndGet();
                    throw new IllegalStateException("a bug");
                }))
                .isInstanceOf(IllegalStateException.class);
        Reply stored = keys.run(apiKeyId, sealingKey, key, REQUEST, () -> {
            runs.incrementAndGet();
            return reply(422, "{\"code\": \"insufficient_funds\"}");
        });
        assertThat(runs)
                .as("each refused answer left the key free, so each retry ran")
                .hasValue(5);

        Reply replayed = keys.run(apiKeyId, sealingKey, key, REQUEST, () -> {
            throw new AssertionError("a stored answer is not run again");
        });
        assertThat(replayed.status()).isEqualTo(422);
        assertThat(replayed.body()).isEqualTo(stored.body());
        assertThat(replayed.headers()).containsEntry(IdempotencyKeys.REPLAYED, "true");
    }

    /** What the database holds does not reveal the answer, and opens only with the API key's secret. */
    @Test
    void aStoredBodyIsSealedUnderTheApiKeysSecret() throws Exception {
        IdempotencyKeys keys = new IdempotencyKeys(store(IdempotencyKeys.LEASE_MILLIS, DAY_MILLIS));
        String secret = Authenticator.newSecret();
        String key = key();
        byte[] body = bytes("{\"secret\": \"pacioli_the_new_keys_secret\"}");
        keys.run(apiKeyId, IdempotencySeal.key(secret), key, REQUEST, () -> new Reply(201, Reply.JSON, body, Map.of()));

        byte[] stored = storedBody(key);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("pacioli_the_new_keys_secret");
        Reply replayed = keys.run(apiKeyId, IdempotencySeal.key(secret), key, REQUEST, () -> {
            throw new AssertionError("replayed, not run");
        });
        assertThat(replayed.body()).isEqualTo(body);
        assertThatThrownBy(
                        () -> keys.run(apiKeyId, IdempotencySeal.key(Authenticator.newSecret()), key, REQUEST, () -> {
                            throw new AssertionError("replayed, not run");
                        }))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> IdempotencySeal.open(IdempotencySeal.key(secret), apiKeyId, key + "x", stored))
                .as("a body moved to another row does not open")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theKeyRule() {
        assertThat(IdempotencyKeys.isKey("a")).isTrue();
        assertThat(IdempotencyKeys.isKey("!~" + "x".repeat(253))).isTrue();
        assertThat(IdempotencyKeys.isKey("")).isFalse();
        assertThat(IdempotencyKeys.isKey("x".repeat(256))).isFalse();
        assertThat(IdempotencyKeys.isKey("a b")).isFalse();
        assertThat(IdempotencyKeys.isKey("a\tb")).isFalse();
        assertThat(IdempotencyKeys.isKey("caf\u00e9")).isFalse();
        assertThat(IdempotencyKeys.isKey("a\u007f")).isFalse();
    }

    private static Reply reply(int status, String json) {
        return new Reply(status, Problems.CONTENT_TYPE, bytes(json), Map.of());
    }

    private byte[] storedBody(String key) throws Exception {
        try (var connection = database.dataSource().getConnection();
                var statement = connection.prepareStatement(
                        "select body from idempotency_keys where api_key_id = ? and idempotency_key = ?")) {
            statement.setString(1, apiKeyId);
            statement.setString(2, key);
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getBytes(1);
            }
        }
    }

    /**
     * Waits, at most five seconds, until the database's clock (which decides leases and expiry) is
     * more than {@code millis} past the row's {@code column}.
     */
    private void awaitDatabaseClockPast(String key, String column, long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String sql = "select now() > " + column + " + ? * interval '1 millisecond' from idempotency_keys"
                + " where api_key_id = ? and idempotency_key = ?";
        while (true) {
            try (var connection = database.dataSource().getConnection();
                    var statement = connection.prepareStatement(sql)) {
                statement.setLong(1, millis);
                statement.setString(2, apiKeyId);
                statement.setString(3, key);
                try (var rows = statement.executeQuery()) {
                    if (rows.next() && rows.getBoolean(1)) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the database's clock never passed " + column + " + " + millis + " ms");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private long count(String key) throws Exception {
        try (var connection = database.dataSource().getConnection();
                var statement = connection.prepareStatement(
                        "select count(*) from idempotency_keys where api_key_id = ? and idempotency_key = ?")) {
            statement.setString(1, apiKeyId);
            statement.setString(2, key);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
