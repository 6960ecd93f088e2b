package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.PostgresLedgerStore.CommitRows;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;

/**
 * The statements of payouts. Every change of a payout is one transaction that also writes its history
 * entry and its event ({@code payout.<state>}, on the service stream carrying the payout's ledger), and
 * enqueues the jobs the new state calls for (the outbox): the execution when it is approved, the
 * ledger's follow-up (post, void, return) when its reserve's fate is decided. A payout's row is created
 * by the ledger's writer, in the transaction that creates its reserve ({@link #creation}), so a payout
 * exists exactly when its reserve does.
 */
public final class PayoutStore {
    /** The worker's job: submit an approved payout, or learn a processing one's outcome. */
    public static final String EXECUTE_JOB = "payout.execute";

    /** The ledger's follow-up of a decided payout, one job type per step, each made once. */
    public static final String POST_RESERVE_JOB = "payout.post_reserve";

    public static final String VOID_RESERVE_JOB = "payout.void_reserve";

    public static final String POST_RETURN_JOB = "payout.post_return";

    /** Job keys and transfer ids are {@code {ledger}.{id}}: at most this long, so a job's key fits. */
    public static final int TRANSFER_ID_LENGTH_MAX = 200;

    private static final String COLUMNS = "ledger, id, source, amount, asset, connector, destination, fee_amount,"
            + " fee_account, status, hold_reason, held_from, approvals_required, approval_expires_at, payload_hash,"
            + " request_hash, submitted_via, provider_reference, failure_reason, attempts, created_by, metadata,"
            + " description, created_at, updated_at, status_since, sequence";
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final DataSource dataSource;
    private final Jobs jobs;

    public PayoutStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /** A payout with its place in the list's order. */
    public record Listed(long sequence, Payout payout) {}

    /** The hold reason of a screening hit. */
    public static final String SCREENING = "screening";

    /** The job key of a payout: {@code {ledger}/{id}} (no id holds a {@code /}). */
    public static String jobKey(String ledger, String id) {
        return ledger + "/" + id;
    }

    /** The ledger and id a job key names. */
    public static String[] fromJobKey(String key) {
        int slash = key.indexOf('/');
        return new String[] {key.substring(0, slash), key.substring(slash + 1)};
    }

    // ---- Creation -----------------------------------------------------------------------------------

    /**
     * A payout held from its creation: why, the state a release returns it to, and rows of the control
     * that held it to commit with it (a screening case), or null.
     */
    public record Hold(String reason, PayoutStatus from, CommitRows alongside) {}

    /**
     * The rows of a new payout, for the ledger's writer to commit with its reserve: the payout, its
     * first history entry, its {@code payout.created} event and, when it is approved, its execution job.
     * With a {@code hold} (null for none) it is created held instead, with the hold's own rows.
     */
    public CommitRows creation(
            PayoutRequest request,
            String createdBy,
            PayoutStatus status,
            int approvalsRequired,
            Long windowSeconds,
            Hold hold) {
        return connection -> {
            Payout created;
            try (PreparedStatement insert = connection.prepareStatement("insert into payouts (ledger, id, source,"
                    + " amount, asset, connector, destination, fee_amount, fee_account, status, approvals_required,"
                    + " approval_expires_at, payload_hash, request_hash, created_by, metadata, description,"
                    + " hold_reason, held_from) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " case when ?::bigint is null then null else now() + make_interval(secs => ?::bigint) end,"
                    + " ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning " + COLUMNS)) {
                insert.setString(1, request.ledger());
                insert.setString(2, request.id());
                insert.setString(3, request.source());
                insert.setLong(4, request.amount());
                insert.setString(5, request.asset());
                insert.setString(6, request.connector());
                insert.setString(7, request.destinationJson());
                setNullableLong(insert, 8, request.feeAmount());
                insert.setString(9, request.feeAccount());
                insert.setString(10, hold == null ? status.code() : PayoutStatus.HELD.code());
                insert.setInt(11, approvalsRequired);
                setNullableLong(insert, 12, windowSeconds);
                setNullableLong(insert, 13, windowSeconds);
                insert.setString(14, request.payloadHash());
                insert.setString(15, request.requestHash());
                insert.setString(16, createdBy);
                insert.setString(
                        17,
                        RequestReader.MAPPER.writeValueAsString(
                                request.metadata().values()));
                insert.setString(18, request.description());
                insert.setString(19, hold == null ? null : hold.reason());
                insert.setString(20, hold == null ? null : hold.from().code());
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        return; // cannot happen: the row is only ever made with its reserve, which is new
                    }
                    created = payout(row, List.of());
                }
            }
            history(connection, created, "transition", null, created.status(), createdBy, null);
            if (hold != null && hold.alongside() != null) {
                hold.alongside().write(connection);
            }
            if (created.status() == PayoutStatus.APPROVED) {
                jobs.enqueue(connection, EXECUTE_JOB, jobKey(created.ledger(), created.id()));
            }
            // Last: the service stream's head stays locked from here to the commit.
            ServiceEvents.append(connection, "payout.created", created.ledger(), PayoutJson.bytes(created));
        };
    }

    // ---- Reads --------------------------------------------------------------------------------------

    public Optional<Payout> find(String ledger, String id) {
        return read("read payout " + id, connection -> Optional.ofNullable(select(connection, ledger, id, false)));
    }

    /**
     * A ledger's payouts, newest first, before {@code beforeSequence} when given, filtered by the
     * non-null arguments and the metadata pairs.
     */
    public Page<Listed> list(
            String ledger,
            PayoutStatus status,
            String source,
            String connector,
            Map<String, String> metadata,
            Long beforeSequence,
            int limit) {
        Page.checkLimit(limit);
        String sql = "select " + COLUMNS + " from payouts where ledger = ? and sequence < ?"
                + " and (?::text is null or status = ?) and (?::text is null or source = ?)"
                + " and (?::text is null or connector = ?) and metadata::jsonb @> ?::jsonb"
                + " order by sequence desc limit ?";
        return read("list payouts", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, ledger);
                statement.setLong(2, beforeSequence == null ? Long.MAX_VALUE : beforeSequence);
                String statusCode = status == null ? null : status.code();
                statement.setString(3, statusCode);
                statement.setString(4, statusCode);
                statement.setString(5, source);
                statement.setString(6, source);
                statement.setString(7, connector);
                statement.setString(8, connector);
                statement.setString(9, RequestReader.MAPPER.writeValueAsString(metadata));
                statement.setInt(10, limit + 1);
                List<Listed> rows = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        Payout payout = payout(row, List.of());
                        rows.add(new Listed(row.getLong(27), payout));
                    }
                }
                List<Listed> withApprovals = new ArrayList<>();
                for (Listed listed : rows) {
                    Payout payout = listed.payout();
                    withApprovals.add(new Listed(
                            listed.sequence(), withApprovals(payout, approvals(connection, ledger, payout.id()))));
                }
                return Page.of(withApprovals, limit);
            }
        });
    }

    /** One entry of a payout's history. */
    public record HistoryEntry(
            long sequence,
            long atMicros,
            String kind,
            PayoutStatus from,
            PayoutStatus to,
            String principal,
            String detail) {}

    public List<HistoryEntry> history(String ledger, String id) {
        return read("read the history of payout " + id, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select sequence, at, kind, from_status,"
                    + " to_status, principal, detail from payout_history where ledger = ? and payout_id = ?"
                    + " order by sequence limit 10000")) {
                statement.setString(1, ledger);
                statement.setString(2, id);
                List<HistoryEntry> entries = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        String from = row.getString(4);
                        String to = row.getString(5);
                        entries.add(new HistoryEntry(
                                row.getLong(1),
                                Timestamps.micros(row, 2),
                                row.getString(3),
                                from == null ? null : PayoutStatus.of(from),
                                to == null ? null : PayoutStatus.of(to),
                                row.getString(6),
                                row.getString(7)));
                    }
                }
                return entries;
            }
        });
    }

    // ---- Changes ------------------------------------------------------------------------------------

    /** What a transition sets besides the status; null fields are left as they are. */
    public record Change(
            String holdReason,
            PayoutStatus heldFrom,
            String failureReason,
            String providerReference,
            String submittedVia,
            boolean attempted) {
        public static final Change NONE = new Change(null, null, null, null, null, false);

        public static Change failure(String reason) {
            return new Change(null, null, reason, null, null, false);
        }
    }

    /**
     * How a change came out: made (the payout after it), refused (the payout as it is and the problem
     * code why), or no payout.
     */
    public sealed interface Outcome {
        record Moved(Payout payout) implements Outcome {}

        record Refused(Payout payout, String code) implements Outcome {}

        record Missing() implements Outcome {}
    }

    /** The code of a move the state table does not allow. */
    public static final String INVALID_STATE_TRANSITION = "invalid_state_transition";

    /**
     * A rule a change's payout must meet besides the state table, checked on the locked row: the
     * problem code that refuses it, or null.
     */
    @FunctionalInterface
    public interface Guard {
        Guard NONE = current -> null;

        String refusal(Payout current);
    }

    /** Who made a change and how the audit log names it; null for a change nobody audits (the worker's). */
    public record Audit(Actor actor, AuditAction action, String reason) {}

    /**
     * Moves a payout to {@code to} when the state table and {@code guard} allow it, on the locked row,
     * with its history entry, its event and the jobs the new state calls for.
     */
    public Outcome transition(
            String ledger, String id, PayoutStatus to, Guard guard, Change change, String principal, Audit audit) {
        return Transactions.run(
                dataSource,
                "could not change payout " + id,
                connection -> transition(connection, ledger, id, to, guard, change, principal, audit));
    }

    /**
     * As {@link #transition(String, String, PayoutStatus, Guard, Change, String, Audit)}, in the
     * caller's open transaction (a screening decision's).
     */
    public Outcome transition(
            Connection connection,
            String ledger,
            String id,
            PayoutStatus to,
            Guard guard,
            Change change,
            String principal,
            Audit audit)
            throws SQLException {
        Payout current = select(connection, ledger, id, true);
        if (current == null) {
            return new Outcome.Missing();
        }
        String refusal = current.status().canMoveTo(to) ? guard.refusal(current) : INVALID_STATE_TRANSITION;
        if (refusal != null) {
            return new Outcome.Refused(current, refusal);
        }
        // History details are JSON values: a person's reason is one as {"reason": ...}.
        String detail =
                audit == null || audit.reason() == null ? null : PayoutJson.detail(Map.of("reason", audit.reason()));
        Payout after = move(connection, current, to, change, principal, detail);
        audit(connection, audit, current, after);
        told(connection, after);
        return new Outcome.Moved(after);
    }

    /**
     * A screening case's decision on a payout it held, in the decision's transaction: clear sends it back
     * to where it was going, confirm rejects it (and its reserve is voided). Refused unless it is held
     * for screening.
     */
    public Outcome screened(
            Connection connection, String ledger, String id, boolean clear, String principal, String reason)
            throws SQLException {
        Payout current = select(connection, ledger, id, true);
        if (current == null) {
            return new Outcome.Missing();
        }
        if (current.status() != PayoutStatus.HELD || !SCREENING.equals(current.holdReason())) {
            return new Outcome.Refused(current, INVALID_STATE_TRANSITION);
        }
        return transition(
                connection,
                ledger,
                id,
                clear ? current.heldFrom() : PayoutStatus.REJECTED,
                Guard.NONE,
                clear ? Change.NONE : Change.failure("sanctions screening: hit confirmed (" + reason + ")"),
                principal,
                null);
    }

    private static void audit(Connection connection, Audit audit, Payout before, Payout after) throws SQLException {
        if (audit == null) {
            return;
        }
        AuditLog.append(
                connection,
                audit.actor(),
                AuditEntry.of(audit.action(), before.id(), summary(before), summary(after))
                        .inLedger(before.ledger())
                        .because(audit.reason()));
    }

    /** A payout as its audit records show it: what was decided, not the whole object. */
    private static String summary(Payout payout) {
        return AuditJson.object(
                "status", payout.status().code(),
                "amount", payout.amount(),
                "asset", payout.asset(),
                "payload_hash", payout.payloadHash(),
                "approvals",
                        payout.approvals().stream()
                                .map(Payout.Approval::principal)
                                .toList());
    }

    /** An approval, and the move to approved when it is the last one needed. */
    public sealed interface ApprovalOutcome {
        record Approved(Payout payout) implements ApprovalOutcome {}

        record AlreadyApproved() implements ApprovalOutcome {}

        record Refused(Payout payout, String code) implements ApprovalOutcome {}

        record Missing() implements ApprovalOutcome {}
    }

    /**
     * Records {@code principal}'s approval of the payout when {@code guard} allows it on the locked
     * row (the caller's checks: state, creator, payload hash), and approves the payout when it has
     * enough.
     */
    public ApprovalOutcome approve(String ledger, String id, Actor actor, Guard guard) {
        String principal = actor.principal();
        String keyId = actor.keyId();
        return Transactions.run(dataSource, "could not approve payout " + id, connection -> {
            Payout current = select(connection, ledger, id, true);
            if (current == null) {
                return new ApprovalOutcome.Missing();
            }
            String refusal = current.status() == PayoutStatus.REQUIRES_APPROVAL
                    ? guard.refusal(current)
                    : INVALID_STATE_TRANSITION;
            if (refusal != null) {
                return new ApprovalOutcome.Refused(current, refusal);
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into payout_approvals (ledger,"
                    + " payout_id, principal, key_id) values (?, ?, ?, ?) on conflict do nothing")) {
                insert.setString(1, ledger);
                insert.setString(2, id);
                insert.setString(3, principal);
                insert.setString(4, keyId);
                if (insert.executeUpdate() == 0) {
                    return new ApprovalOutcome.AlreadyApproved();
                }
            }
            Payout approved = withApprovals(current, approvals(connection, ledger, id));
            history(connection, approved, "note", null, null, principal, PayoutJson.detail(Map.of("approved", true)));
            boolean enough = approved.approvals().size() >= approved.approvalsRequired();
            if (enough) {
                approved = move(connection, approved, PayoutStatus.APPROVED, Change.NONE, principal, null);
            }
            audit(connection, new Audit(actor, AuditAction.PAYOUT_APPROVED, null), current, approved);
            if (enough) {
                told(connection, approved);
            }
            return new ApprovalOutcome.Approved(approved);
        });
    }

    /** Appends a history entry that is not a transition: a submission, an answer, a status query. */
    public void note(String ledger, String id, String kind, String principal, String detail) {
        Transactions.run(dataSource, "could not note on payout " + id, connection -> {
            Payout current = select(connection, ledger, id, false);
            if (current != null) {
                history(connection, current, kind, null, null, principal, detail);
            }
            return null;
        });
    }

    /**
     * The event of a payout's new state. Written last in its transaction: the service stream's head
     * (and the audit log's, before it) stays locked from the append to the commit, and every other
     * change of every capability waits for it meanwhile.
     */
    private static void told(Connection connection, Payout after) throws SQLException {
        ServiceEvents.append(connection, "payout." + after.status().code(), after.ledger(), PayoutJson.bytes(after));
    }

    private Payout move(
            Connection connection, Payout current, PayoutStatus to, Change change, String principal, String detail)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update payouts set status = ?,"
                + " hold_reason = ?, held_from = ?, failure_reason = coalesce(?, failure_reason),"
                + " provider_reference = coalesce(?, provider_reference), submitted_via = coalesce(?, submitted_via),"
                + " attempts = attempts + ?, updated_at = now(), status_since = now() where ledger = ? and id = ?")) {
            update.setString(1, to.code());
            update.setString(2, to == PayoutStatus.HELD ? change.holdReason() : null);
            update.setString(3, to == PayoutStatus.HELD ? change.heldFrom().code() : null);
            update.setString(4, change.failureReason());
            update.setString(5, change.providerReference());
            update.setString(6, change.submittedVia());
            update.setInt(7, change.attempted() ? 1 : 0);
            update.setString(8, current.ledger());
            update.setString(9, current.id());
            update.executeUpdate();
        }
        Payout after = select(connection, current.ledger(), current.id(), false);
        history(connection, after, "transition", current.status(), to, principal, detail);
        String key = jobKey(after.ledger(), after.id());
        if (to == PayoutStatus.APPROVED) {
            jobs.requeue(connection, EXECUTE_JOB, key);
        }
        if (to.reserve() == PayoutStatus.Reserve.POSTED && current.status().reserve() == PayoutStatus.Reserve.PENDING) {
            jobs.enqueue(connection, POST_RESERVE_JOB, key);
        } else if (to.reserve() == PayoutStatus.Reserve.VOIDED) {
            jobs.enqueue(connection, VOID_RESERVE_JOB, key);
        }
        if (to == PayoutStatus.RETURNED) {
            jobs.enqueue(connection, POST_RETURN_JOB, key);
        }
        return after;
    }

    // ---- Rows ---------------------------------------------------------------------------------------

    private static Payout select(Connection connection, String ledger, String id, boolean lock) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select " + COLUMNS + " from payouts where ledger = ? and id = ?" + (lock ? " for update" : ""))) {
            statement.setString(1, ledger);
            statement.setString(2, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return payout(row, approvals(connection, ledger, id));
            }
        }
    }

    private static List<Payout.Approval> approvals(Connection connection, String ledger, String id)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select principal, at from payout_approvals"
                + " where ledger = ? and payout_id = ? order by at, principal")) {
            statement.setString(1, ledger);
            statement.setString(2, id);
            List<Payout.Approval> approvals = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    approvals.add(new Payout.Approval(row.getString(1), Timestamps.micros(row, 2)));
                }
            }
            return approvals;
        }
    }

    private static void history(
            Connection connection,
            Payout payout,
            String kind,
            PayoutStatus from,
            PayoutStatus to,
            String principal,
            String detail)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into payout_history (ledger, payout_id,"
                + " kind, from_status, to_status, principal, detail) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, payout.ledger());
            insert.setString(2, payout.id());
            insert.setString(3, kind);
            insert.setString(4, from == null ? null : from.code());
            insert.setString(5, to == null ? null : to.code());
            insert.setString(6, principal);
            insert.setString(7, detail);
            insert.executeUpdate();
        }
    }

    private static Payout payout(ResultSet row, List<Payout.Approval> approvals) throws SQLException {
        String heldFrom = row.getString(12);
        OffsetDateTime expires = row.getObject(14, OffsetDateTime.class);
        return new Payout(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getObject(8, Long.class),
                row.getString(9),
                PayoutStatus.of(row.getString(10)),
                row.getString(11),
                heldFrom == null ? null : PayoutStatus.of(heldFrom),
                row.getInt(13),
                approvals,
                expires == null ? null : Timestamps.micros(expires),
                row.getString(15),
                row.getString(16),
                row.getString(17),
                row.getString(18),
                row.getString(19),
                row.getInt(20),
                row.getString(21),
                Metadata.of(RequestReader.MAPPER.readValue(row.getString(22), STRING_MAP)),
                row.getString(23),
                Timestamps.micros(row, 24),
                Timestamps.micros(row, 25),
                Timestamps.micros(row, 26));
    }

    private static Payout withApprovals(Payout payout, List<Payout.Approval> approvals) {
        return new Payout(
                payout.ledger(),
                payout.id(),
                payout.source(),
                payout.amount(),
                payout.asset(),
                payout.connector(),
                payout.destination(),
                payout.feeAmount(),
                payout.feeAccount(),
                payout.status(),
                payout.holdReason(),
                payout.heldFrom(),
                payout.approvalsRequired(),
                approvals,
                payout.approvalExpiresAtMicros(),
                payout.payloadHash(),
                payout.requestHash(),
                payout.submittedVia(),
                payout.providerReference(),
                payout.failureReason(),
                payout.attempts(),
                payout.createdBy(),
                payout.metadata(),
                payout.description(),
                payout.createdAtMicros(),
                payout.updatedAtMicros(),
                payout.statusSinceMicros());
    }

    private <T> T read(String what, Transactions.Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("could not " + what, e);
        }
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
