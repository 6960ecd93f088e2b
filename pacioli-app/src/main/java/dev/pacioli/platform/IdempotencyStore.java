package dev.pacioli.platform;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code idempotency_keys} table (V9): one row per (API key, idempotency key), reserved before a
 * request's action runs and completed with its answer.
 *
 * <p>Every method is one statement in its own transaction (autocommit), so a reservation is visible to
 * every other request, on this instance or another on the same database, the moment it is made, and
 * the primary key alone decides which of concurrent requests runs. Times are the database's
 * ({@code now()}), so instances with different clocks agree on leases and expiry.
 *
 * <p>A running row carries a {@code holder} (a random UUID) and a lease. Completing or releasing names
 * the holder, so a request that outlived its lease, and whose key was taken over, changes nothing.
 */
public final class IdempotencyStore {
    /** What makes two requests "the same": method, path with query, and the SHA-256 of the body. */
    public record Fingerprint(String method, String path, byte[] bodySha256) {
        public Fingerprint {
            Assert.that(bodySha256.length == 32, "a body digest is 32 bytes");
        }

        boolean matches(String otherMethod, String otherPath, byte[] otherSha256) {
            return method.equals(otherMethod) && path.equals(otherPath) && Arrays.equals(bodySha256, otherSha256);
        }
    }

    /** A stored answer: status, content type, the route's own headers, and the body byte for byte. */
    public record Answer(int status, String contentType, Map<String, String> headers, byte[] body) {}

    /** What reserving a key found. */
    public sealed interface Reservation {}

    /** The key is this request's to run; complete or release it with {@code holder}. */
    public record Reserved(UUID holder) implements Reservation {}

    /** The same request was answered before: answer this again. */
    public record Replay(Answer answer) implements Reservation {}

    /** The same request is running now (its lease has not passed). */
    public record InUse() implements Reservation {}

    /** The key was used for a different request. */
    public record Reused() implements Reservation {}

    /** A reservation attempt loses a race with a release or an expiry at most this often before giving up. */
    static final int RESERVE_ATTEMPTS_MAX = 4;

    private static final String TAKE = "insert into idempotency_keys (api_key_id, idempotency_key, method, path,"
            + " body_sha256, state, holder, lease_expires_at) values (?, ?, ?, ?, ?, 'running', ?,"
            + " now() + ? * interval '1 millisecond')"
            + " on conflict (api_key_id, idempotency_key) do update set method = excluded.method,"
            + " path = excluded.path, body_sha256 = excluded.body_sha256, state = 'running',"
            + " holder = excluded.holder, lease_expires_at = excluded.lease_expires_at, status = null,"
            + " content_type = null, header_names = null, header_values = null, body = null, created_at = now()"
            // An expired row is free for anyone; a running row whose lease passed, for the same request.
            + " where idempotency_keys.created_at < now() - ? * interval '1 millisecond'"
            + " or (idempotency_keys.state = 'running' and idempotency_keys.lease_expires_at < now()"
            + " and idempotency_keys.method = excluded.method and idempotency_keys.path = excluded.path"
            + " and idempotency_keys.body_sha256 = excluded.body_sha256)"
            + " returning holder";
    private static final String FIND = "select method, path, body_sha256, state, status, content_type,"
            + " header_names, header_values, body from idempotency_keys where api_key_id = ? and idempotency_key = ?";
    private static final String COMPLETE = "update idempotency_keys set state = 'completed', status = ?,"
            + " content_type = ?, header_names = ?::text[], header_values = ?::text[], body = ?"
            + " where api_key_id = ? and idempotency_key = ? and holder = ? and state = 'running'";
    private static final String RELEASE = "delete from idempotency_keys"
            + " where api_key_id = ? and idempotency_key = ? and holder = ? and state = 'running'";
    private static final String DELETE_EXPIRED = "delete from idempotency_keys where ctid in (select ctid from"
            + " idempotency_keys where created_at < now() - ? * interval '1 millisecond' order by created_at"
            + " limit ? for update skip locked)";

    private final DataSource dataSource;
    private final long leaseMillis;
    private final long retentionMillis;

    /**
     * @param leaseMillis how long a running row blocks its key before another request may take it over
     * @param retentionMillis how long a completed answer is kept
     */
    public IdempotencyStore(DataSource dataSource, long leaseMillis, long retentionMillis) {
        Assert.that(leaseMillis > 0 && retentionMillis > leaseMillis, "a lease is shorter than the retention");
        this.dataSource = dataSource;
        this.leaseMillis = leaseMillis;
        this.retentionMillis = retentionMillis;
    }

    /** Takes the key for this request, or says why not. */
    public Reservation reserve(String apiKeyId, String key, Fingerprint request) {
        try (Connection connection = dataSource.getConnection()) {
            for (int attempt = 0; attempt < RESERVE_ATTEMPTS_MAX; attempt++) {
                Optional<UUID> taken = take(connection, apiKeyId, key, request);
                if (taken.isPresent()) {
                    return new Reserved(taken.get());
                }
                Optional<Reservation> found = find(connection, apiKeyId, key, request);
                if (found.isPresent()) {
                    return found.get();
                }
                // Released or deleted between the two statements: try to take it again.
            }
            throw new StoreException("idempotency key kept changing under " + RESERVE_ATTEMPTS_MAX + " attempts", null);
        } catch (SQLException e) {
            throw new StoreException("could not reserve an idempotency key", e);
        }
    }

    private Optional<UUID> take(Connection connection, String apiKeyId, String key, Fingerprint request)
            throws SQLException {
        try (PreparedStatement take = connection.prepareStatement(TAKE)) {
            UUID holder = UUID.randomUUID();
            take.setString(1, apiKeyId);
            take.setString(2, key);
            take.setString(3, request.method());
            take.setString(4, request.path());
            take.setBytes(5, request.bodySha256());
            take.setObject(6, holder);
            take.setLong(7, leaseMillis);
            take.setLong(8, retentionMillis);
            try (ResultSet row = take.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Assert.that(holder.equals(row.getObject(1, UUID.class)), "the row taken is held by this request");
                return Optional.of(holder);
            }
        }
    }

    private static Optional<Reservation> find(Connection connection, String apiKeyId, String key, Fingerprint request)
            throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            find.setString(1, apiKeyId);
            find.setString(2, key);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                if (!request.matches(row.getString("method"), row.getString("path"), row.getBytes("body_sha256"))) {
                    return Optional.of(new Reused());
                }
                if (row.getString("state").equals("running")) {
                    return Optional.of(new InUse());
                }
                return Optional.of(new Replay(answer(row)));
            }
        }
    }

    private static Answer answer(ResultSet row) throws SQLException {
        String[] names = strings(row.getArray("header_names"));
        String[] values = strings(row.getArray("header_values"));
        Assert.that(names.length == values.length, "stored header names and values pair up");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            headers.put(names[i], values[i]);
        }
        return new Answer(row.getInt("status"), row.getString("content_type"), headers, row.getBytes("body"));
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    /** Stores the answer of the request that holds the key; false when it no longer does (its lease was taken). */
    public boolean complete(String apiKeyId, String key, UUID holder, Answer answer) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement complete = connection.prepareStatement(COMPLETE)) {
            complete.setInt(1, answer.status());
            complete.setString(2, answer.contentType());
            complete.setArray(
                    3,
                    connection.createArrayOf("text", answer.headers().keySet().toArray()));
            complete.setArray(
                    4,
                    connection.createArrayOf("text", answer.headers().values().toArray()));
            complete.setBytes(5, answer.body());
            complete.setString(6, apiKeyId);
            complete.setString(7, key);
            complete.setObject(8, holder);
            int rows = complete.executeUpdate();
            Assert.that(rows <= 1, "a key is one row");
            return rows == 1;
        } catch (SQLException e) {
            throw new StoreException("could not store the answer of an idempotency key", e);
        }
    }

    /** Frees the key so that the same request runs again; false when this holder no longer holds it. */
    public boolean release(String apiKeyId, String key, UUID holder) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement release = connection.prepareStatement(RELEASE)) {
            release.setString(1, apiKeyId);
            release.setString(2, key);
            release.setObject(3, holder);
            int rows = release.executeUpdate();
            Assert.that(rows <= 1, "a key is one row");
            return rows == 1;
        } catch (SQLException e) {
            throw new StoreException("could not release an idempotency key", e);
        }
    }

    /** Deletes at most {@code rowsMax} rows older than the retention, oldest first; answers how many. */
    public int deleteExpired(int rowsMax) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement(DELETE_EXPIRED)) {
            delete.setLong(1, retentionMillis);
            delete.setInt(2, rowsMax);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not delete expired idempotency keys", e);
        }
    }
}
