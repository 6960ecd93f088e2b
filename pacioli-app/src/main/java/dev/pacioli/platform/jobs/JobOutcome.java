package dev.pacioli.platform.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What one attempt of a job came to. The effects given with an outcome run in the same database
 * transaction that records it, and only while the runner still holds the job's lease: a job's own
 * writes (a delivery marked succeeded, a payout marked submitted) happen once, with the job's end.
 */
public sealed interface JobOutcome {
    /** Writes made with the outcome, on its transaction. */
    @FunctionalInterface
    interface Effects {
        void apply(Connection connection) throws SQLException;
    }

    /** Writes made with a failed attempt, knowing the decision: due again in {@code retryInSeconds}, or dead (null). */
    @FunctionalInterface
    interface FailureEffects {
        void apply(Connection connection, Double retryInSeconds) throws SQLException;
    }

    /** Whether a deferred job should still wait, asked on the transaction that defers it. */
    @FunctionalInterface
    interface StillWaiting {
        boolean test(Connection connection) throws SQLException;
    }

    Effects NONE = connection -> {};

    /** Done. */
    record Succeeded(Effects effects) implements JobOutcome {}

    /**
     * The attempt failed: due again after the type's backoff (and not before {@code notBefore}, when
     * given), or failed for good when its attempts are spent.
     */
    record Failed(String error, Duration notBefore, FailureEffects effects) implements JobOutcome {}

    /**
     * Not attempted (what it is about cannot be done now, say a disabled endpoint): queued again after
     * {@code delay} without counting the attempt, unless {@code stillWaiting} says otherwise on the
     * deferring transaction (then it is due at once), which closes the race with whoever ends the wait.
     */
    record Deferred(Duration delay, StillWaiting stillWaiting) implements JobOutcome {}

    /** Stopped mid-attempt (shutting down): nothing is recorded; the lease brings the job back. */
    record Abandoned() implements JobOutcome {}

    static JobOutcome succeeded() {
        return new Succeeded(NONE);
    }

    static JobOutcome failed(String error) {
        return new Failed(error, null, (connection, retry) -> {});
    }
}
