package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.JobSettings;
import dev.pacioli.platform.jobs.JobState;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scheduled backups with a clock the test moves: a backup when the newest is {@code every} old (or
 * there is none), retention of the newest {@code keep}, the age, the alerts (a failed backup at once;
 * none for twice the interval), each resolved by the next good backup; and the settings' refusals.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class BackupScheduleTest {
    private static final Duration EVERY = Duration.ofMinutes(10);

    private final Database own;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T10:00:00Z"));
    private final Map<String, Alerts.Raise> open = new ConcurrentHashMap<>();
    /** The alerts as the service keeps them: open by dedupe key until resolved. */
    private final Alerts alerts = new Alerts() {
        @Override
        public void raise(Raise raise) {
            open.put(raise.dedupeKey(), raise);
        }

        @Override
        public void resolve(String dedupeKey) {
            open.remove(dedupeKey);
        }
    };

    BackupScheduleTest(TestDatabases.TestDatabase database) {
        this.own = TestDatabases.ownSchema(database.database(), "pacioli_backups", 4);
    }

    @AfterEach
    void drop() {
        TestDatabases.drop(own);
    }

    private BackupSchedule schedule(Path directory, String schema) {
        return new BackupSchedule(
                own.dataSource(),
                schema,
                new BackupSchedule.Settings(directory, EVERY, 2, false),
                alerts,
                () -> null,
                now::get);
    }

    private void advance(Duration by) {
        now.updateAndGet(at -> at.plus(by));
    }

    @Test
    void backsUpWhenDueKeepsTheNewestAndAlertsWhenStale(@TempDir Path directory) throws Exception {
        BackupSchedule schedule = schedule(directory, own.schema());
        Path first = schedule.tick();
        assertThat(first).exists().hasFileName("pacioli-20261205T100000Z.zip");
        assertThat(schedule.age()).isZero();
        advance(Duration.ofMinutes(9));
        assertThat(schedule.tick()).as("not due yet").isNull();
        advance(Duration.ofMinutes(1));
        Path second = schedule.tick();
        advance(EVERY);
        Path third = schedule.tick();
        assertThat(schedule.backups()).containsExactly(second, third);
        assertThat(open).isEmpty();
        // Backups that fail (a schema that is not there): a warning at once, critical past twice the interval.
        BackupSchedule failing = schedule(directory, "no_such_schema");
        advance(EVERY);
        assertThat(failing.tick()).isNull();
        assertThat(open).containsOnlyKeys(BackupSchedule.FAILED_KEY);
        advance(EVERY.plusSeconds(1));
        failing.tick();
        assertThat(open).containsOnlyKeys(BackupSchedule.FAILED_KEY, BackupSchedule.STALE_KEY);
        assertThat(open.get(BackupSchedule.STALE_KEY).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(schedule.age()).isEqualTo(EVERY.multipliedBy(2).plusSeconds(1));
        // The next good backup resolves both, and the oldest goes.
        Path fourth = schedule.tick();
        assertThat(open).isEmpty();
        assertThat(schedule.backups()).containsExactly(third, fourth);
        try (var entries = Files.list(directory)) {
            assertThat(entries).containsExactlyInAnyOrder(third, fourth);
        }
    }

    /**
     * Two instances' job runners with the schedule started on each, one directory: the job is claimed
     * by one of them, one backup is written, and each instance's gauge reads its age from the files.
     */
    @Test
    void twoInstancesTakeOneBackup(@TempDir Path directory) throws Exception {
        JobSettings fast = new JobSettings(Duration.ofMillis(50), Duration.ofDays(1));
        ServiceMetrics first = new ServiceMetrics();
        ServiceMetrics second = new ServiceMetrics();
        Jobs one = new Jobs(own.dataSource(), fast, first);
        Jobs other = new Jobs(own.dataSource(), fast, second);
        try {
            one.start();
            other.start();
            schedule(directory, own.schema()).start(one, first.registry());
            schedule(directory, own.schema()).start(other, second.registry());
            Await.until("the job deferred after its backup", Duration.ofSeconds(20), () -> deferred(one));
            try (var entries = Files.list(directory)) {
                assertThat(entries).hasSize(1);
            }
            assertThat(first.scrape()).contains("pacioli_backup_age_seconds 0.0");
            assertThat(second.scrape()).contains("pacioli_backup_age_seconds 0.0");
        } finally {
            one.close();
            other.close();
        }
    }

    /** The backup job ran once and now waits for its next look. */
    private static boolean deferred(Jobs jobs) {
        return jobs.list(JobState.QUEUED, BackupSchedule.JOB, null, 10).items().stream()
                .anyMatch(job ->
                        job.runAtMicros() != null && job.runAtMicros() > (System.currentTimeMillis() + 10_000) * 1_000);
    }

    @Test
    void settingsAreCheckedAtStart() {
        assertThat(BackupSchedule.Settings.of(Map.of())).isNull();
        BackupSchedule.Settings settings = BackupSchedule.Settings.of(
                Map.of("PACIOLI_BACKUP_DIR", "/b", "PACIOLI_BACKUP_EVERY", "6h", "PACIOLI_BACKUP_KEEP", "14"));
        assertThat(settings).isEqualTo(new BackupSchedule.Settings(Path.of("/b"), Duration.ofHours(6), 14, false));
        assertThat(BackupSchedule.Settings.of(Map.of("PACIOLI_BACKUP_DIR", "/b")))
                .isEqualTo(new BackupSchedule.Settings(Path.of("/b"), Duration.ofHours(24), 7, false));
        assertThatThrownBy(() ->
                        BackupSchedule.Settings.of(Map.of("PACIOLI_BACKUP_DIR", "/b", "PACIOLI_BACKUP_EVERY", "6")))
                .hasMessageContaining("PACIOLI_BACKUP_EVERY is a whole number and a unit");
        assertThatThrownBy(() ->
                        BackupSchedule.Settings.of(Map.of("PACIOLI_BACKUP_DIR", "/b", "PACIOLI_BACKUP_EVERY", "30s")))
                .hasMessageContaining("at least 1m");
        assertThatThrownBy(() ->
                        BackupSchedule.Settings.of(Map.of("PACIOLI_BACKUP_DIR", "/b", "PACIOLI_BACKUP_KEEP", "0")))
                .hasMessageContaining("PACIOLI_BACKUP_KEEP is 1 to");
    }
}
