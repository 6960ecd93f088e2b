package dev.pacioli.bench;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The workloads' accounts and transfers as core values, for the JMH benchmark of the execute step
 * (which lives in the engine's package to reach it). The only public door into this package.
 */
public final class BenchmarkInputs {
    /** Transfers in the execute step's benchmark batch (one writer batch at the batch limit). */
    public static final int EXECUTE_TRANSFERS = 8_000;

    /**
     * The execute step's benchmark, named rather than referred to: it lives in the engine's package,
     * which already depends on this one.
     */
    static final String EXECUTE_BENCHMARK = "dev.pacioli.ledger.engine.ExecuteBenchmark";

    /** The execute step with limits in force ({@code --limits}); its rows are labelled with them. */
    static final String EXECUTE_UNDER_LIMITS_BENCHMARK = "dev.pacioli.ledger.engine.ExecuteUnderLimitsBenchmark";

    /** The limits {@code --limits} puts on every user account, {@link Runs#LIMITS}. */
    public static List<LimitSpec> limits(int count) {
        return Runs.LIMITS.subList(0, count);
    }

    private BenchmarkInputs() {}

    /** Every account of a ledger with {@code users} users: bounded users and fee accounts, and the bank. */
    public static List<AccountSpec> accounts(int users) {
        AccountIds ids = Runs.accounts(users);
        List<AccountSpec> specs = new ArrayList<>(ids.count());
        for (int index = 0; index < ids.count(); index++) {
            Long min = index == ids.bank ? null : 0L;
            specs.add(
                    new AccountSpec(ids.id(index), AccountIds.ASSET, NormalBalance.CREDIT, min, null, Metadata.EMPTY));
        }
        return specs;
    }

    /** {@code count} transfers of the workload named {@code label} (see {@link Workload}). */
    public static List<TransactionSpec> transfers(String label, int users, int count, long seed) {
        Workload workload = Workload.of(label);
        AccountIds ids = Runs.accounts(users);
        Workload.Generator generator = workload.generator(ids, Runs.zipf(users), seed);
        List<TransactionSpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Transfer transfer = generator.next();
            List<Posting> postings = new ArrayList<>(transfer.legs());
            for (int leg = 0; leg < transfer.legs(); leg++) {
                postings.add(new Posting(
                        ids.id(transfer.from()[leg]),
                        ids.id(transfer.to()[leg]),
                        transfer.amounts()[leg],
                        AccountIds.ASSET));
            }
            specs.add(new TransactionSpec("t:" + i, postings, transfer.pending(), null, Metadata.EMPTY, null));
        }
        return specs;
    }
}
