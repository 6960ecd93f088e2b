package dev.pacioli.platform.audit;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * The audit log: every privileged action, appended in the same database transaction as the action,
 * hash-chained (see {@link AuditCodec}).
 *
 * <p>Appends are serialized by the one-row {@code audit_head} table: {@link #append} locks it
 * ({@code for update}) in the caller's transaction, takes the next sequence and the previous hash from
 * it, inserts the record and moves the head. A second append waits for the first's transaction to end;
 * if that transaction rolls back, so do its record and the head, so sequences stay gap-free and every
 * record chains on the one committed before it. The lock is held until the caller commits, so callers
 * append last, just before they commit. Times never go backwards: a record's time is the later of the
 * database's clock and the record before it.
 *
 * <p>The table refuses UPDATE, DELETE and TRUNCATE with a trigger (V12); {@link #verify} recomputes
 * the chain from the stored rows, so a row changed behind the trigger's back is found.
 */
public final class AuditLog {
    /** At most this many failures are reported by one verify; the count of records checked is exact. */
    public static final int FAILURES_MAX = 100;

    private static final String COLUMNS = "sequence, id, at, principal, key_id, action, object_type, object_id,"
            + " ledger, request_id, source_ip, reason, before, after, hash";

    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends a record in the caller's transaction ({@code connection} with auto-commit off), which
     * commits it with the action or rolls both back. Call it last before the commit: it holds the
     * log's head until then.
     */
    public static AuditRecord append(Connection connection, Actor actor, AuditEntry entry) throws SQLException {
        Assert.that(!connection.getAutoCommit(), "an audit record is appended in the action's transaction");
        long sequence;
        byte[] previousHash;
        long atMicros;
        try (PreparedStatement head = connection.prepareStatement(
                        "select sequence, hash, at, clock_timestamp() from audit_head where singleton for update");
                ResultSet row = head.executeQuery()) {
            Assert.that(row.next(), "the audit log has its head row (V12)");
            sequence = row.getLong(1) + 1;
            byte[] hash = row.getBytes(2);
            previousHash = hash == null ? AuditCodec.genesisHash() : hash;
            OffsetDateTime headAt = row.getObject(3, OffsetDateTime.class);
            long now = Timestamps.micros(row, 4);
            atMicros = headAt == null ? now : Math.max(now, Timestamps.micros(headAt));
        }
        AuditAction action = entry.action();
        AuditRecord unhashed = new AuditRecord(
                sequence,
                AuditRecord.idOf(sequence),
                atMicros,
                actor.principal(),
                actor.keyId(),
                action.code(),
                action.objectType(),
                entry.objectId(),
                entry.ledger(),
                actor.requestId(),
                actor.sourceIp(),
                entry.reason(),
                entry.before(),
                entry.after(),
                null);
        byte[] hash = AuditCodec.hash(JournalCodec.sha256(), previousHash, unhashed);
        AuditRecord record = withHash(unhashed, hash);
        insert(connection, record);
        try (PreparedStatement move = connection.prepareStatement(
                "update audit_head set sequence = ?, hash = ?, at = ? where singleton and sequence = ?")) {
            move.setLong(1, sequence);
            move.setBytes(2, hash);
            move.setObject(3, Timestamps.offsetDateTime(atMicros));
            move.setLong(4, sequence - 1);
            Assert.that(move.executeUpdate() == 1, "the audit head moved from %d", sequence - 1);
        }
        return record;
    }

    private static void insert(Connection connection, AuditRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into audit_log (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, record.sequence());
            insert.setString(2, record.id());
            insert.setObject(3, Timestamps.offsetDateTime(record.atMicros()));
            insert.setString(4, record.principal());
            insert.setString(5, record.keyId());
            insert.setString(6, record.action());
            insert.setString(7, record.objectType());
            insert.setString(8, record.objectId());
            insert.setString(9, record.ledger());
            insert.setString(10, record.requestId());
            insert.setString(11, record.sourceIp());
            insert.setString(12, record.reason());
            insert.setString(13, record.before());
            insert.setString(14, record.after());
            insert.setBytes(15, record.hash());
            insert.executeUpdate();
        }
    }

    private static AuditRecord withHash(AuditRecord r, byte[] hash) {
        return new AuditRecord(
                r.sequence(),
                r.id(),
                r.atMicros(),
                r.principal(),
                r.keyId(),
                r.action(),
                r.objectType(),
                r.objectId(),
                r.ledger(),
                r.requestId(),
                r.sourceIp(),
                r.reason(),
                r.before(),
                r.after(),
                hash);
    }

    /** Appends in a transaction of its own: for actions that have no database transaction to share. */
    public AuditRecord appendAlone(Actor actor, AuditEntry entry) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                AuditRecord record = append(connection, actor, entry);
                connection.commit();
                return record;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not append to the audit log", e);
        }
    }

    /**
     * What to list: each null filter matches everything. {@code ledgers} null: every record; otherwise
     * only records of those ledgers (a key scoped to ledgers).
     *
     * @param fromMicros inclusive
     * @param toMicros exclusive
     */
    public record Filter(
            String principal,
            String action,
            String objectId,
            String ledger,
            Long fromMicros,
            Long toMicros,
            List<String> ledgers) {}

    /** Records newest first, before sequence {@code beforeSequence} when given. */
    public Page<AuditRecord> list(Filter filter, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        String sql = "select " + COLUMNS + " from audit_log where sequence < ?"
                + " and (?::text is null or principal = ?) and (?::text is null or action = ?)"
                + " and (?::text is null or object_id = ?) and (?::text is null or ledger = ?)"
                + " and (?::timestamptz is null or at >= ?) and (?::timestamptz is null or at < ?)"
                + " and (?::text[] is null or ledger = any(?::text[]))"
                + " order by sequence desc limit ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, beforeSequence == null ? Long.MAX_VALUE : beforeSequence);
            int index = 2;
            for (String text : new String[] {filter.principal(), filter.action(), filter.objectId(), filter.ledger()}) {
                statement.setString(index++, text);
                statement.setString(index++, text);
            }
            for (Long micros : new Long[] {filter.fromMicros(), filter.toMicros()}) {
                OffsetDateTime time = micros == null ? null : Timestamps.offsetDateTime(micros);
                statement.setObject(index++, time);
                statement.setObject(index++, time);
            }
            Array ledgers = filter.ledgers() == null
                    ? null
                    : connection.createArrayOf("text", filter.ledgers().toArray());
            statement.setArray(index++, ledgers);
            statement.setArray(index++, ledgers);
            statement.setInt(index, limit + 1);
            List<AuditRecord> records = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    records.add(record(rows));
                }
            }
            return Page.of(records, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list the audit log", e);
        }
    }

    private static AuditRecord record(ResultSet row) throws SQLException {
        return new AuditRecord(
                row.getLong(1),
                row.getString(2),
                Timestamps.micros(row, 3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8),
                row.getString(9),
                row.getString(10),
                row.getString(11),
                row.getString(12),
                row.getString(13),
                row.getString(14),
                row.getBytes(15));
    }

    /** One thing wrong with the log: the sequence it was found at and what is wrong there. */
    public record Failure(long sequence, String problem, String detail) {}

    /** {@code checked}: records read. */
    public record VerifyResult(long checked, List<Failure> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * Re-reads every record in sequence order and checks that sequences run 1, 2, 3… without a gap,
     * that each id and object type follow from the record, that times never go backwards, that each
     * hash is the chain's over the stored fields, and that the head names the last record. Reads in
     * one repeatable-read transaction, so appends committed meanwhile neither count nor confuse it.
     */
    public VerifyResult verify() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                VerifyResult result = verify(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not verify the audit log", e);
        }
    }

    private static VerifyResult verify(Connection connection) throws SQLException {
        List<Failure> failures = new ArrayList<>();
        MessageDigest digest = JournalCodec.sha256();
        byte[] previousHash = AuditCodec.genesisHash();
        long expected = 1;
        long previousAt = Long.MIN_VALUE;
        long checked = 0;
        try (PreparedStatement statement =
                connection.prepareStatement("select " + COLUMNS + " from audit_log order by sequence")) {
            statement.setFetchSize(1_000);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    AuditRecord record = record(rows);
                    checked++;
                    check(failures, record, expected, previousAt);
                    byte[] hash = AuditCodec.hash(digest, previousHash, record);
                    if (!Arrays.equals(hash, record.hash())) {
                        add(
                                failures,
                                record.sequence(),
                                "hash_mismatch",
                                "the stored hash is not the chain's over"
                                        + " the stored fields: the record or one before it was changed");
                    }
                    // Chain on what is stored, so one changed record is reported once, not at every record after it.
                    previousHash = record.hash();
                    previousAt = record.atMicros();
                    expected = record.sequence() + 1;
                }
            }
        }
        checkHead(connection, failures, expected - 1, previousHash);
        return new VerifyResult(checked, List.copyOf(failures));
    }

    private static void check(List<Failure> failures, AuditRecord record, long expected, long previousAt) {
        long sequence = record.sequence();
        if (sequence != expected) {
            add(failures, sequence, "sequence_gap", "expected sequence " + expected);
        }
        if (!record.id().equals(AuditRecord.idOf(sequence))) {
            add(failures, sequence, "id_mismatch", "the id is " + record.id());
        }
        if (!record.action().startsWith(record.objectType() + ".")) {
            add(
                    failures,
                    sequence,
                    "object_type_mismatch",
                    "action " + record.action() + " is not of " + record.objectType());
        }
        if (record.atMicros() < previousAt) {
            add(failures, sequence, "time_went_backwards", "earlier than the record before it");
        }
    }

    private static void checkHead(Connection connection, List<Failure> failures, long last, byte[] lastHash)
            throws SQLException {
        try (PreparedStatement head = connection.prepareStatement("select sequence, hash from audit_head");
                ResultSet row = head.executeQuery()) {
            if (!row.next()) {
                add(failures, last, "head_missing", "the audit_head row is gone");
                return;
            }
            long sequence = row.getLong(1);
            byte[] hash = row.getBytes(2);
            boolean matches = sequence == last && (last == 0 ? hash == null : Arrays.equals(hash, lastHash));
            if (!matches) {
                add(
                        failures,
                        sequence,
                        "head_mismatch",
                        "the head is at sequence " + sequence + " but the last record is " + last);
            }
        }
    }

    private static void add(List<Failure> failures, long sequence, String problem, String detail) {
        if (failures.size() < FAILURES_MAX) {
            failures.add(new Failure(sequence, problem, detail));
        }
    }
}
