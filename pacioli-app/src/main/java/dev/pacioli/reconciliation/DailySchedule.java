package dev.pacioli.reconciliation;

import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily run: for each ledger's schedule, once its local time passes {@code at}, matching runs for
 * each scheduled account over the day before (local date), and unmatched lines older than
 * {@link #AGED_DAYS} days raise an alert.
 *
 * <p>Once across instances twice over: one recurring job ({@value #JOB}) is claimed by one runner at a
 * time, and the day itself is claimed by inserting {@code (ledger, day)} into {@code recon_daily_runs}
 * — a second instance (or the same one after a crash and a retry) finds the row and does nothing. A run
 * that failed after its claim is not repeated by the schedule; an operator runs it by hand.
 */
final class DailySchedule {
    static final String JOB = "reconciliation.daily";
    static final int AGED_DAYS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(DailySchedule.class);

    private final Reconciliation reconciliation;
    private final DailyStore store;
    private final DataSource dataSource;
    private final Alerts alerts;
    private final Supplier<Instant> clock;
    private final String runner;

    DailySchedule(
            Reconciliation reconciliation,
            DailyStore store,
            DataSource dataSource,
            Alerts alerts,
            Supplier<Instant> clock,
            String runner) {
        this.reconciliation = reconciliation;
        this.store = store;
        this.dataSource = dataSource;
        this.alerts = alerts;
        this.clock = clock;
        this.runner = runner;
    }

    void start(Jobs jobs) {
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofMinutes(5),
                Integer.MAX_VALUE,
                Backoff.exponential(Duration.ofMinutes(1), Duration.ofMinutes(5), 0.2),
                this::sweep));
        Transactions.run(dataSource, "could not schedule the daily reconciliation", connection -> {
            jobs.enqueue(connection, JOB, "sweep");
            return null;
        });
    }

    private JobOutcome sweep(Claim job) {
        tick();
        return new JobOutcome.Deferred(Duration.ofMinutes(1), connection -> true);
    }

    /** Runs what is due now; answers the ledgers and days this call ran. */
    List<String> tick() {
        Instant now = clock.get();
        List<String> ran = new ArrayList<>();
        for (DailyStore.Schedule schedule : store.schedules()) {
            ZonedDateTime local = now.atZone(schedule.timeZone());
            if (local.toLocalTime().isBefore(schedule.at())) {
                continue;
            }
            LocalDate day = local.toLocalDate();
            if (!store.claimDay(schedule.ledger(), day, runner)) {
                continue;
            }
            ran.add(schedule.ledger() + " " + day);
            for (String account : schedule.accounts()) {
                try {
                    reconciliation.run(
                            schedule.ledger(), account, day.minusDays(1), day.minusDays(1), 2, "system:reconciliation");
                } catch (RuntimeException e) {
                    LOG.warn("the daily reconciliation of {} in {} failed", account, schedule.ledger(), e);
                }
                alertAged(schedule.ledger(), account, day);
            }
        }
        return ran;
    }

    private void alertAged(String ledger, String account, LocalDate day) {
        int aged = Transactions.run(
                dataSource,
                "could not count aged lines",
                connection -> StatementStore.lines(
                                connection,
                                ledger,
                                account,
                                LocalDate.of(1970, 1, 1),
                                day.minusDays(AGED_DAYS + 1),
                                "unmatched",
                                "proposed")
                        .size());
        String key = "recon-aged:" + ledger + "/" + account;
        if (aged > 0) {
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    Reconciliation.ALERT_CATEGORY,
                    key,
                    aged + " statement lines of " + account + " in " + ledger + " unmatched for more than " + AGED_DAYS
                            + " days",
                    null,
                    "account:" + ledger + "/" + account));
        } else {
            alerts.resolve(key);
        }
    }
}
