package dev.pacioli.bench;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.HttpServer;
import java.nio.file.Files;
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
            alone(args, "bench-data-clearing", ClearingRun.ADMIN_SECRET, ClearingRun::run);
            return;
        }
        if (List.of(args).contains("reconciliation")) {
            alone(args, "bench-data-reconciliation", ReconciliationRun.ADMIN_SECRET, ReconciliationRun::run);
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

    /** A section run alone against the service on {@code port}; answers its text for BENCHMARKS.md. */
    private interface Section {
        String run(int port, String loadBefore) throws Exception;
    }

    /**
     * {@code --only clearing|reconciliation [--data-dir DIR] [--output FILE]}: one section alone ({@link
     * ClearingRun}, {@link ReconciliationRun}) against the real service on loopback over the embedded
     * PostgreSQL, printed and, with {@code --output}, written to that file (not BENCHMARKS.md).
     */
    private static void alone(String[] args, String defaultDirectory, String adminSecret, Section section)
            throws Exception {
        Path dataDirectory = Path.of("pacioli-bench", "target", defaultDirectory);
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDirectory = Path.of(args[++i]);
                case "--output" -> output = Path.of(args[++i]);
                default -> {}
            }
        }
        String loadBefore = Machine.loadAverage();
        String text;
        try (Target target = Target.embedded(dataDirectory)) {
            HttpServer.Settings http = new HttpServer.Settings("127.0.0.1", 0, 0, 0, false);
            Service.Options options = new Service.Options(dataDirectory, adminSecret, http, EngineConfig.DEFAULTS);
            try (Service service = Service.start(target.database, options)) {
                text = section.run(service.port(), loadBefore);
            }
        }
        System.out.print(text);
        if (output != null) {
            Files.writeString(output, text);
        }
        System.exit(0);
    }
}
