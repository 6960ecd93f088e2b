package dev.pacioli.custody;

import java.time.Duration;
import java.util.Map;

/**
 * How custody watches its chain transactions.
 *
 * @param monitorEvery how often the monitor looks at unfinished transactions, gas and balances
 *     ({@code PACIOLI_CUSTODY_MONITOR_INTERVAL}, milliseconds; 15 s)
 * @param pendingAfter a broadcast transaction unmined this long is alerted on and replaced
 *     ({@code PACIOLI_CUSTODY_PENDING_AFTER}, milliseconds; 5 min)
 * @param replacementsMax replacements of one transaction at most, each +12.5 % on both fees
 *     ({@code PACIOLI_CUSTODY_REPLACEMENTS_MAX}; 5, so at most about 1.8 times the first fees)
 * @param poll how often a worker asks the node for a receipt ({@code PACIOLI_CUSTODY_RECEIPT_POLL},
 *     milliseconds; 2 s)
 */
public record ChainSettings(Duration monitorEvery, Duration pendingAfter, int replacementsMax, Duration poll) {
    // Before DEFAULTS: static fields start in order, and DEFAULTS's constructor checks against them.
    private static final Duration SHORTEST = Duration.ofMillis(20);
    private static final Duration LONGEST = Duration.ofDays(1);
    public static final ChainSettings DEFAULTS =
            new ChainSettings(Duration.ofSeconds(15), Duration.ofMinutes(5), 5, Duration.ofSeconds(2));
    public static final int REPLACEMENTS_MAX = 50;

    public ChainSettings {
        require(monitorEvery, "PACIOLI_CUSTODY_MONITOR_INTERVAL");
        require(pendingAfter, "PACIOLI_CUSTODY_PENDING_AFTER");
        require(poll, "PACIOLI_CUSTODY_RECEIPT_POLL");
        if (replacementsMax < 0 || replacementsMax > REPLACEMENTS_MAX) {
            throw new IllegalArgumentException("PACIOLI_CUSTODY_REPLACEMENTS_MAX is 0 to " + REPLACEMENTS_MAX);
        }
    }

    private static void require(Duration value, String variable) {
        if (value == null || value.compareTo(SHORTEST) < 0 || value.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(variable + " is " + SHORTEST.toMillis() + " ms to a day");
        }
    }

    static ChainSettings of(Map<String, String> environment) {
        return new ChainSettings(
                Duration.ofMillis(CustodySettings.number(
                        environment, "PACIOLI_CUSTODY_MONITOR_INTERVAL", DEFAULTS.monitorEvery.toMillis())),
                Duration.ofMillis(CustodySettings.number(
                        environment, "PACIOLI_CUSTODY_PENDING_AFTER", DEFAULTS.pendingAfter.toMillis())),
                (int) CustodySettings.number(environment, "PACIOLI_CUSTODY_REPLACEMENTS_MAX", DEFAULTS.replacementsMax),
                Duration.ofMillis(
                        CustodySettings.number(environment, "PACIOLI_CUSTODY_RECEIPT_POLL", DEFAULTS.poll.toMillis())));
    }
}
