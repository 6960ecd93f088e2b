package dev.pacioli.platform.alerts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every alert notice to its channel, at least once.
 *
 * <p>One loop thread claims as many due deliveries as there are free permits (a {@link Semaphore} of
 * {@code concurrency}), leased in the database, and sends each on its own virtual thread. A delivery
 * that got through is marked succeeded — only then, so a crash before it means the attempt is made
 * again once its lease runs out. Anything else schedules the next attempt per the retry schedule with
 * jitter, until the schedule is exhausted and the delivery has failed; so a channel that is down
 * delays its alerts and loses none while the schedule lasts (about three days by default).
 *
 * <p>The loop looks for due work every poll interval, and at once when {@link #wake} is called (a
 * notice was just queued in this process). Several instances cooperate through the leases.
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final Duration CLOSE_WAIT_MAX = Duration.ofSeconds(10);

    private final DeliveryQueue queue;
    private final AlertSettings settings;
    private final AlertMetrics metrics;
    private final Senders senders;
    private final Semaphore permits;
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("pacioli-alert-", 0).factory());
    private final Thread loop;
    private volatile boolean running = true;

    private AlertDispatcher(DeliveryQueue queue, AlertSettings settings, AlertMetrics metrics) {
        this.queue = queue;
        this.settings = settings;
        this.metrics = metrics;
        this.senders = new Senders(settings);
        this.permits = new Semaphore(settings.concurrency());
        this.loop = Thread.ofPlatform().name("pacioli-alerts").daemon().unstarted(this::run);
    }

    public static AlertDispatcher start(DeliveryQueue queue, AlertSettings settings, AlertMetrics metrics) {
        AlertDispatcher dispatcher = new AlertDispatcher(queue, settings, metrics);
        dispatcher.loop.start();
        return dispatcher;
    }

    /** Look for due deliveries now rather than at the next poll. */
    public void wake() {
        LockSupport.unpark(loop);
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                deliverDue();
                failures = 0;
            } catch (RuntimeException e) {
                // The database is away, most likely. Say so once in a while, and keep trying.
                if (failures++ % 20 == 0) {
                    LOG.warn("alert dispatch failed; retrying: {}", e.getMessage());
                }
            }
            LockSupport.parkNanos(settings.pollInterval().toNanos());
        }
    }

    private void deliverDue() {
        int free = permits.drainPermits();
        if (free == 0) {
            return;
        }
        List<DeliveryQueue.Claimed> claimed;
        try {
            claimed = queue.claim(free, settings.lease());
        } catch (RuntimeException e) {
            permits.release(free);
            throw e;
        }
        permits.release(free - claimed.size());
        for (DeliveryQueue.Claimed delivery : claimed) {
            attempts.execute(() -> {
                try {
                    attempt(delivery);
                } finally {
                    permits.release();
                }
            });
        }
    }

    private void attempt(DeliveryQueue.Claimed delivery) {
        try {
            senders.send(delivery);
            queue.succeeded(delivery.id());
            metrics.delivered(delivery.channel().kind(), "succeeded");
        } catch (Senders.Undelivered e) {
            Duration wait = wait(delivery.attempts());
            queue.failed(delivery.id(), e.getMessage(), wait);
            metrics.delivered(delivery.channel().kind(), wait == null ? "failed" : "retried");
            LOG.atWarn()
                    .addKeyValue("alert", delivery.alert().id())
                    .addKeyValue("channel", delivery.channel().id())
                    .addKeyValue("attempt", delivery.attempts() + 1)
                    .log("alert delivery {}: {}", wait == null ? "failed for good" : "will be retried", e.getMessage());
        } catch (RuntimeException e) {
            // Recording the outcome failed (the database is away): the lease runs out and the
            // delivery is attempted again, which is the one repeat this design allows.
            LOG.warn("could not record an alert delivery's outcome: {}", e.getMessage());
        }
    }

    /** The wait before the next attempt after {@code attemptsBefore + 1} attempts, or null when done. */
    private Duration wait(int attemptsBefore) {
        List<Duration> schedule = settings.retrySchedule();
        if (attemptsBefore >= schedule.size()) {
            return null;
        }
        Duration base = schedule.get(attemptsBefore);
        double stretch =
                1 + settings.jitterFraction() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * stretch)));
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(loop);
        try {
            loop.join(CLOSE_WAIT_MAX.toMillis());
            attempts.shutdown();
            if (!attempts.awaitTermination(CLOSE_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS)) {
                attempts.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempts.shutdownNow();
        }
    }
}
