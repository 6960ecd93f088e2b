package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.ResultCode.CREATED;
import static dev.pacioli.ledger.ResultCode.EXISTS;
import static dev.pacioli.ledger.ResultCode.INSUFFICIENT_FUNDS;
import static dev.pacioli.ledger.ResultCode.LIMIT_EXCEEDED;
import static dev.pacioli.ledger.ResultCode.LIMIT_NOT_APPLICABLE;
import static dev.pacioli.ledger.ResultCode.LIMIT_NOT_FOUND;
import static dev.pacioli.ledger.ResultCode.LINKED_TRANSACTION_FAILED;
import static dev.pacioli.ledger.ResultCode.OK;
import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static dev.pacioli.ledger.engine.LedgerHarness.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitBreach;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsage;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.LimitVerifier;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits as the writer enforces them, one scenario per test: a ledger with {@code bank} and wallets
 * {@code users:1:wallet}, {@code users:2:wallet} holding 1,000,000 each.
 */
class LimitsTest {
    private LedgerHarness ledger;

    @BeforeEach
    void openLedger() {
        ledger = new LedgerHarness();
        assertThat(ledger.bank("bank")).isEqualTo(CREATED);
        for (String user : List.of("users:1:wallet", "users:2:wallet")) {
            assertThat(ledger.wallet(user)).isEqualTo(CREATED);
            assertThat(ledger.transfer("fund-" + user, "bank", user, 1_000_000)).isEqualTo(CREATED);
        }
        assertThat(ledger.wallet("users:1:savings")).isEqualTo(CREATED);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    static LimitSpec daily(String id, String accounts, Long perTransaction, Long perWindow, Long count) {
        return new LimitSpec(
                id,
                accounts,
                "USD",
                LimitDirection.DEBIT,
                perTransaction,
                perWindow == null && count == null ? null : 86_400L,
                perWindow,
                count);
    }

    ResultCode put(LimitSpec spec) {
        return await(ledger.engine.putLimit(spec, null)).code();
    }

    LimitUsage usage(String limit, String account) {
        LimitUsageResult result = await(ledger.engine.limitUsage(limit, account));
        assertThat(result.code()).isEqualTo(OK);
        return result.usage();
    }

    TransactionResult pay(String id, String from, long amount) {
        return ledger.create(TransactionSpec.posted(id, usd(from, "bank", amount)));
    }

    @Test
    void aTransactionOverThePerTransactionLimitIsRefusedWithTheLimitAndWhatRemains() {
        assertThat(put(daily("per-tx", "users:*:wallet", 100L, null, null))).isEqualTo(CREATED);
        assertThat(pay("a", "users:1:wallet", 100).code()).isEqualTo(CREATED);
        TransactionResult refused = pay("b", "users:1:wallet", 101);
        assertThat(refused.code()).isEqualTo(LIMIT_EXCEEDED);
        assertThat(refused.breach()).isEqualTo(new LimitBreach("per-tx", "users:1:wallet", 100));
        assertThat(ledger.store.transactions(ledger.ledgerId)).doesNotContainKey("b");
        // The pattern takes one segment: savings and the bank are not covered, nor is credit.
        assertThat(pay("c", "users:1:savings", 0 + 1).code()).isEqualTo(ResultCode.INSUFFICIENT_FUNDS);
        assertThat(ledger.transfer("d", "bank", "users:1:wallet", 500)).isEqualTo(CREATED);
    }

    @Test
    void theWindowSumsAndCountsAndRollsWithTheClock() {
        assertThat(put(daily("daily", "users:*:wallet", null, 500L, 3L))).isEqualTo(CREATED);
        assertThat(pay("a", "users:1:wallet", 200).code()).isEqualTo(CREATED);
        ledger.clock.advanceSeconds(3_600);
        assertThat(pay("b", "users:1:wallet", 200).code()).isEqualTo(CREATED);
        TransactionResult over = pay("c", "users:1:wallet", 101);
        assertThat(over.code()).isEqualTo(LIMIT_EXCEEDED);
        assertThat(over.breach().remaining()).isEqualTo(100);
        assertThat(pay("c", "users:1:wallet", 100).code()).isEqualTo(CREATED);
        assertThat(usage("daily", "users:1:wallet")).satisfies(usage -> {
            assertThat(usage.usedAmount()).isEqualTo(500);
            assertThat(usage.usedCount()).isEqualTo(3);
            assertThat(usage.remainingAmount()).isZero();
            assertThat(usage.remainingCount()).isZero();
            assertThat(usage.windowSeconds()).isEqualTo(86_400L);
        });
        // Another account of the pattern has its own usage.
        assertThat(pay("d", "users:2:wallet", 500).code()).isEqualTo(CREATED);
        // 23 hours later the first 200 leaves the window: 200 fits again, 201 not.
        ledger.clock.advanceSeconds(23 * 3_600 + 1);
        assertThat(pay("e", "users:1:wallet", 201).code()).isEqualTo(LIMIT_EXCEEDED);
        assertThat(pay("e", "users:1:wallet", 200).code()).isEqualTo(CREATED);
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isEqualTo(500);
    }

    @Test
    void anyOtherRefusalWinsOverALimit() {
        assertThat(put(daily("per-tx", "users:*:wallet", 10L, null, null))).isEqualTo(CREATED);
        TransactionResult refused = pay("a", "users:1:wallet", 2_000_000);
        assertThat(refused.code()).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(refused.breach()).isNull();
    }

    @Test
    void aVoidedAndAnExpiredPendingGiveTheirAmountAndCountBack() {
        assertThat(put(daily("daily", "users:1:wallet", null, 300L, 2L))).isEqualTo(CREATED);
        assertThat(ledger.hold("h1", "users:1:wallet", "bank", 200, null)).isEqualTo(CREATED);
        assertThat(ledger.hold("h2", "users:1:wallet", "bank", 100, 60L)).isEqualTo(CREATED);
        assertThat(pay("a", "users:1:wallet", 1).code()).isEqualTo(LIMIT_EXCEEDED);
        assertThat(ledger.voidPending("h1")).isEqualTo(OK);
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isEqualTo(100);
        assertThat(usage("daily", "users:1:wallet").usedCount()).isEqualTo(1);
        ledger.advanceSeconds(61); // h2 expires
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isZero();
        assertThat(usage("daily", "users:1:wallet").usedCount()).isZero();
        assertThat(pay("b", "users:1:wallet", 300).code()).isEqualTo(CREATED);
    }

    @Test
    void aPartialPostCountsWhatWasPosted() {
        assertThat(put(daily("daily", "users:1:wallet", null, 300L, null))).isEqualTo(CREATED);
        assertThat(ledger.hold("h", "users:1:wallet", "bank", 300, null)).isEqualTo(CREATED);
        assertThat(ledger.post("h", 120)).isEqualTo(OK);
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isEqualTo(120);
        assertThat(pay("a", "users:1:wallet", 180).code()).isEqualTo(CREATED);
    }

    @Test
    void anAtomicBatchThatFailsAndADryRunLeaveNoUsage() {
        assertThat(put(daily("daily", "users:1:wallet", null, 300L, null))).isEqualTo(CREATED);
        List<TransactionResult> atomic = ledger.batch(
                true,
                false,
                TransactionSpec.posted("a1", usd("users:1:wallet", "bank", 200)),
                TransactionSpec.posted("a2", usd("users:1:wallet", "bank", 200)));
        assertThat(atomic)
                .extracting(TransactionResult::code)
                .containsExactly(LINKED_TRANSACTION_FAILED, LIMIT_EXCEEDED);
        assertThat(atomic.get(1).breach().remaining()).isEqualTo(100);
        List<TransactionResult> dry =
                ledger.batch(false, true, TransactionSpec.posted("d1", usd("users:1:wallet", "bank", 300)));
        assertThat(dry.getFirst().code()).isEqualTo(CREATED);
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isZero();
        assertThat(pay("b", "users:1:wallet", 300).code()).isEqualTo(CREATED);
    }

    @Test
    void definitionsAreReplacedAndDeletedIdempotentlyAndUsageSurvivesARestart() {
        LimitSpec spec = daily("daily", "users:*:wallet", null, 500L, null);
        assertThat(put(spec)).isEqualTo(CREATED);
        assertThat(put(spec)).isEqualTo(EXISTS);
        assertThat(pay("a", "users:1:wallet", 400).code()).isEqualTo(CREATED);
        assertThat(await(ledger.engine.limitUsage("daily", "users:1:savings")).code())
                .isEqualTo(LIMIT_NOT_APPLICABLE);
        assertThat(await(ledger.engine.limitUsage("nope", "users:1:wallet")).code())
                .isEqualTo(LIMIT_NOT_FOUND);
        ledger.restart();
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isEqualTo(400);
        assertThat(pay("b", "users:1:wallet", 101).code()).isEqualTo(LIMIT_EXCEEDED);
        // Raising the limit keeps what was used.
        assertThat(put(daily("daily", "users:*:wallet", null, 600L, null))).isEqualTo(OK);
        assertThat(usage("daily", "users:1:wallet").usedAmount()).isEqualTo(400);
        assertThat(pay("b", "users:1:wallet", 200).code()).isEqualTo(CREATED);
        assertThat(await(ledger.engine.deleteLimit("daily", null)).code()).isEqualTo(OK);
        assertThat(await(ledger.engine.deleteLimit("daily", null)).code()).isEqualTo(LIMIT_NOT_FOUND);
        assertThat(ledger.engine.limits()).isEmpty();
        assertThat(pay("c", "users:1:wallet", 10_000).code()).isEqualTo(CREATED);
        assertThat(ledger.store.limitHistory(ledger.ledgerId))
                .extracting(Limit::version)
                .containsExactly(1L, 2L, 3L);
        assertThat(verify().failures()).isEmpty();
    }

    @Test
    void verifyFindsATransactionThatBrokeALimitInForce() {
        assertThat(pay("a", "users:1:wallet", 400).code()).isEqualTo(CREATED);
        assertThat(pay("b", "users:1:wallet", 400).code()).isEqualTo(CREATED);
        assertThat(verify().failures()).isEmpty();
        // Behind the engine's back: a limit said to be in force since before both payments.
        ledger.close();
        ledger.store.limitHistory(ledger.ledgerId); // none yet
        long fundedAt = 4; // after the accounts and funding records, before "a" and "b"
        List<Limit> history =
                List.of(new Limit("daily", 1, fundedAt, 0, daily("daily", "users:*:wallet", null, 500L, null)));
        LimitVerifier.Result result = LimitVerifier.verify(
                history, ledger.store.journal(ledger.ledgerId).iterator());
        assertThat(result.failures()).singleElement().asString().contains("transaction b broke limit daily");
        ledger.engine = LedgerEngine.start(ledger.store, ledger.ledgerId, "main", LedgerHarness.CONFIG, ledger.clock);
    }

    @Test
    void concurrentTransfersNeverBothPassALimitOnlyOneFits() throws Exception {
        for (int round = 0; round < 5; round++) {
            String account = "users:1:wallet";
            int fits = 7 + round;
            LimitSpec spec = new LimitSpec(
                    "round-" + round, account, "USD", LimitDirection.DEBIT, null, 3_600L, 10L * fits, null);
            assertThat(put(spec)).isEqualTo(CREATED);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<TransactionResult>> answers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String id = "r" + round + "-" + i;
                CompletableFuture<TransactionResult> answer = new CompletableFuture<>();
                answers.add(answer);
                threads.add(Thread.ofPlatform().start(() -> {
                    LedgerHarness.awaitLatch(start);
                    answer.complete(await(
                            ledger.engine.createTransaction(TransactionSpec.posted(id, usd(account, "bank", 10)))));
                }));
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            long committed = answers.stream()
                    .filter(answer -> answer.join().code() == CREATED)
                    .count();
            assertThat(committed).as("round %d", round).isEqualTo(fits);
            assertThat(answers)
                    .allSatisfy(answer -> assertThat(answer.join().code()).isIn(CREATED, LIMIT_EXCEEDED));
            assertThat(await(ledger.engine.deleteLimit(spec.id(), null)).code()).isEqualTo(OK);
            ledger.clock.advanceSeconds(3_601);
        }
        assertThat(verify().failures()).isEmpty();
    }

    LimitVerifier.Result verify() {
        ledger.sync();
        return LimitVerifier.verify(
                ledger.store.limitHistory(ledger.ledgerId),
                ledger.store.journal(ledger.ledgerId).iterator());
    }
}
