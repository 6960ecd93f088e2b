package dev.pacioli.custody;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * Chain transactions' rows, their attempts and the nonce counters. Every change of state is a
 * conditional UPDATE on the state it moves from, so two workers (or two instances) racing on one
 * transaction change it once; the loser sees zero rows and leaves it.
 */
final class ChainStore {
    static final String JOB = "custody.chain_transaction";
    private static final String COLUMNS = "id, sequence, wallet_id, chain, address, kind, to_address, value_wei, data,"
            + " status, hold_reason, nonce, gas_limit, max_fee_per_gas, max_priority_fee_per_gas, hash, raw,"
            + " replacements, sent_at, mined_hash, block_number, failure_reason, ledger_posting, reserve_id,"
            + " created_by, created_at, updated_at";

    private final DataSource dataSource;
    private final Jobs jobs;

    ChainStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A new intent as the route accepted it. */
    record NewTransaction(
            String id,
            Wallet wallet,
            String to,
            BigInteger valueWei,
            byte[] data,
            String holdReason,
            ChainTransaction.LedgerPosting ledgerPosting,
            String reserveId,
            String fingerprint) {}

    /** Stores it (held, or queued with its job); empty when the id is taken. Audited. */
    Optional<ChainTransaction> insert(NewTransaction intent, Actor actor) {
        Optional<ChainTransaction> stored =
                Transactions.run(dataSource, "could not store chain transaction " + intent.id(), connection -> {
                    try (PreparedStatement insert = connection.prepareStatement("insert into custody_transactions (id,"
                            + " wallet_id, chain, address, kind, to_address, value_wei, data, status, hold_reason,"
                            + " ledger_posting, reserve_id, fingerprint, created_by) values (?, ?, ?, ?, 'intent', ?,"
                            + " ?, ?, ?, ?, ?::jsonb, ?, ?, ?) on conflict (id) do nothing returning " + COLUMNS)) {
                        insert.setString(1, intent.id());
                        insert.setString(2, intent.wallet().id());
                        insert.setString(3, intent.wallet().chain());
                        insert.setString(4, intent.wallet().address());
                        insert.setString(5, intent.to());
                        insert.setBigDecimal(6, new BigDecimal(intent.valueWei()));
                        insert.setBytes(7, intent.data());
                        insert.setString(8, intent.holdReason() == null ? "queued" : "held");
                        insert.setString(9, intent.holdReason());
                        insert.setString(
                                10,
                                intent.ledgerPosting() == null
                                        ? null
                                        : RequestReader.MAPPER.writeValueAsString(intent.ledgerPosting()));
                        insert.setString(11, intent.reserveId());
                        insert.setString(12, intent.fingerprint());
                        insert.setString(13, actor.principal());
                        try (ResultSet row = insert.executeQuery()) {
                            if (!row.next()) {
                                return Optional.<ChainTransaction>empty();
                            }
                            ChainTransaction created = transaction(row);
                            if (created.status() == ChainStatus.QUEUED) {
                                jobs.enqueue(connection, JOB, created.id());
                            }
                            AuditLog.append(
                                    connection,
                                    actor,
                                    AuditEntry.of(
                                            AuditAction.CUSTODY_TRANSACTION_CREATED,
                                            created.id(),
                                            null,
                                            intent.fingerprint()));
                            return Optional.of(created);
                        }
                    }
                });
        stored.ifPresent(created -> jobs.wake());
        return stored;
    }

    /** Enqueues the job of a transaction on the caller's transaction; {@link #wake} after its commit. */
    void enqueue(Connection connection, String id) throws SQLException {
        jobs.enqueue(connection, JOB, id);
    }

    void wake() {
        jobs.wake();
    }

    /** The fingerprint a replay is compared with. */
    Optional<String> fingerprint(String id) {
        return one("select fingerprint from custody_transactions where id = ?", id, row -> row.getString(1));
    }

    Optional<ChainTransaction> find(String id) {
        return one("select " + COLUMNS + " from custody_transactions where id = ?", id, ChainStore::transaction);
    }

    /** Read on the caller's transaction (what it has just written). */
    ChainTransaction find(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select " + COLUMNS + " from custody_transactions where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("chain transaction " + id + " is gone");
                }
                return transaction(row);
            }
        }
    }

    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private <T> Optional<T> one(String sql, String id, RowReader<T> reader) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(reader.read(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read chain transaction " + id, e);
        }
    }

    /** A wallet's transactions, newest first, before {@code before} when given. */
    Page<ChainTransaction> list(String walletId, Long before, int limit) {
        List<ChainTransaction> found = query(
                "select " + COLUMNS + " from custody_transactions where wallet_id = ? and (? :: bigint is null or"
                        + " sequence < ?) order by sequence desc limit ?",
                walletId,
                before,
                before,
                limit + 1);
        return Page.of(found, limit);
    }

    /** Transactions signed and not final, of every address, by address and nonce. */
    List<ChainTransaction> unfinished() {
        return query("select " + COLUMNS + " from custody_transactions where status in ('signed', 'broadcast')"
                + " order by chain, address, nonce");
    }

    /** How many are queued, signed or broadcast: {@code pacioli_custody_pending_transactions}. */
    long pendingCount() {
        return count("select count(*) from custody_transactions where status in ('queued', 'signed', 'broadcast')");
    }

    private List<ChainTransaction> query(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            List<ChainTransaction> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(transaction(rows));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("could not read chain transactions", e);
        }
    }

    long count(String sql) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql);
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("could not count chain transactions", e);
        }
    }

    List<ChainTransaction.Attempt> attempts(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select attempt, hash, max_fee_per_gas,"
                        + " max_priority_fee_per_gas, reason, broadcasts, created_at from custody_transaction_attempts"
                        + " where transaction_id = ? order by attempt")) {
            select.setString(1, id);
            List<ChainTransaction.Attempt> attempts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    attempts.add(new ChainTransaction.Attempt(
                            rows.getInt(1),
                            rows.getString(2),
                            rows.getBigDecimal(3).toBigIntegerExact(),
                            rows.getBigDecimal(4).toBigIntegerExact(),
                            rows.getString(5),
                            rows.getInt(6),
                            Timestamps.micros(rows, 7)));
                }
            }
            return attempts;
        } catch (SQLException e) {
            throw new StoreException("could not read the attempts of " + id, e);
        }
    }

    /** A held one released: queued again with its job, on one transaction. Audited. */
    Optional<ChainTransaction> release(String id, Actor actor) {
        Optional<ChainTransaction> released =
                Transactions.run(dataSource, "could not release chain transaction " + id, connection -> {
                    try (PreparedStatement update = connection.prepareStatement("update custody_transactions set"
                            + " status = 'queued', hold_reason = null, updated_at = now() where id = ? and status ="
                            + " 'held' returning " + COLUMNS)) {
                        update.setString(1, id);
                        try (ResultSet row = update.executeQuery()) {
                            if (!row.next()) {
                                return Optional.<ChainTransaction>empty();
                            }
                            jobs.requeue(connection, JOB, id);
                            AuditLog.append(
                                    connection,
                                    actor,
                                    AuditEntry.of(AuditAction.CUSTODY_TRANSACTION_RELEASED, id, "held", "queued"));
                            return Optional.of(transaction(row));
                        }
                    }
                });
        released.ifPresent(transaction -> jobs.wake());
        return released;
    }

    /** A queued one the controls refused: held, until an operator releases it. */
    boolean hold(String id, String reason) {
        return update(
                "update custody_transactions set status = 'held', hold_reason = ?, updated_at = now()"
                        + " where id = ? and status = 'queued'",
                reason,
                id);
    }

    /** The node took the attempt {@code hash}: broadcast, its send time and its attempt's count. */
    boolean broadcast(String id, String hash) {
        return Transactions.run(dataSource, "could not mark " + id + " broadcast", connection -> {
            int changed = execute(
                    connection,
                    "update custody_transactions set status = 'broadcast', sent_at = coalesce(sent_at, now()),"
                            + " updated_at = now() where id = ? and hash = ? and status in ('signed', 'broadcast')",
                    id,
                    hash);
            execute(
                    connection,
                    "update custody_transaction_attempts set broadcasts = broadcasts + 1 where transaction_id = ?"
                            + " and hash = ?",
                    id,
                    hash);
            return changed == 1;
        });
    }

    /** Ends it: confirmed (mined with enough confirmations) or failed. */
    boolean finish(String id, ChainStatus to, String minedHash, Long block, String reason) {
        return update(
                "update custody_transactions set status = ?, mined_hash = ?, block_number = ?, failure_reason = ?,"
                        + " updated_at = now() where id = ? and status in ('queued', 'signed', 'broadcast')",
                to.code(),
                minedHash,
                block,
                reason,
                id);
    }

    private boolean update(String sql, Object... parameters) {
        return Transactions.run(dataSource, "could not update a chain transaction", c -> execute(c, sql, parameters))
                == 1;
    }

    static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            return update.executeUpdate();
        }
    }

    static ChainTransaction transaction(ResultSet row) throws SQLException {
        String posting = row.getString(23);
        Long sentAt = row.getObject(19) == null ? null : Timestamps.micros(row, 19);
        return new ChainTransaction(
                row.getString(1),
                row.getLong(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getBigDecimal(8).toBigIntegerExact(),
                row.getBytes(9),
                ChainStatus.of(row.getString(10)),
                row.getString(11),
                (Long) row.getObject(12),
                (Long) row.getObject(13),
                wei(row, 14),
                wei(row, 15),
                row.getString(16),
                row.getBytes(17),
                row.getInt(18),
                sentAt,
                row.getString(20),
                (Long) row.getObject(21),
                row.getString(22),
                posting == null ? null : posting(RequestReader.MAPPER.readTree(posting)),
                row.getString(24),
                row.getString(25),
                Timestamps.micros(row, 26),
                Timestamps.micros(row, 27));
    }

    private static BigInteger wei(ResultSet row, int column) throws SQLException {
        BigDecimal value = row.getBigDecimal(column);
        return value == null ? null : value.toBigIntegerExact();
    }

    private static ChainTransaction.LedgerPosting posting(JsonNode json) {
        return new ChainTransaction.LedgerPosting(
                json.path("ledger").asString(),
                json.path("from").asString(),
                json.path("to").asString(),
                json.path("amount").asLong(),
                json.path("asset").asString());
    }
}
