package dev.pacioli.platform.jobs;

import dev.pacioli.platform.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs' series, read from the table before each scrape (so every instance shows the same):
 *
 * <ul>
 *   <li>{@code pacioli_jobs{state}}: jobs queued, running, and failed for good (a failed job waits for
 *       someone: healthy is 0)
 *   <li>{@code pacioli_jobs_oldest_due_seconds}: how long the oldest due job has waited to be claimed
 *       (healthy: about the poll interval)
 *   <li>{@code pacioli_job_attempts_total{type,outcome}}: attempts by outcome ({@code succeeded},
 *       {@code retrying}, {@code failed}, {@code deferred}, and {@code fenced}: an outcome not recorded
 *       because the lease had passed to another runner, which only a lost lease causes)
 * </ul>
 */
final class JobMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(JobMetrics.class);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicReference<JobStore.Gauges> gauges = new AtomicReference<>(new JobStore.Gauges(Map.of(), 0));

    JobMetrics(ServiceMetrics metrics, Supplier<JobStore.Gauges> read) {
        this.registry = metrics.registry();
        for (JobState state : new JobState[] {JobState.QUEUED, JobState.RUNNING, JobState.FAILED}) {
            Gauge.builder("pacioli.jobs", gauges, now -> now.get().byState().getOrDefault(state, 0L))
                    .tag("state", state.code)
                    .description("jobs by state (succeeded ones are counted by pacioli_job_attempts_total)")
                    .register(registry);
        }
        Gauge.builder("pacioli.jobs.oldest.due", gauges, now -> now.get().oldestDueSeconds())
                .baseUnit("seconds")
                .description("how long the oldest due job has waited to be claimed")
                .register(registry);
        metrics.beforeScrape(() -> {
            try {
                gauges.set(read.get());
            } catch (RuntimeException e) {
                LOG.warn("could not read the jobs' gauges: {}", e.getMessage());
            }
        });
    }

    void attempt(String type, String outcome) {
        counters.computeIfAbsent(
                        type + ' ' + outcome,
                        key -> Counter.builder("pacioli.job.attempts")
                                .tag("type", type)
                                .tag("outcome", outcome)
                                .description("job attempts by type and outcome")
                                .register(registry))
                .increment();
    }
}
