package dev.pacioli.bench;

import java.util.List;
import java.util.Map;

/**
 * The whole benchmark: on each database, the engine and the baseline on every workload, the HTTP
 * modes, the payments on loopback, then (embedded only) the scaling rows; then screening, in memory; finally JMH
 * of the execute step. A run that throws is
 * written down and the suite goes on.
 */
final class Suite {
    /** The workloads the HTTP modes run: the plain one and the hottest. */
    static final List<Workload> HTTP_WORKLOADS = List.of(Workload.UNIFORM, Workload.HOT_SOURCE);

    private final BenchOptions options;
    private final Results results = new Results();

    Suite(BenchOptions options) {
        this.options = options;
    }

    Results run() throws Exception {
        results.loadBefore = Machine.loadAverage();
        if (options.transfers() || options.payments()) {
            runOn("embedded", null);
            if (options.externalUrl() != null) {
                runOn("external", options.externalUrl());
            }
        }
        if (options.screening()) {
            attempt("screening", () -> {
                System.out.println("== screening, in memory");
                results.screening = new ScreeningRun().run(100_000, 10_000);
                System.out.print(results.screening);
            });
        }
        if (options.jmh()) {
            results.jmh.addAll(JmhRun.run(options.quick(), options.limits()));
        }
        results.loadAfter = Machine.loadAverage();
        return results;
    }

    private void runOn(String name, String url) {
        System.out.println("== " + name + " PostgreSQL");
        try (Target target = url == null ? Target.embedded(options.dataDirectory()) : Target.external(url)) {
            results.servers.put(
                    name,
                    Map.of(
                            "version", target.show("select version()"),
                            "fsync", target.show("show fsync"),
                            "synchronous_commit", target.show("show synchronous_commit"),
                            "full_page_writes", target.show("show full_page_writes")));
            Runs runs = new Runs(target, options.dataDirectory());
            int users = options.users();
            for (Workload workload : options.transfers() ? options.workloads() : List.<Workload>of()) {
                attempt(name + " engine " + workload.label, () -> runs.engine(workload, users, window()));
                if (options.limits() > 0) {
                    attempt(
                            name + " engine+limits " + workload.label,
                            () -> runs.engine(workload, users, window(), options.limits()));
                }
                attempt(
                        name + " baseline " + workload.label,
                        () -> runs.baseline(workload, users, window(), BaselineRun.WORKERS));
            }
            if (options.transfers() && options.http()) {
                for (Workload workload : HTTP_WORKLOADS) {
                    attempt(name + " http-batch " + workload.label, () -> runs.http(workload, users, window(), true));
                    attempt(name + " http-single " + workload.label, () -> runs.http(workload, users, window(), false));
                }
            }
            if (options.payments()) {
                attempt(name + " payments", () -> results.addPayments(runs.payments(window(), window())));
            }
            if (options.transfers() && url == null) {
                for (int scale : options.scaling()) {
                    attempt(name + " engine uniform " + scale, () -> runs.engine(Workload.UNIFORM, scale, window()));
                }
            }
        } catch (RuntimeException e) {
            results.notes.add(name + " PostgreSQL could not be used: " + e);
            System.out.println("!! " + name + ": " + e);
        }
    }

    private RunWindow window() {
        return new RunWindow(options.warmupSeconds(), options.measureSeconds());
    }

    interface Attempt {
        Measurement run() throws Exception;
    }

    private void attempt(String what, Attempt attempt) {
        attempt(what, () -> results.add(attempt.run()));
    }

    /** A run whose results it records itself; a failure is noted and printed, and the suite goes on. */
    interface Work {
        void run() throws Exception;
    }

    private void attempt(String what, Work work) {
        try {
            work.run();
        } catch (Exception e) {
            results.notes.add(what + " failed: " + e);
            System.out.println("!! " + what + " failed: " + e);
            e.printStackTrace(System.out);
        }
    }
}
