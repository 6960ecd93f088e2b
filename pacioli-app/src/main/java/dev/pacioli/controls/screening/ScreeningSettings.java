package dev.pacioli.controls.screening;

import java.time.Duration;

/**
 * Screening's settings.
 *
 * @param threshold a name scoring at least this is a hit ({@code PACIOLI_SCREENING_THRESHOLD}, 0.5 to 1)
 * @param refresh how stale an instance's copy of the lists may be when another instance loads one
 */
public record ScreeningSettings(double threshold, Duration refresh) {
    public static final double THRESHOLD_DEFAULT = 0.92;
    public static final double THRESHOLD_MIN = 0.5;
    public static final ScreeningSettings DEFAULTS = new ScreeningSettings(THRESHOLD_DEFAULT, Duration.ofSeconds(1));

    public ScreeningSettings {
        if (!(threshold >= THRESHOLD_MIN && threshold <= 1.0)) {
            throw new IllegalArgumentException("the screening threshold is from 0.5 to 1; got " + threshold);
        }
        if (refresh == null || refresh.isNegative()) {
            throw new IllegalArgumentException("the lists' refresh interval is zero or more");
        }
    }
}
