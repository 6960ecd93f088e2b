package dev.pacioli.payments.execution;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.payments.payouts.PayoutStatus;
import dev.pacioli.payments.payouts.PayoutStore;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The payouts' deadlines (payments.md, Execution), checked by one recurring job across every instance
 * ({@value #JOB}): an approval window that passed expires the payout (its reserve voided); a payout
 * processing past the review deadline moves to {@code needs_review}, with a critical alert; one
 * approved but not submitted, or processing without a final status, for too long raises a warning,
 * resolved once it moves on. {@code pacioli_payouts_stuck{state}} gauges the late ones.
 */
public final class PayoutDeadlines {
    public static final String JOB = "payout.deadlines";
    private static final String KEY = "sweep";
    private static final String PRINCIPAL = "system:deadlines";
    private static final int BATCH_MAX = 1_000;

    private final DataSource dataSource;
    private final PayoutStore store;
    private final Alerts alerts;
    private final PaymentSettings settings;
    private final Map<PayoutStatus, AtomicLong> stuck = new EnumMap<>(PayoutStatus.class);
    private final Set<String> raised = new HashSet<>();

    public PayoutDeadlines(
            DataSource dataSource, PayoutStore store, Alerts alerts, PaymentSettings settings, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.store = store;
        this.alerts = alerts;
        this.settings = settings;
        for (PayoutStatus state : List.of(PayoutStatus.APPROVED, PayoutStatus.PROCESSING, PayoutStatus.NEEDS_REVIEW)) {
            AtomicLong count = new AtomicLong();
            stuck.put(state, count);
            Gauge.builder("pacioli_payouts_stuck", count, AtomicLong::get)
                    .description("payouts past their deadline in this state")
                    .tag("state", state.code())
                    .register(registry);
        }
    }

    /** Registers the sweep and makes sure its one job exists. */
    public void start(Jobs jobs) {
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofSeconds(60),
                Integer.MAX_VALUE,
                Backoff.exponential(settings.sweepEvery(), Duration.ofMinutes(1), 0.2),
                this::sweep));
        Transactions.run(dataSource, "could not schedule the payout deadlines", connection -> {
            jobs.enqueue(connection, JOB, KEY);
            return null;
        });
    }

    private JobOutcome sweep(Claim job) {
        for (String[] payout : late("requires_approval", "approval_expires_at < now()")) {
            store.transition(
                    payout[0],
                    payout[1],
                    PayoutStatus.EXPIRED,
                    PayoutStore.Guard.NONE,
                    PayoutStore.Change.failure("the approval window passed"),
                    PRINCIPAL,
                    null);
        }
        for (String[] payout : late("processing", olderThan(settings.reviewAfter()))) {
            PayoutStore.Outcome moved = store.transition(
                    payout[0],
                    payout[1],
                    PayoutStatus.NEEDS_REVIEW,
                    PayoutStore.Guard.NONE,
                    PayoutStore.Change.NONE,
                    PRINCIPAL,
                    null);
            if (moved instanceof PayoutStore.Outcome.Moved) {
                alerts.raise(new Alerts.Raise(
                        Severity.CRITICAL,
                        "payout.needs_review",
                        "payout-review:" + payout[0] + "/" + payout[1],
                        "payout " + payout[1] + " in " + payout[0] + " needs review",
                        "no final outcome from the provider within " + settings.reviewAfter()
                                + "; resolve it with POST .../resolve once the provider's answer is known",
                        "payout:" + payout[0] + "/" + payout[1]));
            }
        }
        Set<String> late = new HashSet<>();
        warn(
                late("approved", olderThan(settings.approvedAlertAfter())),
                PayoutStatus.APPROVED,
                late,
                "approved but not submitted within " + settings.approvedAlertAfter()
                        + " (workers down, or every connector it may use failing)");
        warn(
                late("processing", olderThan(settings.processingAlertAfter())),
                PayoutStatus.PROCESSING,
                late,
                "processing without a final status for " + settings.processingAlertAfter());
        stuck.get(PayoutStatus.NEEDS_REVIEW).set(late("needs_review", "true").size());
        synchronized (raised) {
            for (String key : raised) {
                if (!late.contains(key)) {
                    alerts.resolve(key);
                }
            }
            raised.clear();
            raised.addAll(late);
        }
        return new JobOutcome.Deferred(settings.sweepEvery(), connection -> true);
    }

    private void warn(List<String[]> payouts, PayoutStatus state, Set<String> late, String why) {
        stuck.get(state).set(payouts.size());
        for (String[] payout : payouts) {
            String key = "payout-stuck:" + payout[0] + "/" + payout[1];
            late.add(key);
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    "payout.stuck",
                    key,
                    "payout " + payout[1] + " in " + payout[0] + " is " + state.code() + " too long",
                    why,
                    "payout:" + payout[0] + "/" + payout[1]));
        }
    }

    private static String olderThan(Duration age) {
        return "status_since < now() - make_interval(secs => " + age.toMillis() / 1000.0 + ")";
    }

    /** (ledger, id) of up to {@value #BATCH_MAX} payouts in {@code status} meeting {@code condition}. */
    private List<String[]> late(String status, String condition) {
        String sql = "select ledger, id from payouts where status = ? and " + condition
                + " order by status_since limit " + BATCH_MAX;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, status);
            List<String[]> payouts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    payouts.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
            return payouts;
        } catch (SQLException e) {
            throw new StoreException("could not read the late payouts", e);
        }
    }
}
