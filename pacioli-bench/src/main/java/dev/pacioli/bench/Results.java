package dev.pacioli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one benchmark run produced, for the report. */
final class Results {
    final List<Measurement> measurements = new ArrayList<>();
    final List<JmhRun.Row> jmh = new ArrayList<>();
    final List<PaymentMeasurement> payments = new ArrayList<>();
    /** Per database: version, fsync, synchronous_commit, full_page_writes. */
    final Map<String, Map<String, String>> servers = new LinkedHashMap<>();

    final List<String> notes = new ArrayList<>();
    /** The screening run's section ({@link ScreeningRun}), or null when it did not run. */
    String screening;

    /** Load averages (1, 5, 15 min) when the suite started and ended. */
    String loadBefore = "unknown";

    String loadAfter = "unknown";

    synchronized void add(Measurement measurement) {
        measurements.add(measurement);
        System.out.println(Report.line(measurement));
    }

    synchronized void addPayments(List<PaymentMeasurement> rows) {
        for (PaymentMeasurement row : rows) {
            payments.add(row);
            System.out.println(Report.line(row));
        }
    }

    Measurement find(String system, String mode, String database, Workload workload, int accounts) {
        for (Measurement m : measurements) {
            if (m.system().equals(system)
                    && m.mode().startsWith(mode)
                    && m.database().equals(database)
                    && m.workload() == workload
                    && m.accounts() == accounts) {
                return m;
            }
        }
        return null;
    }
}
