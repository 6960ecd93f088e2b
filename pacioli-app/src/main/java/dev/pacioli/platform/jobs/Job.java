package dev.pacioli.platform.jobs;

/**
 * One job, as stored: what {@code GET /v1/jobs} shows.
 *
 * @param key the object the job is about (a delivery, a payout); unique per type
 * @param attempts claims made so far (each counts before it runs)
 * @param runAtMicros when queued: when it is due; when running: when its lease ends; else null
 * @param runner the runner holding it while running, else null
 * @param finishedAtMicros when it succeeded or failed for good, else null
 */
public record Job(
        long id,
        String type,
        String key,
        JobState state,
        int attempts,
        Long runAtMicros,
        String runner,
        String lastError,
        long createdAtMicros,
        long updatedAtMicros,
        Long finishedAtMicros) {}
