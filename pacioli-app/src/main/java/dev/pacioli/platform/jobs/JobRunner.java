package dev.pacioli.platform.jobs;

import dev.pacioli.platform.WriteForwarding;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due jobs and runs them: one loop thread, and one virtual thread per attempt.
 *
 * <p>Each round the loop renews the leases of the attempts in flight (every third of the type's lease),
 * deletes a bounded number of succeeded jobs past their retention (once a minute), and claims, per
 * registered type, as many due jobs as the type has free permits (a {@link Semaphore} of its
 * concurrency). Then it sleeps until the poll interval passes, the earliest retry it scheduled itself
 * falls due, or it is woken: by {@link #wake()} (a job enqueued in this process has committed) or by an
 * attempt ending (a permit is free). So work enqueued here starts at once, and the poll only bounds
 * how late work from another instance, or of a runner that died, is noticed.
 *
 * <p>A runner has an id of its own ({@code <pid>-<random hex>}); a claim records it with the attempt
 * number, and every outcome is fenced by both (see {@link JobStore}). Two runners on one database,
 * in one process or two, therefore never hold one job at once, and a runner that lost its lease (it
 * stalled past it, or lost the database) writes nothing when it comes back.
 */
final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Succeeded jobs deleted per purge, and how often one runs. */
    static final int PURGE_ROWS_MAX = 1_000;

    private static final long PURGE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** How long close waits for attempts in flight before interrupting them. */
    private static final Duration CLOSE_WAIT_MAX = Duration.ofSeconds(10);
    /** How long a job whose ledger another instance writes waits before it is claimable again. */
    private static final Duration WRITER_ELSEWHERE_DELAY = Duration.ofMillis(500);

    private record Registered(JobType type, Semaphore permits, long[] renewedAtNanos) {}

    private final JobStore store;
    private final JobSettings settings;
    private final JobMetrics metrics;
    private final String id;
    private final Map<String, Registered> types = new ConcurrentHashMap<>();
    private final Map<Long, Claim> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pacioli-job-", 0).factory());
    private final Thread loop;
    private final Object signal = new Object();
    private boolean signalled;
    private boolean retryScheduled;
    private long nextDueNanos;
    private long purgedAtNanos;
    private volatile boolean running = true;

    JobRunner(JobStore store, JobSettings settings, JobMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        this.id = ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        this.loop = Thread.ofPlatform().name("pacioli-jobs").daemon().unstarted(this::run);
    }

    String id() {
        return id;
    }

    void register(JobType type) {
        Registered registered = new Registered(type, new Semaphore(type.concurrency()), new long[] {System.nanoTime()});
        if (types.putIfAbsent(type.name(), registered) != null) {
            throw new IllegalStateException("job type " + type.name() + " is registered twice");
        }
        wake();
    }

    void start() {
        loop.start();
    }

    /** Look for due jobs now (one was enqueued and committed, or a permit came free). */
    void wake() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                renewLeases();
                purge();
                types.values().forEach(this::claim);
                failures = 0;
            } catch (RuntimeException e) {
                // The database is away, most likely. Say so once in a while, and keep trying.
                if (failures++ % 20 == 0) {
                    LOG.warn("job runner round failed; retrying: {}", e.getMessage());
                }
            }
            if (!await()) {
                return;
            }
        }
    }

    /** Sleeps until woken, the poll interval passes, or the earliest retry it scheduled falls due. */
    private boolean await() {
        synchronized (signal) {
            long now = System.nanoTime();
            if (!signalled) {
                long waitNanos = settings.pollInterval().toNanos();
                if (retryScheduled) {
                    waitNanos = Math.min(waitNanos, nextDueNanos - now);
                }
                try {
                    if (waitNanos > 0) {
                        TimeUnit.NANOSECONDS.timedWait(signal, waitNanos);
                    }
                } catch (InterruptedException e) {
                    return false;
                }
            }
            signalled = false;
            if (retryScheduled && System.nanoTime() - nextDueNanos >= 0) {
                retryScheduled = false;
            }
            return true;
        }
    }

    private void dueIn(double seconds) {
        long at = System.nanoTime() + (long) (seconds * 1e9);
        synchronized (signal) {
            if (!retryScheduled || at - nextDueNanos < 0) {
                retryScheduled = true;
                nextDueNanos = at;
                signal.notifyAll();
            }
        }
    }

    private void claim(Registered registered) {
        int free = registered.permits().availablePermits();
        if (free == 0 || !running) {
            return;
        }
        JobType type = registered.type();
        for (Claim claim : store.claim(type.name(), free, seconds(type.lease()), id)) {
            registered.permits().acquireUninterruptibly();
            inFlight.put(claim.id(), claim);
            try {
                attempts.execute(() -> attempt(registered, claim));
            } catch (RejectedExecutionException e) {
                inFlight.remove(claim.id()); // shutting down: the lease brings the job back
                registered.permits().release();
            }
        }
    }

    private void attempt(Registered registered, Claim claim) {
        JobType type = registered.type();
        try {
            JobOutcome outcome;
            try {
                outcome = type.handler().run(claim);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = new JobOutcome.Abandoned();
            } catch (Exception e) {
                outcome = WriteForwarding.isWriterElsewhere(e)
                        // Its ledger is written by another instance: not an attempt; that instance's
                        // runner takes it (or this one, once it writes the ledger).
                        ? new JobOutcome.Deferred(WRITER_ELSEWHERE_DELAY, connection -> true)
                        : JobOutcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            record(type, claim, outcome);
        } catch (RuntimeException e) {
            // Unrecorded (the database is away, or a bug in the effects): the lease brings the job back.
            LOG.warn("job {} ({} {}) could not be recorded: {}", claim.id(), type.name(), claim.key(), e.toString());
        } finally {
            inFlight.remove(claim.id());
            registered.permits().release();
            wake();
        }
    }

    private void record(JobType type, Claim claim, JobOutcome outcome) {
        String recorded = switch (outcome) {
            case JobOutcome.Succeeded succeeded -> store.succeed(claim, succeeded.effects()) ? "succeeded" : "fenced";
            case JobOutcome.Failed failed -> recordFailure(type, claim, failed);
            case JobOutcome.Deferred deferred -> {
                double wait = seconds(deferred.delay());
                yield store.defer(claim, wait, deferred.stillWaiting()) ? "deferred" : "fenced";
            }
            case JobOutcome.Abandoned abandoned -> {
                store.release(List.of(claim.id()), id);
                yield "abandoned";
            }
        };
        metrics.attempt(type.name(), recorded);
        if (recorded.equals("fenced")) {
            LOG.atWarn()
                    .addKeyValue("job", claim.id())
                    .log(
                            "job {} ({} {}): attempt {} ended after its lease passed to another runner; not recorded",
                            claim.id(),
                            type.name(),
                            claim.key(),
                            claim.attempt());
        }
    }

    private String recordFailure(JobType type, Claim claim, JobOutcome.Failed failed) {
        Double retry = null;
        if (claim.attempt() < type.attemptsMax()) {
            double wait = type.backoff().waitSeconds(claim.attempt());
            retry = failed.notBefore() == null ? wait : Math.max(wait, seconds(failed.notBefore()));
        }
        if (!store.fail(claim, failed.error(), retry, failed.effects())) {
            return "fenced";
        }
        if (retry == null) {
            LOG.atWarn()
                    .addKeyValue("job", claim.id())
                    .log(
                            "job {} ({} {}) failed for good after {} attempts: {}",
                            claim.id(),
                            type.name(),
                            claim.key(),
                            claim.attempt(),
                            failed.error());
            return "failed";
        }
        dueIn(retry);
        return "retrying";
    }

    private void renewLeases() {
        long now = System.nanoTime();
        for (Registered registered : types.values()) {
            JobType type = registered.type();
            if (now - registered.renewedAtNanos()[0] < type.lease().toNanos() / 3) {
                continue;
            }
            registered.renewedAtNanos()[0] = now;
            List<Long> ids = inFlight.values().stream()
                    .filter(claim -> claim.type().equals(type.name()))
                    .map(Claim::id)
                    .toList();
            if (!ids.isEmpty()) {
                store.renew(ids, id, seconds(type.lease()));
            }
        }
    }

    private void purge() {
        long now = System.nanoTime();
        if (purgedAtNanos != 0 && now - purgedAtNanos < PURGE_EVERY_NANOS) {
            return;
        }
        purgedAtNanos = now;
        store.purge(settings.retention().toSeconds(), PURGE_ROWS_MAX);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /**
     * Stops claiming; attempts in flight get a little time to finish and record their outcome, then
     * are interrupted, and those still unrecorded are handed back (due at once, the attempt not
     * counted) so another instance need not wait for their leases.
     */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(CLOSE_WAIT_MAX.toMillis());
            attempts.shutdown();
            if (!attempts.awaitTermination(CLOSE_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS)) {
                attempts.shutdownNow();
                attempts.awaitTermination(CLOSE_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            attempts.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (!inFlight.isEmpty()) {
            try {
                store.release(List.copyOf(inFlight.keySet()), id);
            } catch (RuntimeException e) {
                LOG.warn("could not hand back {} jobs; their leases will: {}", inFlight.size(), e.getMessage());
            }
        }
    }
}
