package dev.pacioli.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the payments section: what was counted per second over the measured window, and what
 * the checks found. As for transfers, a row whose checks fail reports 0 per second.
 *
 * @param database embedded or external
 * @param what the thing counted: payouts created, payouts paid, webhooks accepted, deposits recorded
 * @param clients concurrent HTTP clients
 * @param perSecond the count per second over the measured window
 * @param counted how many over the whole run (warm-up included)
 * @param latency p50/p99/p99.9 in milliseconds (per request, or creation to paid), or null
 * @param rejected answers other than the expected one, by code
 * @param check "ok", or what failed
 * @param detail more of what was seen (the tail's drain, the samples checked), for the report
 */
record PaymentMeasurement(
        String database,
        String what,
        int clients,
        double perSecond,
        long counted,
        Measurement.Latency latency,
        Map<String, Long> rejected,
        String check,
        String detail) {
    PaymentMeasurement {
        rejected = new TreeMap<>(rejected);
    }

    boolean ok() {
        return check.equals("ok");
    }

    double countedPerSecond() {
        return ok() ? perSecond : 0;
    }
}
