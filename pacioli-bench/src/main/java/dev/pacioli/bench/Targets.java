package dev.pacioli.bench;

import java.util.Locale;

/** The targets, each judged against this run's numbers: met, missed, or not measured. */
final class Targets {
    private final Results results;
    private final int users;
    private final StringBuilder out = new StringBuilder();

    Targets(Results results, int users) {
        this.results = results;
        this.users = users;
    }

    void write(StringBuilder report) {
        out.append("## Targets (2-core machine, fsync and synchronous_commit on)\n\n");
        out.append("| target | database | measured | met |\n|---|---|---|---|\n");
        for (String database : results.servers.keySet()) {
            engineTargets(database);
            httpTargets(database);
        }
        for (JmhRun.Row row : results.jmh) {
            if (row.workload().equals("uniform")) {
                boolean met = row.transfersPerSecond() >= 2_000_000 && row.bytesPerTransfer() < 100;
                row(
                        "execute step ≥ 2,000,000 transfers/s, < 100 B allocated per transfer",
                        "—",
                        String.format(
                                Locale.ROOT, "%,.0f/s, %,.0f B", row.transfersPerSecond(), row.bytesPerTransfer()),
                        met);
            }
        }
        report.append(out).append('\n');
    }

    private void engineTargets(String database) {
        Measurement uniform = engine(database, Workload.UNIFORM);
        Measurement hotSource = engine(database, Workload.HOT_SOURCE);
        Measurement hotPair = engine(database, Workload.HOT_PAIR);
        Measurement baseline = results.find("baseline", "row-locking", database, Workload.HOT_SOURCE, users);
        if (uniform != null) {
            row(
                    "engine uniform ≥ 50,000 transfers/s",
                    database,
                    Report.rate(uniform) + "/s",
                    uniform.countedPerSecond() >= 50_000);
        }
        if (uniform != null && uniform.countedPerSecond() > 0) {
            for (Measurement hot : new Measurement[] {hotSource, hotPair}) {
                if (hot != null) {
                    double share = hot.countedPerSecond() / uniform.countedPerSecond();
                    row(
                            "engine " + hot.workload().label + " ≥ 80% of uniform",
                            database,
                            String.format(Locale.ROOT, "%.0f%%", share * 100),
                            share >= 0.8);
                }
            }
        }
        if (hotSource != null && baseline != null && baseline.countedPerSecond() > 0) {
            double ratio = hotSource.countedPerSecond() / baseline.countedPerSecond();
            row(
                    "engine hot-source ≥ 30× the baseline",
                    database,
                    String.format(Locale.ROOT, "%.1f×", ratio),
                    ratio >= 30);
        }
    }

    private void httpTargets(String database) {
        Measurement batch = results.find("pacioli", "http-batch", database, Workload.UNIFORM, users);
        Measurement single = results.find("pacioli", "http-single", database, Workload.UNIFORM, users);
        if (batch != null) {
            row(
                    "HTTP batch (uniform) ≥ 30,000 transfers/s",
                    database,
                    Report.rate(batch) + "/s",
                    batch.countedPerSecond() >= 30_000);
        }
        if (single != null) {
            double p99 = single.latency().p99Millis();
            row(
                    "HTTP single (uniform, 64 clients) ≥ 3,000/s with p99 < 50 ms",
                    database,
                    String.format(Locale.ROOT, "%s/s, p99 %.1f ms", Report.rate(single), p99),
                    single.countedPerSecond() >= 3_000 && p99 < 50);
        }
    }

    private Measurement engine(String database, Workload workload) {
        return results.find("pacioli", "engine", database, workload, users);
    }

    private void row(String target, String database, String measured, boolean met) {
        out.append("| ")
                .append(target)
                .append(" | ")
                .append(database)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }
}
