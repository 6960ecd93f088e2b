package dev.pacioli.controls;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * How the controls are read.
 *
 * @param refresh how often the mode and the stop are read from the database
 * @param maxAge how old the last healthy read may be before the effective mode falls to dry (the
 *     contract's "cached at most 1 s")
 * @param healthyReads consecutive healthy reads after a failed one before the effective mode may be live
 *     again
 * @param gateConnections the controls' own connections: one per submission in flight, plus the reader
 * @param jdbcUrl how the controls' connections reach the database from the service's JDBC URL (the
 *     identity in production; a test puts a proxy in between to cut them alone)
 */
public record ControlSettings(
        Duration refresh, Duration maxAge, int healthyReads, int gateConnections, UnaryOperator<String> jdbcUrl) {
    public static final ControlSettings DEFAULTS =
            new ControlSettings(Duration.ofMillis(200), Duration.ofSeconds(1), 3, 20, UnaryOperator.identity());

    public ControlSettings {
        if (refresh.isNegative() || refresh.isZero() || maxAge.compareTo(refresh) <= 0 || healthyReads < 1) {
            throw new IllegalArgumentException("controls: refresh must be positive and shorter than maxAge");
        }
    }

    public ControlSettings withJdbcUrl(UnaryOperator<String> rewrite) {
        return new ControlSettings(refresh, maxAge, healthyReads, gateConnections, rewrite);
    }
}
