package dev.pacioli.custody;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Key rotation (custody.md): a new primary data key at once, then a durable job that re-encrypts every
 * wallet under it, a batch per database transaction, then disables the keys that no longer hold a
 * wallet.
 *
 * <p>Crash safety: the job keeps no state of its own. Each batch picks wallets still under another key
 * ({@code FOR UPDATE SKIP LOCKED}), re-seals them and counts them on the rotation's row in one
 * transaction; after a kill the job is claimed again and takes the wallets that remain. A wallet is
 * usable throughout: its row names the key it is sealed under, and that key stays enabled until the
 * wallet has moved.
 */
public final class KeyRotation {
    public static final String JOB_TYPE = "custody.key_rotation";

    private final DataSource dataSource;
    private final KeyVault vault;
    private final Jobs jobs;
    private final int batch;
    private final Duration pause;

    /** A rotation as the API shows it. */
    public record Rotation(
            long id,
            String keyId,
            String state,
            long walletsTotal,
            long walletsDone,
            long startedAtMicros,
            String startedBy,
            Long finishedAtMicros) {}

    public KeyRotation(DataSource dataSource, KeyVault vault, Jobs jobs, CustodySettings settings) {
        this.dataSource = dataSource;
        this.vault = vault;
        this.jobs = jobs;
        this.batch = settings.rotationBatch();
        this.pause = settings.rotationPause();
    }

    public JobType type() {
        return new JobType(
                JOB_TYPE,
                1,
                Duration.ofSeconds(30),
                Integer.MAX_VALUE,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2),
                this::run);
    }

    /** Makes a new primary key and queues its job; 409 {@code rotation_in_progress} while one runs. */
    public Rotation start(Actor actor) {
        Rotation started = Transactions.run(dataSource, "could not start a key rotation", connection -> {
            try (PreparedStatement lock =
                    connection.prepareStatement("select id from custody_keys where state = 'primary' for update")) {
                lock.executeQuery().close();
            }
            Optional<Rotation> running =
                    latest(connection).filter(rotation -> rotation.state().equals("running"));
            if (running.isPresent()) {
                throw new ApiException(
                        409,
                        "rotation_in_progress",
                        "rotation " + running.get().id() + " is still re-encrypting wallets");
            }
            String previous = KeyVault.primary(connection, false);
            try (PreparedStatement demote = connection.prepareStatement("update custody_keys set state = 'enabled',"
                    + " state_changed_at = now() where state = 'primary'")) {
                demote.executeUpdate();
            }
            String keyId = vault.insertKey(connection, KeyVault.PRIMARY);
            long rotationId;
            try (PreparedStatement insert = connection.prepareStatement("insert into custody_rotations (key_id,"
                    + " state, wallets_total, started_by) values (?, 'running', (select count(*) from"
                    + " custody_wallets), ?) returning id")) {
                insert.setString(1, keyId);
                insert.setString(2, actor.principal());
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    rotationId = row.getLong(1);
                }
            }
            jobs.enqueue(connection, JOB_TYPE, Long.toString(rotationId));
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("primary", keyId);
            after.put("previous", previous);
            after.put("rotation", rotationId);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                            AuditAction.CUSTODY_KEY_ROTATED,
                            keyId,
                            null,
                            RequestReader.MAPPER.writeValueAsString(after)));
            return latest(connection).orElseThrow();
        });
        jobs.wake();
        return started;
    }

    private JobOutcome run(Claim claim) throws SQLException, InterruptedException {
        long rotationId = Long.parseLong(claim.key());
        Rotation rotation = find(rotationId).orElseThrow();
        if (rotation.state().equals("finished")) {
            return JobOutcome.succeeded();
        }
        while (reencryptBatch(rotation) > 0) {
            if (Thread.currentThread().isInterrupted()) {
                return new JobOutcome.Abandoned();
            }
            if (pause.isPositive()) {
                Thread.sleep(pause);
            }
        }
        return new JobOutcome.Succeeded(connection -> finish(connection, rotation));
    }

    /** Re-seals up to a batch of wallets under the rotation's key in one transaction; answers how many. */
    private int reencryptBatch(Rotation rotation) {
        return Transactions.run(dataSource, "could not re-encrypt wallets", connection -> {
            int moved = 0;
            try (PreparedStatement select = connection.prepareStatement(
                            "select id, chain, address, key_id,"
                                    + " private_key from custody_wallets where key_id <> ? order by id limit ? for update skip locked");
                    PreparedStatement update = connection.prepareStatement(
                            "update custody_wallets set key_id = ?, private_key = ? where id = ? and key_id = ?")) {
                select.setString(1, rotation.keyId());
                select.setInt(2, batch);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        WalletIdentity wallet =
                                new WalletIdentity(rows.getString(1), rows.getString(2), rows.getString(3));
                        byte[] ciphertext = reseal(wallet, rows.getString(4), rows.getBytes(5), rotation.keyId());
                        update.setString(1, rotation.keyId());
                        update.setBytes(2, ciphertext);
                        update.setString(3, wallet.id());
                        update.setString(4, rows.getString(4));
                        update.addBatch();
                        moved++;
                    }
                }
                if (moved > 0) {
                    update.executeBatch();
                }
            }
            try (PreparedStatement count = connection.prepareStatement(
                    "update custody_rotations set wallets_done = wallets_done + ? where id = ?")) {
                count.setInt(1, moved);
                count.setLong(2, rotation.id());
                count.executeUpdate();
            }
            return moved;
        });
    }

    private byte[] reseal(WalletIdentity wallet, String fromKey, byte[] ciphertext, String toKey) {
        byte[] privateKey;
        try {
            privateKey = vault.open(new KeyVault.Sealed(fromKey, ciphertext), wallet);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("wallet " + wallet.id() + "'s key does not open under " + fromKey, e);
        }
        try {
            return vault.encrypt(toKey, wallet, privateKey);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    private static void finish(Connection connection, Rotation rotation) throws SQLException {
        try (PreparedStatement disable = connection.prepareStatement("update custody_keys k set state = 'disabled',"
                + " state_changed_at = now() where state = 'enabled' and not exists (select 1 from custody_wallets w"
                + " where w.key_id = k.id)")) {
            disable.executeUpdate();
        }
        try (PreparedStatement done = connection.prepareStatement("update custody_rotations set state = 'finished',"
                + " finished_at = now() where id = ? and state = 'running'")) {
            done.setLong(1, rotation.id());
            if (done.executeUpdate() == 0) {
                return;
            }
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("primary", rotation.keyId());
        after.put("rotation", rotation.id());
        AuditLog.append(
                connection,
                Actor.SYSTEM,
                AuditEntry.of(
                        AuditAction.CUSTODY_KEY_ROTATION_FINISHED,
                        rotation.keyId(),
                        null,
                        RequestReader.MAPPER.writeValueAsString(after)));
    }

    public Optional<Rotation> latest() {
        try (Connection connection = dataSource.getConnection()) {
            return latest(connection);
        } catch (SQLException e) {
            throw new StoreException("could not read the rotations", e);
        }
    }

    private Optional<Rotation> find(long id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("select " + COLUMNS + " from custody_rotations where id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(rotation(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read rotation " + id, e);
        }
    }

    private static final String COLUMNS =
            "id, key_id, state, wallets_total, wallets_done, started_at, started_by, finished_at";

    private static Optional<Rotation> latest(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                        "select " + COLUMNS + " from custody_rotations order by id desc limit 1");
                ResultSet row = select.executeQuery()) {
            return row.next() ? Optional.of(rotation(row)) : Optional.empty();
        }
    }

    private static Rotation rotation(ResultSet row) throws SQLException {
        return new Rotation(
                row.getLong(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getLong(5),
                Timestamps.micros(row, 6),
                row.getString(7),
                row.getObject(8) == null ? null : Timestamps.micros(row, 8));
    }
}
