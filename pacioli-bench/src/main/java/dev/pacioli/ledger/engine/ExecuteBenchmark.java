package dev.pacioli.ledger.engine;

import dev.pacioli.bench.BenchmarkInputs;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The execute step alone, no storage: one writer batch of {@link #TRANSFERS} transfers (8 requests of
 * 1,000, as producers hand them over) applied to memory by {@link BatchExecutor}, then gathered into
 * the {@link BatchWrite} the commit would write. It lives in the engine's package to reach the
 * executor. One operation is one batch: transfers per second = ops/s x {@link #TRANSFERS}, and bytes
 * per transfer = {@code gc.alloc.rate.norm} / {@link #TRANSFERS}.
 *
 * <p>Transaction ids repeat across invocations: the executor forgets a batch's transactions when it
 * finishes (the store would have them), so each invocation creates them anew.
 *
 * <p>As in {@link LedgerEngine}, a batch's columns go back to the executor once its commit has
 * finished, for a later batch to reuse, and one batch executes while the one before it commits. Here
 * nothing commits: each invocation executes while the previous invocation's batch is still out, and
 * hands that one back when its own is written, so two sets of columns take turns, as in the writer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExecuteBenchmark {
    public static final int TRANSFERS = BenchmarkInputs.EXECUTE_TRANSFERS;
    private static final int REQUEST_SIZE = 1_000;
    private static final int USERS = 10_000;

    @Param({"uniform", "hot-source", "fee-split"})
    public String workload;

    /** Package-private for {@link ExecuteUnderLimitsBenchmark}, which puts limits in it. */
    LedgerMemory memory;

    private BatchExecutor executor;
    private List<List<TransactionSpec>> requests;
    private List<Command> commands;
    /** The previous invocation's batch, whose "commit" is over by the time the next one starts. */
    private BatchWrite previousWrite;

    @Setup(Level.Trial)
    public void open() {
        memory = new LedgerMemory(1, "bench");
        memory.reset(new LedgerHead(0, JournalCodec.genesisHash("bench"), 0));
        memory.assets.add("USD");
        for (AccountSpec spec : BenchmarkInputs.accounts(USERS)) {
            AccountState account = new AccountState(spec, 1);
            account.postedCredits = spec.minBalance() == null ? 0 : 1_000_000_000_000_000L;
            memory.accounts.put(spec.id(), account);
        }
        executor = new BatchExecutor(memory);
        List<TransactionSpec> specs = BenchmarkInputs.transfers(workload, USERS, TRANSFERS, 42);
        requests = new ArrayList<>();
        for (int from = 0; from < TRANSFERS; from += REQUEST_SIZE) {
            requests.add(specs.subList(from, from + REQUEST_SIZE));
        }
    }

    /** Fresh requests per batch, as producers would submit them; not measured. */
    @Setup(Level.Invocation)
    public void submit() {
        commands = new ArrayList<>(requests.size());
        for (List<TransactionSpec> request : requests) {
            commands.add(new Command.CreateTransactions(request, false, false));
        }
    }

    @Benchmark
    public BatchWrite executeBatch() {
        long previous = memory.sequence;
        executor.begin(memory.timestampMicros + 1);
        for (Command command : commands) {
            executor.execute(command);
        }
        BatchWrite write = executor.write(previous);
        Command.CreateTransactions last = (Command.CreateTransactions) commands.get(commands.size() - 1);
        Assert.that(last.results.get(REQUEST_SIZE - 1).code() == ResultCode.CREATED, "transfer not created");
        executor.finish();
        if (previousWrite != null) {
            executor.reclaim(previousWrite);
        }
        previousWrite = write;
        return write;
    }
}
