package dev.pacioli.access;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.Times;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The stored API keys. Keys are found by the hash of their secret: the HTTP layer makes the secret,
 * hashes it (SHA-256 of the whole secret string) and hands only the hash here, so nothing stored can
 * authenticate. A revoked key stays, with the time it was revoked, so that requests made with it are
 * told so and its history remains. Creating and revoking a key append {@code api_key.created} and
 * {@code api_key.revoked} to the audit log in the same transaction (never the secret nor its hash).
 */
public final class ApiKeys implements Authenticator.Keys {
    /** The service events of a key's life: the key as the API shows it, without its secret. */
    static final String CREATED_EVENT = "api_key.created";

    static final String REVOKED_EVENT = "api_key.revoked";

    public static final int SECRET_HASH_LENGTH = 32;

    /** Ids are 64 random bits; a collision is so unlikely that a few draws are all it may ever take. */
    static final int ID_ATTEMPTS_MAX = 4;

    private static final int ID_RANDOM_BYTES = 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, name, principal, role, flags, ledgers, created_at, revoked_at";

    private final DataSource dataSource;

    public ApiKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a new key under a fresh id. {@code principal}: who the key belongs to (1 to {@link
     * ApiKey#PRINCIPAL_LENGTH_MAX} characters; callers choose the default). {@code ledgers} null: every
     * ledger. {@code actor}: who made it, for the audit log.
     */
    public ApiKey create(
            String name,
            String principal,
            ApiKey.Role role,
            Set<ApiKey.Flag> flags,
            List<String> ledgers,
            byte[] secretHash,
            Actor actor) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Assert.that(
                !principal.isEmpty() && principal.length() <= ApiKey.PRINCIPAL_LENGTH_MAX,
                "a principal is 1 to %d characters",
                ApiKey.PRINCIPAL_LENGTH_MAX);
        Assert.that(secretHash.length == SECRET_HASH_LENGTH, "a secret hash is %d bytes", SECRET_HASH_LENGTH);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                ApiKey key = insert(connection, name, principal, role, flags, ledgers, secretHash);
                AuditLog.append(
                        connection, actor, AuditEntry.of(AuditAction.API_KEY_CREATED, key.id(), null, describe(key)));
                ServiceEvents.append(connection, CREATED_EVENT, KeyJson.bytes(key));
                connection.commit();
                return key;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not create api key '" + name + "'", e);
        }
    }

    private static ApiKey insert(
            Connection connection,
            String name,
            String principal,
            ApiKey.Role role,
            Set<ApiKey.Flag> flags,
            List<String> ledgers,
            byte[] secretHash)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into api_keys (id, name, principal,"
                + " role, flags, ledgers, secret_hash) values (?, ?, ?, ?, ?::text[], ?::text[], ?)"
                + " on conflict (id) do nothing returning " + COLUMNS)) {
            insert.setString(2, name);
            insert.setString(3, principal);
            insert.setString(4, role.code());
            insert.setArray(5, connection.createArrayOf("text", codes(flags)));
            if (ledgers == null) {
                insert.setNull(6, Types.ARRAY);
            } else {
                insert.setArray(6, connection.createArrayOf("text", ledgers.toArray()));
            }
            insert.setBytes(7, secretHash);
            ApiKey key = insertUnderFreshId(insert);
            // What was stored is what was asked for.
            Assert.that(
                    key.principal().equals(principal) && key.flags().equals(ApiKey.flagSet(flags)),
                    "api key %s stored as asked",
                    key.id());
            return key;
        }
    }

    /** A key as the audit log shows it: everything but its secret's hash. */
    static String describe(ApiKey key) {
        return AuditJson.object(
                "name", key.name(),
                "principal", key.principal(),
                "role", key.role().code(),
                "flags", key.flags().stream().map(ApiKey.Flag::code).toList(),
                "ledgers", key.ledgers(),
                "created_at", Times.format(key.createdAtMicros()),
                "revoked_at", key.revokedAtMicros() == null ? null : Times.format(key.revokedAtMicros()));
    }

    private static ApiKey insertUnderFreshId(PreparedStatement insert) throws SQLException {
        for (int attempt = 0; attempt < ID_ATTEMPTS_MAX; attempt++) {
            insert.setString(1, newId());
            try (ResultSet row = insert.executeQuery()) {
                if (row.next()) {
                    return apiKey(row);
                }
            }
        }
        throw new StoreException("no free api key id in " + ID_ATTEMPTS_MAX + " random draws", null);
    }

    private static Object[] codes(Set<ApiKey.Flag> flags) {
        return ApiKey.flagSet(flags).stream().map(ApiKey.Flag::code).toArray();
    }

    private static String newId() {
        byte[] random = new byte[ID_RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return "key_" + HexFormat.of().formatHex(random);
    }

    /** The key with this secret hash, revoked or not: the caller decides what a revoked key gets. */
    @Override
    public Optional<ApiKey> findBySecretHash(byte[] secretHash) {
        return findOne("select " + COLUMNS + " from api_keys where secret_hash = ?", secretHash);
    }

    public Optional<ApiKey> find(String id) {
        return findOne("select " + COLUMNS + " from api_keys where id = ?", id);
    }

    /**
     * Revokes the key unless it already is (its first revocation time stays); the key as it now stands.
     * Only the call that revokes it is audited.
     */
    public Optional<ApiKey> revoke(String id, Actor actor) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<ApiKey> before =
                        findOne(connection, "select " + COLUMNS + " from api_keys where id = ? for update", id);
                if (before.isEmpty() || before.get().isRevoked()) {
                    connection.commit();
                    return before;
                }
                ApiKey after = findOne(
                                connection,
                                "update api_keys set revoked_at = now() where id = ? returning " + COLUMNS,
                                id)
                        .orElseThrow();
                AuditLog.append(
                        connection,
                        actor,
                        AuditEntry.of(AuditAction.API_KEY_REVOKED, id, describe(before.get()), describe(after)));
                ServiceEvents.append(connection, REVOKED_EVENT, KeyJson.bytes(after));
                connection.commit();
                return Optional.of(after);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not revoke api key " + id, e);
        }
    }

    private Optional<ApiKey> findOne(String sql, Object parameter) {
        try (Connection connection = dataSource.getConnection()) {
            return findOne(connection, sql, parameter);
        } catch (SQLException e) {
            throw new StoreException("could not read api keys", e);
        }
    }

    private static Optional<ApiKey> findOne(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(apiKey(row)) : Optional.empty();
            }
        }
    }

    /** Every key, revoked ones too, ordered by id, starting after {@code afterId} when given. */
    public Page<ApiKey> list(String afterId, int limit) {
        Page.checkLimit(limit);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select " + COLUMNS + " from api_keys where id > ? order by id limit ?")) {
            // Ids are byte-ordered and never empty, so "" is before every one of them.
            statement.setString(1, afterId == null ? "" : afterId);
            statement.setInt(2, limit + 1);
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(apiKey(rows));
                }
            }
            return Page.of(keys, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list api keys", e);
        }
    }

    /** Whether some unrevoked key has the admin role: without one, no key can be made through the API. */
    public boolean anyActiveAdmin() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select exists (select from api_keys where role = ? and revoked_at is null)")) {
            statement.setString(1, ApiKey.Role.ADMIN.code());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new StoreException("could not read api keys", e);
        }
    }

    private static ApiKey apiKey(ResultSet row) throws SQLException {
        Array ledgers = row.getArray(6);
        OffsetDateTime revokedAt = row.getObject(8, OffsetDateTime.class);
        List<ApiKey.Flag> flags = new ArrayList<>();
        for (String code : (String[]) row.getArray(5).getArray()) {
            flags.add(ApiKey.Flag.ofCode(code));
        }
        return new ApiKey(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                ApiKey.Role.ofCode(row.getString(4)),
                ApiKey.flagSet(flags),
                ledgers == null ? null : List.of((String[]) ledgers.getArray()),
                Timestamps.micros(row, 7),
                revokedAt == null ? null : Timestamps.micros(revokedAt));
    }
}
