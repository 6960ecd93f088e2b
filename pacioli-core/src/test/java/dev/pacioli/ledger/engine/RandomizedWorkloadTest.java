package dev.pacioli.ledger.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.testing.InMemoryLedgerStore;
import dev.pacioli.ledger.testing.JournalAudit;
import dev.pacioli.ledger.testing.RandomWorkload;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against the reference model over seeded random workloads on the in-memory store: 5 seeds
 * of 20,000 requests, every invariant checked after every step. A failure prints its seed; replay one
 * with {@code -Dpacioli.seed=<seed>}.
 */
class RandomizedWorkloadTest {
    private static final int REQUESTS_PER_SEED = 20_000;
    private static final String LEDGER = "random";

    /**
     * Every code a request can meet, less those of an unhealthy writer (overloaded, storage, stopped)
     * and of a store refusing data: the workload injects neither; FaultInjectionTest covers them. Nor
     * a missing ledger: that is the ledger port's answer, never the engine's (LocalLedgersTest).
     */
    private static final Set<ResultCode> REACHABLE = EnumSet.complementOf(EnumSet.of(
            ResultCode.OVERLOADED,
            ResultCode.STORAGE_UNAVAILABLE,
            ResultCode.STORAGE_REJECTED,
            ResultCode.WRITER_STOPPED,
            ResultCode.LEDGER_NOT_FOUND,
            // Limits have a workload and a reference model of their own: LimitsRandomizedTest.
            ResultCode.LIMIT_EXCEEDED,
            ResultCode.LIMIT_NOT_FOUND,
            ResultCode.LIMIT_NOT_APPLICABLE,
            ResultCode.TOO_MANY_LIMITS));

    static List<Long> seeds() {
        return RandomWorkload.seeds(0x5EED_0001L, 0x5EED_0002L, 0x5EED_0003L, 0x5EED_0004L, 0x5EED_0005L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void engineAnswersAndStoresWhatTheReferenceModelDoes(long seed) {
        InMemoryLedgerStore store = new InMemoryLedgerStore();
        long ledgerId = store.createLedger(LEDGER);

        RandomWorkload.Summary summary =
                new RandomWorkload(store, ledgerId, LEDGER, store::addAsset, seed).run(REQUESTS_PER_SEED);

        JournalAudit.check(store, ledgerId, LEDGER);
        assertThat(summary.requests()).isGreaterThanOrEqualTo(REQUESTS_PER_SEED);
        assertThat(summary.codes().keySet())
                .as("result codes the workload reached with seed %d", seed)
                .containsAll(REACHABLE);
        assertThat(summary.expiries()).as("pending transactions expired").isPositive();
        assertThat(summary.restarts()).as("engine restarts").isPositive();
    }
}
