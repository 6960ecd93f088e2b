package dev.pacioli.platform.jobs;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every statement on the {@code jobs} table.
 *
 * <p>Times that decide when a job is due or a lease ends are the database's ({@code now()}), so runners
 * of several instances agree whatever their clocks say. A claim locks due rows with {@code for update
 * skip locked} and leases them in the same statement, so two runners never claim one job at once.
 * Every outcome is fenced: it changes the row only while it still names the claiming runner and
 * attempt, and the capability's own writes ride on that same transaction, so a runner whose lease
 * ran out records nothing at all.
 */
final class JobStore {
    static final int ERROR_LENGTH_MAX = 1_000;
    private static final String COLUMNS =
            "id, type, key, state, attempts, run_at, runner, last_error," + " created_at, updated_at, finished_at";
    private static final String FENCE = " where id = ? and state = 'running' and runner = ? and attempts = ?";

    private final DataSource dataSource;

    JobStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    // ---- Enqueueing, on the caller's transaction ---------------------------------------------------

    /** Inserts a queued job per key not yet held for this type, due after {@code delaySeconds}. */
    static int enqueue(Connection connection, String type, Collection<String> keys, double delaySeconds)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into jobs (type, key, state, run_at)"
                + " select ?, k, 'queued', now() + make_interval(secs => ?) from unnest(?::text[]) k"
                + " on conflict (type, key) do nothing")) {
            insert.setString(1, type);
            insert.setDouble(2, delaySeconds);
            insert.setArray(3, connection.createArrayOf("text", keys.toArray()));
            return insert.executeUpdate();
        }
    }

    /**
     * Makes the job due now with its attempts from zero, whatever its state but running (an attempt in
     * flight is its retry already); inserts it when there is none. Returns whether it is queued now.
     */
    static boolean requeue(Connection connection, String type, String key) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("insert into jobs (type, key, state, run_at)"
                + " values (?, ?, 'queued', now()) on conflict (type, key) do update set state = 'queued',"
                + " attempts = 0, run_at = now(), runner = null, finished_at = null, updated_at = now()"
                + " where jobs.state <> 'running'")) {
            upsert.setString(1, type);
            upsert.setString(2, key);
            return upsert.executeUpdate() == 1;
        }
    }

    /** Queued jobs of these keys that wait for later are due now (what they waited for has happened). */
    static int wake(Connection connection, String type, Collection<String> keys) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update jobs set run_at = now(),"
                + " updated_at = now() where type = ? and key = any(?::text[]) and state = 'queued'"
                + " and run_at > now()")) {
            update.setString(1, type);
            update.setArray(2, connection.createArrayOf("text", keys.toArray()));
            return update.executeUpdate();
        }
    }

    // ---- The runner's claims and outcomes ----------------------------------------------------------

    /** Claims up to {@code limit} due jobs of a type, oldest due first, leased to {@code runner}. */
    List<Claim> claim(String type, int limit, double leaseSeconds, String runner) {
        String sql = "with due as (select id from jobs where type = ? and state in ('queued', 'running')"
                + " and run_at <= now() order by run_at, id limit ? for update skip locked)"
                + " update jobs j set state = 'running', attempts = j.attempts + 1,"
                + " run_at = now() + make_interval(secs => ?), runner = ?, updated_at = now()"
                + " from due where j.id = due.id returning j.id, j.key, j.attempts";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, type);
            statement.setInt(2, limit);
            statement.setDouble(3, leaseSeconds);
            statement.setString(4, runner);
            List<Claim> claims = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claims.add(new Claim(rows.getLong(1), type, rows.getString(2), rows.getInt(3), runner));
                }
            }
            claims.sort(Comparator.comparingLong(Claim::id));
            return claims;
        } catch (SQLException e) {
            throw new StoreException("could not claim jobs of type " + type, e);
        }
    }

    /** Succeeded, with its effects; false (nothing written) when the claim no longer holds the job. */
    boolean succeed(Claim claim, JobOutcome.Effects effects) {
        return fenced(
                claim,
                "update jobs set state = 'succeeded', run_at = null, runner = null, finished_at = now(),"
                        + " updated_at = now()" + FENCE,
                statement -> {},
                effects);
    }

    /** A failed attempt: due again in {@code retrySeconds}, or failed for good when null. */
    boolean fail(Claim claim, String error, Double retrySeconds, JobOutcome.FailureEffects effects) {
        return fenced(
                claim,
                "update jobs set state = case when ?::float8 is null then 'failed' else 'queued' end,"
                        + " run_at = now() + make_interval(secs => ?::float8), runner = null, last_error = ?,"
                        + " finished_at = case when ?::float8 is null then now() end, updated_at = now()" + FENCE,
                statement -> {
                    setNullableDouble(statement, 1, retrySeconds);
                    setNullableDouble(statement, 2, retrySeconds);
                    statement.setString(3, truncate(error));
                    setNullableDouble(statement, 4, retrySeconds);
                },
                connection -> effects.apply(connection, retrySeconds));
    }

    /** Queued again after {@code waitSeconds} (now, when no longer waiting), the attempt not counted. */
    boolean defer(Claim claim, double waitSeconds, JobOutcome.StillWaiting stillWaiting) {
        boolean[] waiting = {true};
        return fenced(
                claim,
                "update jobs set state = 'queued', attempts = attempts - 1, runner = null,"
                        + " run_at = now() + make_interval(secs => ?), updated_at = now()" + FENCE,
                statement -> statement.setDouble(1, waiting[0] ? waitSeconds : 0),
                null,
                connection -> waiting[0] = stillWaiting.test(connection));
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private boolean fenced(Claim claim, String sql, Binder binder, JobOutcome.Effects effects) {
        return fenced(claim, sql, binder, effects, null);
    }

    /**
     * One outcome's transaction: {@code before} (reads that decide the update), the fenced update of
     * the job's row (which locks it), then the effects; rolled back whole when the fence does not hold.
     */
    private boolean fenced(
            Claim claim, String sql, Binder binder, JobOutcome.Effects effects, JobOutcome.Effects before) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (before != null) {
                    before.apply(connection);
                }
                int updated;
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    binder.bind(statement);
                    int fence = (int) sql.chars().filter(c -> c == '?').count() - 2;
                    statement.setLong(fence, claim.id());
                    statement.setString(fence + 1, claim.runner());
                    statement.setInt(fence + 2, claim.attempt());
                    updated = statement.executeUpdate();
                }
                if (updated != 1) {
                    connection.rollback();
                    return false;
                }
                if (effects != null) {
                    effects.apply(connection);
                }
                connection.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not record an attempt of job " + claim.id(), e);
        }
    }

    /** Pushes the leases of jobs this runner is running to {@code leaseSeconds} from now. */
    int renew(Collection<Long> ids, String runner, double leaseSeconds) {
        return update(
                "update jobs set run_at = now() + make_interval(secs => ?) where id = any(?::bigint[])"
                        + " and runner = ? and state = 'running'",
                (connection, statement) -> {
                    statement.setDouble(1, leaseSeconds);
                    statement.setArray(2, connection.createArrayOf("bigint", ids.toArray()));
                    statement.setString(3, runner);
                });
    }

    /** Hands back jobs this runner stopped before their outcome (shutting down): due now, the attempt not counted. */
    int release(Collection<Long> ids, String runner) {
        return update(
                "update jobs set state = 'queued', attempts = attempts - 1, run_at = now(), runner = null,"
                        + " updated_at = now() where id = any(?::bigint[]) and runner = ? and state = 'running'",
                (connection, statement) -> {
                    statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                    statement.setString(2, runner);
                });
    }

    /** Deletes up to {@code rowsMax} jobs that succeeded more than {@code retentionSeconds} ago. */
    int purge(long retentionSeconds, int rowsMax) {
        return update(
                "delete from jobs where id in (select id from jobs where state = 'succeeded'"
                        + " and finished_at < now() - make_interval(secs => ?) limit ?)",
                (connection, statement) -> {
                    statement.setLong(1, retentionSeconds);
                    statement.setInt(2, rowsMax);
                });
    }

    private interface Statement {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, Statement binder) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(connection, statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("could not update jobs", e);
        }
    }

    // ---- Reads -------------------------------------------------------------------------------------

    /** Jobs newest first, before {@code beforeId} when given, of one state and one type when given. */
    Page<Job> list(JobState state, String type, Long beforeId, int limit) {
        Page.checkLimit(limit);
        String sql = "select " + COLUMNS + " from jobs where id < ? and (?::text is null or state = ?)"
                + " and (?::text is null or type = ?) order by id desc limit ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, beforeId == null ? Long.MAX_VALUE : beforeId);
            String code = state == null ? null : state.code;
            statement.setString(2, code);
            statement.setString(3, code);
            statement.setString(4, type);
            statement.setString(5, type);
            statement.setInt(6, limit + 1);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    jobs.add(job(rows));
                }
            }
            return Page.of(jobs, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list jobs", e);
        }
    }

    /** The job of a type and key, if any. */
    Optional<Job> find(String type, String key) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select " + COLUMNS + " from jobs where type = ? and key = ?")) {
            statement.setString(1, type);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(job(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read a job", e);
        }
    }

    /**
     * Live and dead jobs by state (queued, running, failed; succeeded ones are history, counted by the
     * runner's counter instead of a scan), and the age in seconds of the oldest job that is due and not
     * running under a live lease: how far behind the runners are.
     */
    Gauges gauges() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement counts = connection.prepareStatement("select state, count(*) from jobs"
                        + " where state in ('queued', 'running', 'failed') group by state");
                PreparedStatement oldest = connection.prepareStatement("select coalesce(extract(epoch from"
                        + " now() - min(run_at)), 0) from jobs where state in ('queued', 'running')"
                        + " and run_at <= now()")) {
            Map<JobState, Long> byState = new EnumMap<>(JobState.class);
            for (JobState state : List.of(JobState.QUEUED, JobState.RUNNING, JobState.FAILED)) {
                byState.put(state, 0L);
            }
            try (ResultSet rows = counts.executeQuery()) {
                while (rows.next()) {
                    byState.put(JobState.ofCode(rows.getString(1)), rows.getLong(2));
                }
            }
            try (ResultSet row = oldest.executeQuery()) {
                row.next();
                return new Gauges(byState, Math.max(0, row.getDouble(1)));
            }
        } catch (SQLException e) {
            throw new StoreException("could not count jobs", e);
        }
    }

    record Gauges(Map<JobState, Long> byState, double oldestDueSeconds) {}

    private static Job job(ResultSet row) throws SQLException {
        return new Job(
                row.getLong(1),
                row.getString(2),
                row.getString(3),
                JobState.ofCode(row.getString(4)),
                row.getInt(5),
                nullableMicros(row, 6),
                row.getString(7),
                row.getString(8),
                Timestamps.micros(row, 9),
                Timestamps.micros(row, 10),
                nullableMicros(row, 11));
    }

    private static Long nullableMicros(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : Timestamps.micros(time);
    }

    private static void setNullableDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    static String truncate(String error) {
        return error == null || error.length() <= ERROR_LENGTH_MAX ? error : error.substring(0, ERROR_LENGTH_MAX);
    }
}
