package dev.pacioli.platform.jobs;

/**
 * A job's state, stored as its {@link #code} (never its position).
 *
 * <table>
 *   <caption>Transitions</caption>
 *   <tr><th>from</th><th>to</th><th>when</th></tr>
 *   <tr><td>(none)</td><td>queued</td><td>enqueued, in the caller's transaction</td></tr>
 *   <tr><td>queued</td><td>running</td><td>claimed by a runner: leased, one attempt counted</td></tr>
 *   <tr><td>running</td><td>running</td><td>its lease ran out (the runner died) and a runner claimed it again</td></tr>
 *   <tr><td>running</td><td>succeeded</td><td>its handler succeeded, while the runner still held the lease</td></tr>
 *   <tr><td>running</td><td>queued</td><td>an attempt failed with attempts left (due after the backoff), or the
 *       handler deferred it (the attempt not counted)</td></tr>
 *   <tr><td>running</td><td>failed</td><td>an attempt failed and none are left: dead, kept visible</td></tr>
 *   <tr><td>queued, succeeded, failed</td><td>queued</td><td>requeued by its capability (a manual retry): due now,
 *       attempts from zero</td></tr>
 * </table>
 */
public enum JobState {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    public final String code;

    JobState(String code) {
        this.code = code;
    }

    /** The state of a stored code; throws on one that is not. */
    public static JobState ofCode(String code) {
        for (JobState state : values()) {
            if (state.code.equals(code)) {
                return state;
            }
        }
        throw new IllegalArgumentException("no job state '" + code + "'");
    }
}
