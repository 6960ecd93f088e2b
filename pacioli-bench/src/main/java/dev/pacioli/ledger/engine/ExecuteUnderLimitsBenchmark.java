package dev.pacioli.ledger.engine;

import dev.pacioli.bench.BenchmarkInputs;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitSpec;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link ExecuteBenchmark} with {@link #limits} limits covering every user account ({@code
 * ./pacioli-bench/run --limits 3}): what checking and counting them costs the execute step. Each batch
 * commits 10 ms after the one before, so the windows roll and their rings stay at a steady size, as in
 * a running writer (the windows are scaled down to seconds here, not to fill the heap with hours).
 */
public class ExecuteUnderLimitsBenchmark extends ExecuteBenchmark {
    private static final long BATCH_MICROS = 10_000;

    @Param({"3"})
    public int limits;

    @Setup(Level.Trial)
    public void putLimits() {
        List<Limit> history = new ArrayList<>();
        for (LimitSpec spec : BenchmarkInputs.limits(limits)) {
            LimitSpec scaled = new LimitSpec(
                    spec.id(),
                    spec.accounts(),
                    spec.asset(),
                    spec.direction(),
                    spec.maxAmountPerTransaction(),
                    spec.windowSeconds() == null ? null : 1L,
                    spec.maxAmountPerWindow(),
                    spec.maxCountPerWindow());
            history.add(new Limit(spec.id(), 1, 0, 0, scaled));
        }
        memory.limits.rebuild(history);
    }

    /** Time moves on between batches, so movements leave the windows. */
    @Setup(Level.Invocation)
    public void tick() {
        memory.timestampMicros += BATCH_MICROS;
    }
}
