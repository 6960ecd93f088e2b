package dev.pacioli.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the execute step's benchmark ({@code ExecuteBenchmark}) in a forked JVM with {@code -prof gc} and reads back its numbers. */
final class JmhRun {
    record Row(String workload, double transfersPerSecond, double bytesPerTransfer, String command) {}

    private JmhRun() {}

    /** With {@code limits} above 0, the execute step under that many limits per account too. */
    static List<Row> run(boolean quick, int limits) throws RunnerException {
        int iterations = quick ? 2 : 5;
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(BenchmarkInputs.EXECUTE_BENCHMARK + "\\.");
        if (limits > 0) {
            // At the benchmark's own 3 limits per account: JMH refuses a parameter some benchmarks lack.
            builder.include(BenchmarkInputs.EXECUTE_UNDER_LIMITS_BENCHMARK + "\\.");
        }
        Options options = builder.forks(1)
                .warmupIterations(quick ? 2 : 4)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .addProfiler(GCProfiler.class)
                // Pre-touched: the kernel maps and zeroes the heap's pages at start, not the first time the
                // allocator reaches each one. The execute step allocates about 140 bytes per transfer, so
                // a few seconds of warm-up never reach the end of a young generation of a gigabyte, and
                // without this the measured iterations paid page faults a running service pays once.
                .jvmArgsAppend("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        String command = "JMH 1.37, 1 fork, " + (quick ? 2 : 4) + "x" + (quick ? 1 : 2) + " s warm-up, " + iterations
                + "x" + (quick ? 1 : 2) + " s measured, -prof gc, -Xmx2g, -XX:+AlwaysPreTouch";
        List<Row> rows = new ArrayList<>();
        for (RunResult result : results) {
            String workload = result.getParams().getParam("workload");
            if (result.getParams().getBenchmark().startsWith(BenchmarkInputs.EXECUTE_UNDER_LIMITS_BENCHMARK)) {
                workload += " + " + result.getParams().getParam("limits") + " limits";
            }
            double batchesPerSecond = result.getPrimaryResult().getScore();
            Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
            double bytes = allocated == null ? -1 : allocated.getScore() / BenchmarkInputs.EXECUTE_TRANSFERS;
            rows.add(new Row(workload, batchesPerSecond * BenchmarkInputs.EXECUTE_TRANSFERS, bytes, command));
        }
        return rows;
    }
}
