package dev.pacioli.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./pacioli-bench/run [--quick]}: runs the suite and writes BENCHMARKS.md (see {@link
 * BenchOptions} for the options). Every run is bounded in time and stops by itself.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--only") && args[1].equals("treasury")) {
            boolean external = !Arrays.asList(args).contains("--no-external");
            TreasuryRun.main(
                    Path.of("pacioli-bench", "target", "bench-data"), external ? BenchOptions.EXTERNAL_DEFAULT : null);
            System.exit(0);
            return;
        }
        if (List.of(args).contains("clearing")) {
            alone(args, "bench-data-clearing", ClearingRun::main);
            return;
        }
        if (List.of(args).contains("reconciliation")) {
            alone(args, "bench-data-reconciliation", ReconciliationRun::main);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        Results results = new Suite(options).run();
        new Report(options, results).write();
        System.out.printf(
                "wrote %s in %.0f s%n", options.output().toAbsolutePath(), (System.nanoTime() - started) / 1e9);
        // The service's and the pool's threads are gone; the embedded PostgreSQL was stopped with its database.
        System.exit(
                results.measurements.stream().allMatch(Measurement::ok)
                                && results.payments.stream().allMatch(PaymentMeasurement::ok)
                                && results.notes.isEmpty()
                        ? 0
                        : 1);
    }

    /** A section run alone: {@code main(dataDirectory, output)}. */
    private interface Section {
        void main(Path dataDirectory, Path output) throws Exception;
    }

    /**
     * {@code --only clearing|reconciliation [--data-dir DIR] [--output FILE]}: one section alone ({@link
     * ClearingRun}, {@link ReconciliationRun}), printed and, with {@code --output}, written to that file
     * (not BENCHMARKS.md).
     */
    private static void alone(String[] args, String defaultDirectory, Section section) throws Exception {
        Path dataDirectory = Path.of("pacioli-bench", "target", defaultDirectory);
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDirectory = Path.of(args[++i]);
                case "--output" -> output = Path.of(args[++i]);
                default -> {}
            }
        }
        section.main(dataDirectory, output);
        System.exit(0);
    }
}
