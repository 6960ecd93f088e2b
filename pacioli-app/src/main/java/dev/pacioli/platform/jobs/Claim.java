package dev.pacioli.platform.jobs;

/**
 * A job a runner holds: leased to {@code runner}, on its {@code attempt}th attempt. The pair is the
 * lease's fencing token: every outcome is recorded only while the row still names this runner and
 * this attempt, so a runner whose lease ran out (and whose job another runner claimed) records nothing.
 */
public record Claim(long id, String type, String key, int attempt, String runner) {}
