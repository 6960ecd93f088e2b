package dev.pacioli.bench;

import java.util.Arrays;

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
                    java.nio.file.Path.of("pacioli-bench", "target", "bench-data"),
                    external ? BenchOptions.EXTERNAL_DEFAULT : null);
            System.exit(0);
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
}
