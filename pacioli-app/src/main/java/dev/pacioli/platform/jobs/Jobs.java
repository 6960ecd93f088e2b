package dev.pacioli.platform.jobs;

import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.postgres.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Durable jobs in PostgreSQL, the service every capability's background work runs on (docs/jobs.md).
 *
 * <p>A capability registers a {@link JobType} (its handler, concurrency, lease, attempts, backoff) and
 * enqueues jobs <b>on its own connection, in the transaction that makes the state change calling for
 * them</b>: a payout accepted and its submit job commit together or not at all, and a rollback leaves
 * no job. A job is named by (type, key), the key being the object it is about, so enqueueing is
 * idempotent: the second enqueue of a key is a no-op while the first job is kept. After its commit,
 * the capability calls {@link #wake()} so this process's runner claims the job at once rather than at
 * its next poll.
 *
 * <p>Guarantees: a committed job is never lost (it is a row until it ends, and kept after); never
 * held by two runners at once (claims lock with {@code skip locked} and lease; outcomes are fenced
 * by runner and attempt); resumed after a crash (a lease that runs out makes it due again); retried
 * with backoff and jitter, then failed for good and kept visible at {@code GET /v1/jobs}. The
 * handler's external effects are at least once (a crash mid-attempt repeats the attempt); its
 * database effects, given with its outcome, are exactly once.
 */
public final class Jobs implements AutoCloseable {
    private final JobStore store;
    private final JobRunner runner;

    public Jobs(DataSource dataSource, JobSettings settings, ServiceMetrics metrics) {
        this.store = new JobStore(dataSource);
        this.runner = new JobRunner(store, settings, new JobMetrics(metrics, store::gauges));
    }

    /** Runs jobs of this type from now on (before or after {@link #start()}). */
    public void register(JobType type) {
        runner.register(type);
    }

    public Jobs start() {
        runner.start();
        return this;
    }

    /** This runner's id, as claimed jobs show it in {@code runner}. */
    public String runnerId() {
        return runner.id();
    }

    /** Enqueues a job due now on the caller's transaction; false when (type, key) already has one. */
    public boolean enqueue(Connection connection, String type, String key) throws SQLException {
        return JobStore.enqueue(connection, type, List.of(key), 0) == 1;
    }

    /** Enqueues one job per key, due after {@code delay}; answers how many were new. */
    public int enqueue(Connection connection, String type, Collection<String> keys, Duration delay)
            throws SQLException {
        return keys.isEmpty() ? 0 : JobStore.enqueue(connection, type, keys, delay.toNanos() / 1e9);
    }

    /**
     * Makes a job due now with a fresh run of attempts, whatever it came to (an operator's retry); a
     * running one is left alone (its attempt is the retry). Answers whether it is queued now.
     */
    public boolean requeue(Connection connection, String type, String key) throws SQLException {
        return JobStore.requeue(connection, type, key);
    }

    /** Queued jobs of these keys that were deferred are due now: what they waited for has happened. */
    public int wake(Connection connection, String type, Collection<String> keys) throws SQLException {
        return keys.isEmpty() ? 0 : JobStore.wake(connection, type, keys);
    }

    /** After the commit that enqueued or requeued jobs: look for due jobs now. */
    public void wake() {
        runner.wake();
    }

    /** Jobs newest first, before {@code beforeId} when given, filtered by state and type when given. */
    public Page<Job> list(JobState state, String type, Long beforeId, int limit) {
        return store.list(state, type, beforeId, limit);
    }

    public Optional<Job> find(String type, String key) {
        return store.find(type, key);
    }

    /** Stops the runner; attempts in flight finish or are handed back. */
    @Override
    public void close() {
        runner.close();
    }
}
