package dev.pacioli.operations;

import com.google.crypto.tink.Aead;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups ({@code PACIOLI_BACKUP_DIR}, {@code _EVERY}, {@code _KEEP}): a {@link Backup} into
 * the directory whenever its newest is {@code every} old, the oldest removed beyond {@code keep}.
 *
 * <p>Once across instances: one recurring job ({@value #JOB}) that one runner claims at a time (the
 * platform's jobs, leased and fenced), which looks every minute at the directory's newest backup —
 * so the directory must be one that every instance sees (a shared volume), and the age is the files',
 * not an instance's memory: a restart, or another instance taking the job over, changes nothing.
 *
 * <p>Watching: {@code pacioli_backup_age_seconds} is the newest backup's age, read from the directory
 * at each scrape (with no backup yet: the time since this instance started the schedule); a backup
 * older than twice {@code every} raises a critical alert ({@value #CATEGORY}, dedupe key {@value
 * #STALE_KEY}), resolved by the next backup; a failed backup raises a warning ({@value #FAILED_KEY})
 * at once, resolved the same way.
 */
public final class BackupSchedule {
    public static final String JOB = "operations.backup";
    public static final String CATEGORY = "operations.backup";
    public static final String STALE_KEY = "operations.backup.stale";
    public static final String FAILED_KEY = "operations.backup.failed";
    /** How often the job looks at the directory: the alert's resolution and the schedule's precision. */
    static final Duration TICK_MAX = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("pacioli-(\\d{8}T\\d{6}Z)\\.zip(\\.aead)?");

    /**
     * @param directory where backups go ({@code PACIOLI_BACKUP_DIR})
     * @param every how often ({@code PACIOLI_BACKUP_EVERY}, default 24h)
     * @param keep how many stay ({@code PACIOLI_BACKUP_KEEP}, default 7)
     * @param encrypt under the custody KEK ({@code PACIOLI_BACKUP_ENCRYPT=true})
     */
    public record Settings(Path directory, Duration every, int keep, boolean encrypt) {
        public static final Duration EVERY_MIN = Duration.ofMinutes(1);
        public static final int KEEP_MAX = 10_000;

        public Settings {
            if (every.compareTo(EVERY_MIN) < 0) {
                throw new IllegalArgumentException("PACIOLI_BACKUP_EVERY is at least 1m; got " + every);
            }
            if (keep < 1 || keep > KEEP_MAX) {
                throw new IllegalArgumentException("PACIOLI_BACKUP_KEEP is 1 to " + KEEP_MAX + "; got " + keep);
            }
        }

        /** From the environment; null when {@code PACIOLI_BACKUP_DIR} is unset (no scheduled backups). */
        public static Settings of(Map<String, String> environment) {
            String directory = environment.get("PACIOLI_BACKUP_DIR");
            if (directory == null || directory.isBlank()) {
                return null;
            }
            String every = environment.getOrDefault("PACIOLI_BACKUP_EVERY", "24h");
            String keep = environment.getOrDefault("PACIOLI_BACKUP_KEEP", "7");
            if (!keep.trim().matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException("PACIOLI_BACKUP_KEEP is a count of backups; got '" + keep + "'");
            }
            return new Settings(
                    Path.of(directory),
                    duration(every),
                    Integer.parseInt(keep.trim()),
                    "true".equals(environment.get("PACIOLI_BACKUP_ENCRYPT")));
        }

        private static Duration duration(String text) {
            Matcher parts = Pattern.compile("([0-9]{1,9})([smhd])").matcher(text.trim());
            if (!parts.matches()) {
                throw new IllegalArgumentException(
                        "PACIOLI_BACKUP_EVERY is a whole number and a unit (s, m, h, d), such as 6h; got '" + text
                                + "'");
            }
            long amount = Long.parseLong(parts.group(1));
            return switch (parts.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }

    private final DataSource dataSource;
    private final String schema;
    private final Settings settings;
    private final Alerts alerts;
    private final Supplier<Aead> kek;
    private final Supplier<Instant> clock;
    private final Instant started;

    public BackupSchedule(
            DataSource dataSource,
            String schema,
            Settings settings,
            Alerts alerts,
            Supplier<Aead> kek,
            Supplier<Instant> clock) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.settings = settings;
        this.alerts = alerts;
        this.kek = kek;
        this.clock = clock;
        this.started = clock.get();
        try {
            Files.createDirectories(settings.directory());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "PACIOLI_BACKUP_DIR " + settings.directory() + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(settings.directory())) {
            throw new IllegalArgumentException("PACIOLI_BACKUP_DIR " + settings.directory() + " is not writable");
        }
    }

    /** Registers the job and its gauge, and enqueues the job (once: its key dedupes across instances). */
    public void start(Jobs jobs, MeterRegistry registry) {
        Gauge.builder("pacioli.backup.age", this, schedule -> schedule.age().toMillis() / 1_000.0)
                .baseUnit("seconds")
                .description("the newest scheduled backup's age (none yet: since the schedule started)")
                .register(registry);
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofMinutes(5),
                Integer.MAX_VALUE,
                Backoff.exponential(Duration.ofMinutes(1), Duration.ofMinutes(5), 0.2),
                this::sweep));
        Transactions.run(dataSource, "could not schedule backups", connection -> {
            jobs.enqueue(connection, JOB, "schedule");
            return null;
        });
        jobs.wake();
    }

    private JobOutcome sweep(Claim job) {
        tick();
        Duration wait = settings.every().compareTo(TICK_MAX) < 0 ? settings.every() : TICK_MAX;
        return new JobOutcome.Deferred(wait, connection -> true);
    }

    /** Backs up when due, prunes, and raises or resolves the age alert; answers the file written, if any. */
    Path tick() {
        Path written = null;
        if (age().compareTo(settings.every()) >= 0 || newest() == null) {
            written = backUp();
        }
        if (age().compareTo(settings.every().multipliedBy(2)) > 0) {
            alerts.raise(new Alerts.Raise(
                    Severity.CRITICAL,
                    CATEGORY,
                    STALE_KEY,
                    "the newest backup in " + settings.directory() + " is " + age().toSeconds() + " s old, over twice"
                            + " PACIOLI_BACKUP_EVERY (" + settings.every().toSeconds() + " s)",
                    null,
                    "backups:" + settings.directory()));
        } else if (newest() != null) {
            alerts.resolve(STALE_KEY);
        }
        return written;
    }

    private Path backUp() {
        Instant now = clock.get();
        Path file = settings.directory()
                .resolve("pacioli-" + NAME_TIME.format(now) + ".zip" + (settings.encrypt() ? ".aead" : ""));
        try {
            BackupManifest manifest = Backup.toFile(dataSource, schema, file, settings.encrypt() ? kek.get() : null);
            LOG.info(
                    "backed up {} ledger(s) at migration V{} to {}",
                    manifest.ledgers().size(),
                    manifest.migrationVersion(),
                    file);
            alerts.resolve(FAILED_KEY);
            prune();
            return file;
        } catch (RuntimeException e) {
            LOG.warn("the scheduled backup to {} failed", file, e);
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    CATEGORY,
                    FAILED_KEY,
                    "the scheduled backup to " + file + " failed: " + e.getMessage(),
                    null,
                    "backups:" + settings.directory()));
            return null;
        }
    }

    /** Keeps the newest {@code keep} backups, and removes what a crash left half written. */
    void prune() {
        List<Path> backups = backups();
        for (Path old : backups.subList(0, Math.max(0, backups.size() - settings.keep()))) {
            delete(old);
        }
        try (Stream<Path> files = Files.list(settings.directory())) {
            files.filter(file -> file.getFileName().toString().endsWith(".partial"))
                    .filter(file -> modified(file).isBefore(clock.get().minus(settings.every())))
                    .forEach(BackupSchedule::delete);
        } catch (IOException e) {
            LOG.warn("could not list {}", settings.directory(), e);
        }
    }

    /** The newest backup's age; with none, the time since the schedule started. */
    Duration age() {
        Instant newest = newest();
        return Duration.between(newest == null ? started : newest, clock.get());
    }

    private Instant newest() {
        List<Path> backups = backups();
        return backups.isEmpty() ? null : timeOf(backups.get(backups.size() - 1));
    }

    /** This schedule's backups in the directory, oldest first (their names sort by time). */
    List<Path> backups() {
        try (Stream<Path> files = Files.list(settings.directory())) {
            List<Path> found = new ArrayList<>(files.filter(
                            file -> NAME.matcher(file.getFileName().toString()).matches())
                    .toList());
            found.sort(Comparator.comparing(BackupSchedule::timeOf));
            return found;
        } catch (IOException e) {
            LOG.warn("could not list {}", settings.directory(), e);
            return List.of();
        }
    }

    private static Instant timeOf(Path file) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        try {
            return name.matches() ? Instant.from(NAME_TIME.parse(name.group(1))) : Instant.EPOCH;
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove the old backup {}", file, e);
        }
    }
}
