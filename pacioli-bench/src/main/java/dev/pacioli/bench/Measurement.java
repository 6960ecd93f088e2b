package dev.pacioli.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one run measured and what its checks found. A run whose checks fail reports 0 transfers per
 * second: a fast wrong answer counts as zero.
 *
 * @param system "pacioli" or "baseline"
 * @param mode how the load was applied: engine, http-batch, http-single, row-locking
 * @param database which PostgreSQL: embedded or external
 * @param accounts user accounts in the ledger
 * @param transfersPerSecond acknowledged transfers per second over the measured window
 * @param acknowledged transfers acknowledged as committed over the whole run (warm-up included)
 * @param committed transfers found committed in the database afterwards
 * @param rejected answers that were not a commit, by code
 * @param check "ok", or what failed
 * @param latency p50/p99/p99.9 in milliseconds per request, or null
 * @param diskBytesPerTransfer growth of the tables per acknowledged transfer, or -1
 * @param walBytesPerTransfer WAL written per acknowledged transfer, or -1
 * @param writer the engine's own account of its batches (engine mode), or null
 */
record Measurement(
        String system,
        String mode,
        String database,
        Workload workload,
        int accounts,
        double transfersPerSecond,
        long acknowledged,
        long committed,
        Map<String, Long> rejected,
        String check,
        Latency latency,
        double diskBytesPerTransfer,
        double walBytesPerTransfer,
        String writer) {
    record Latency(double p50Millis, double p99Millis, double p999Millis, long requests) {}

    Measurement {
        rejected = new TreeMap<>(rejected);
    }

    boolean ok() {
        return check.equals("ok") && acknowledged == committed;
    }

    /** Throughput as reported: zero unless every check passed. */
    double countedPerSecond() {
        return ok() ? transfersPerSecond : 0;
    }

    Measurement withDisk(double diskBytes, double walBytes, String writerSummary) {
        return new Measurement(
                system,
                mode,
                database,
                workload,
                accounts,
                transfersPerSecond,
                acknowledged,
                committed,
                rejected,
                check,
                latency,
                diskBytes,
                walBytes,
                writerSummary);
    }
}
