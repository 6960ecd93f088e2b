package dev.pacioli.clearing;

import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Windows that close (and settle) by themselves: {@code PUT .../clearing/schedule} (admin, audited)
 * and a durable job per ledger ({@value #JOB}, keyed by the ledger) that closes the open window once
 * it has been open {@code close_every_seconds}, settles it when {@code auto_settle}, and waits for the
 * next. The job runs once across instances (platform jobs); the close itself takes the ledger's
 * clearing-state lock like any other, so a scheduled close and a manual one cannot both close a window.
 */
public final class Schedule {
    static final String JOB = "clearing.window_cycle";
    private static final long EVERY_SECONDS_MAX = 86_400;

    private final ClearingStore store;
    private final Windows windows;
    private final Settlement settlement;
    private final Jobs jobs;

    public Schedule(ClearingStore store, Windows windows, Settlement settlement, Jobs jobs) {
        this.store = store;
        this.windows = windows;
        this.settlement = settlement;
        this.jobs = jobs;
        jobs.register(new JobType(
                JOB,
                1,
                Duration.ofSeconds(60),
                Integer.MAX_VALUE,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2),
                this::cycle));
    }

    public List<Route> routes() {
        return List.of(
                Route.put(ClearingRoutes.BASE + "/schedule", Role.ADMIN, this::put),
                Route.get(ClearingRoutes.BASE + "/schedule", Role.READER, this::get));
    }

    private Reply put(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, RequestReader.orNull("close_every_seconds"), "auto_settle");
        Long every = body.integerInRange("close_every_seconds", 1, EVERY_SECONDS_MAX);
        boolean autoSettle = body.flag("auto_settle", false);
        reader.finish();
        String ledger = call.path("ledger");
        Actor actor = Actor.of(call);
        ClearingStore.State after = Transactions.run(store.dataSource(), "could not put the schedule", connection -> {
            ClearingStore.State before = ClearingStore.lockState(connection, ledger);
            Integer seconds = every == null ? null : every.intValue();
            ClearingStore.putSchedule(connection, ledger, seconds, autoSettle);
            ClearingStore.State now = new ClearingStore.State(
                    ledger, before.openWindow(), before.windowNumber(), before.lastPosition(), seconds, autoSettle);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(AuditAction.CLEARING_SCHEDULE_CHANGED, ledger, json(before), json(now))
                            .inLedger(ledger));
            if (seconds != null) {
                jobs.requeue(connection, JOB, ledger);
            }
            return now;
        });
        jobs.wake();
        return reply(after);
    }

    private Reply get(Call call) {
        return reply(store.state(call.path("ledger")));
    }

    private static Reply reply(ClearingStore.State state) {
        return new Reply(200, Reply.JSON, json(state).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String json(ClearingStore.State state) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.number(
                    "close_every_seconds",
                    state.closeEverySeconds() == null
                            ? null
                            : state.closeEverySeconds().longValue());
            out.json.writeBooleanProperty("auto_settle", state.autoSettle());
            out.json.writeEndObject();
            return new String(out.toBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One turn of a ledger's cycle: close when due (and settle), then wait for the next close. */
    private JobOutcome cycle(Claim job) {
        String ledger = job.key();
        ClearingStore.State state = store.state(ledger);
        if (state.closeEverySeconds() == null) {
            return JobOutcome.succeeded();
        }
        if (store.dueLedgers().contains(ledger)) {
            Window closed = windows.closeCurrent(ledger, Actor.SYSTEM);
            if (state.autoSettle()) {
                try {
                    settlement.settle(ledger, closed.id(), Actor.SYSTEM);
                } catch (ApiException e) {
                    // The window stays closed; an operator settles it (the failure is recorded and alerted).
                }
            }
        }
        Window open = store.window(ledger, store.state(ledger).openWindow()).orElseThrow();
        long dueMicros = open.openedAtMicros() + state.closeEverySeconds() * 1_000_000L;
        long waitMillis = Math.max(10, (dueMicros - System.currentTimeMillis() * 1_000) / 1_000);
        return new JobOutcome.Deferred(Duration.ofMillis(waitMillis), connection -> true);
    }
}
