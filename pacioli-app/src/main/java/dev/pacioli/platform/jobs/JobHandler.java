package dev.pacioli.platform.jobs;

/** Runs one attempt of a job of one type. Throwing is a failed attempt whose error is the exception. */
@FunctionalInterface
public interface JobHandler {
    JobOutcome run(Claim job) throws Exception;
}
