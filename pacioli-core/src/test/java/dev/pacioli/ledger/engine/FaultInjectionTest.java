package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.ResultCode.CREATED;
import static dev.pacioli.ledger.ResultCode.EXISTS;
import static dev.pacioli.ledger.ResultCode.INSUFFICIENT_FUNDS;
import static dev.pacioli.ledger.ResultCode.OK;
import static dev.pacioli.ledger.ResultCode.STORAGE_REJECTED;
import static dev.pacioli.ledger.ResultCode.STORAGE_UNAVAILABLE;
import static dev.pacioli.ledger.ResultCode.WRITER_STOPPED;
import static dev.pacioli.ledger.engine.LedgerHarness.LEDGER;
import static dev.pacioli.ledger.engine.LedgerHarness.USD;
import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static dev.pacioli.ledger.engine.LedgerHarness.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.testing.InMemoryLedgerStore.CommitFault;
import dev.pacioli.ledger.testing.JournalAudit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected at the storage port: commits that fail, commits that succeed but whose reply is
 * lost, loads that fail, restarts, and a lost writer lock. Whatever fails, a request either took
 * effect once or not at all, and the engine keeps its word afterwards. Each ledger starts with
 * {@code bank} and {@code alice}, a wallet holding 100.
 */
class FaultInjectionTest {
    private LedgerHarness ledger;

    @BeforeEach
    void openLedger() {
        ledger = LedgerHarness.withAliceHolding100();
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    @Test
    void failedCommitAnswersStorageUnavailableToTheWholeBatchAndChangesNothing() throws InterruptedException {
        long sequence = ledger.sequence();
        LedgerHarness.HeldCommits held = ledger.holdFirstCommit();
        CountDownLatch inCommit = held.firstInCommit();
        CountDownLatch secondInCommit = held.secondInCommit();
        CountDownLatch release = held.release();
        // The first commit is held and a second batch commits on top of it: the writer, with two
        // commits in flight, waits, and the next requests queue up to run as one batch.
        CompletableFuture<TransactionResult> first =
                ledger.engine.createTransaction(TransactionSpec.posted("t0", usd("bank", "alice", 1)));
        assertThat(inCommit.await(LedgerHarness.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isTrue();
        CompletableFuture<AccountResult> second =
                ledger.engine.createAccount(AccountSpec.of("carol", USD, NormalBalance.CREDIT));
        assertThat(secondInCommit.await(LedgerHarness.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isTrue();
        ledger.store.failNextCommit(CommitFault.FAIL_BEFORE_APPLY);
        CompletableFuture<TransactionResult> transfer =
                ledger.engine.createTransaction(TransactionSpec.posted("t1", usd("bank", "alice", 10)));
        CompletableFuture<AccountResult> account =
                ledger.engine.createAccount(AccountSpec.of("bob", USD, NormalBalance.CREDIT));
        CompletableFuture<List<TransactionResult>> batch = ledger.engine.createTransactions(
                List.of(
                        TransactionSpec.posted("t2", usd("bank", "alice", 20)),
                        TransactionSpec.pending("t3", null, usd("alice", "bank", 30))),
                false,
                false);
        CompletableFuture<TransactionResult> reversal =
                ledger.engine.reverse("fund", "r1", Metadata.EMPTY, null, false);
        release.countDown();

        assertThat(await(first).code()).isEqualTo(CREATED);
        assertThat(await(second).code()).isEqualTo(CREATED);
        assertThat(await(transfer).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(await(account).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(await(batch))
                .extracting(TransactionResult::code)
                .containsExactly(STORAGE_UNAVAILABLE, STORAGE_UNAVAILABLE);
        assertThat(await(reversal).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.sequence()).isEqualTo(sequence + 2);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 101, 0, 0));
        assertThat(ledger.account("bob")).isNull();
        assertThat(ledger.transaction("t1")).isNull();
        assertThat(ledger.transaction("fund").reversedBy()).isNull();

        // The engine keeps working, and the failed requests can be sent again.
        TransactionResult retried = ledger.create(TransactionSpec.posted("t1", usd("bank", "alice", 10)));
        assertThat(retried.code()).isEqualTo(CREATED);
        assertThat(retried.transaction().sequence()).isEqualTo(sequence + 3);
        assertThat(ledger.open(AccountSpec.of("bob", USD, NormalBalance.CREDIT)))
                .isEqualTo(CREATED);
        assertThat(ledger.reverse("fund", "r1", false).code()).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(11);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    /**
     * The store refuses the rows of three requests, as PostgreSQL refuses a value it cannot hold. The
     * first is held in its commit while the rest execute on top of it, so both the refused batch and
     * the one resting on it must be committed again without the refused requests, and every answer
     * computed again: {@code t5} fits only if the refused {@code bad} had counted.
     */
    @Test
    void requestsWhoseRowsTheStoreRefusesFailAloneAndTheRestOfTheirBatchesCommit() {
        ledger.store.refuseRowsOf("bad");
        ledger.store.refuseRowsOf("bad-item");
        ledger.store.refuseRowsOf("bad-atomic");
        long sequence = ledger.sequence();
        LedgerHarness.HeldCommits held = ledger.holdFirstCommit();
        CompletableFuture<TransactionResult> bad =
                ledger.engine.createTransaction(TransactionSpec.posted("bad", usd("bank", "alice", 5)));
        LedgerHarness.awaitLatch(held.firstInCommit());
        CompletableFuture<TransactionResult> t1 =
                ledger.engine.createTransaction(TransactionSpec.posted("t1", usd("bank", "alice", 10)));
        CompletableFuture<AccountResult> carol =
                ledger.engine.createAccount(AccountSpec.of("carol", USD, NormalBalance.CREDIT));
        CompletableFuture<List<TransactionResult>> items = ledger.engine.createTransactions(
                List.of(
                        TransactionSpec.posted("t2", usd("bank", "alice", 20)),
                        TransactionSpec.posted("bad-item", usd("bank", "alice", 7)),
                        TransactionSpec.posted("t3", usd("alice", "bank", 30))),
                false,
                false);
        CompletableFuture<List<TransactionResult>> atomic = ledger.engine.createTransactions(
                List.of(
                        TransactionSpec.posted("t4", usd("bank", "alice", 1)),
                        TransactionSpec.posted("bad-atomic", usd("bank", "alice", 1))),
                true,
                false);
        CompletableFuture<TransactionResult> t5 =
                ledger.engine.createTransaction(TransactionSpec.posted("t5", usd("alice", "bank", 103)));
        held.release().countDown();

        assertThat(await(bad).code()).isEqualTo(STORAGE_REJECTED);
        assertThat(await(t1).code()).isEqualTo(CREATED);
        assertThat(await(carol).code()).isEqualTo(CREATED);
        assertThat(await(items))
                .extracting(TransactionResult::code)
                .containsExactly(CREATED, STORAGE_REJECTED, CREATED);
        assertThat(await(items).get(2).transaction().sequence())
                .isEqualTo(await(items).get(0).transaction().sequence() + 1);
        assertThat(await(atomic))
                .extracting(TransactionResult::code)
                .containsExactly(STORAGE_REJECTED, STORAGE_REJECTED);
        assertThat(await(t5).code()).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.balance("alice")).isEqualTo(100);
        for (String refused : List.of("bad", "bad-item", "t4", "bad-atomic", "t5")) {
            assertThat(ledger.transaction(refused)).as(refused).isNull();
        }
        assertThat(ledger.sequence()).isEqualTo(sequence + 4); // t1, carol, t2, t3
        assertThat(ledger.engine.isRunning()).isTrue();
        assertThat(ledger.transfer("t6", "bank", "alice", 1)).isEqualTo(CREATED);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void anUnexpectedExceptionInACommitStopsTheWriter() {
        ledger.store.onCommit(batch -> {
            throw new IllegalStateException("a bug under the commit");
        });

        assertThat(ledger.transfer("t1", "bank", "alice", 10)).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.engine.isRunning()).isFalse();
        assertThat(ledger.engine.stopCause()).hasMessage("a bug under the commit");
        assertThat(ledger.transfer("t2", "bank", "alice", 10)).isEqualTo(WRITER_STOPPED);
        assertThat(ledger.transaction("t1")).isNull();
    }

    @Test
    void commitWhoseReplyIsLostTakesEffectOnceAndTheRetryFindsIt() {
        long commits = ledger.store.commits();
        ledger.store.failNextCommit(CommitFault.FAIL_AFTER_APPLY);

        TransactionSpec spend = TransactionSpec.posted("t1", usd("alice", "bank", 60));
        assertThat(ledger.create(spend).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.store.commits()).isEqualTo(commits + 1);
        assertThat(ledger.transaction("t1")).isNotNull(); // it did commit
        assertThat(ledger.balance("alice")).isEqualTo(40);

        // The engine learns the commit happened: a second spend of 60 no longer fits.
        assertThat(ledger.transfer("t2", "alice", "bank", 60)).isEqualTo(INSUFFICIENT_FUNDS);
        TransactionResult retry = ledger.create(spend);
        assertThat(retry.code()).isEqualTo(EXISTS);
        assertThat(retry.transaction().sequence())
                .isEqualTo(ledger.transaction("t1").sequence());
        assertThat(ledger.balance("alice")).isEqualTo(40);

        TransactionResult next = ledger.create(TransactionSpec.posted("t3", usd("bank", "alice", 5)));
        assertThat(next.code()).isEqualTo(CREATED);
        assertThat(next.transaction().sequence())
                .isEqualTo(ledger.transaction("t1").sequence() + 1);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void postWhoseReplyIsLostIsNotPostedTwice() {
        assertThat(ledger.hold("h1", "alice", "bank", 60, null)).isEqualTo(CREATED);
        ledger.store.failNextCommit(CommitFault.FAIL_AFTER_APPLY);

        assertThat(ledger.post("h1")).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.post("h1")).isEqualTo(OK);

        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(60, 100, 0, 0));
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void restartReloadsAndContinuesTheSequenceHashChainAndDeadlines() {
        assertThat(ledger.hold("h1", "alice", "bank", 30, 60L)).isEqualTo(CREATED);
        TransactionSpec spend = TransactionSpec.posted("t1", usd("alice", "bank", 50));
        assertThat(ledger.create(spend).code()).isEqualTo(CREATED);
        long sequence = ledger.sequence();

        ledger.restart();

        assertThat(ledger.engine.committedSequence()).isEqualTo(sequence);
        assertThat(ledger.create(spend).code()).isEqualTo(EXISTS);
        assertThat(ledger.transfer("t2", "alice", "bank", 21)).isEqualTo(INSUFFICIENT_FUNDS);
        TransactionResult next = ledger.create(TransactionSpec.posted("t3", usd("alice", "bank", 20)));
        assertThat(next.code()).isEqualTo(CREATED);
        assertThat(next.transaction().sequence()).isEqualTo(sequence + 1);
        ledger.advanceSeconds(61);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.EXPIRED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(70, 100, 0, 0));
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void failedLoadsAnswerStorageUnavailableAndChangeNothing() {
        Map<String, Account> before = ledger.accounts();
        long sequence = ledger.sequence();
        ledger.store.failLoads(true);

        assertThat(ledger.transfer("t1", "bank", "alice", 10)).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.open(AccountSpec.of("bob", USD, NormalBalance.CREDIT)))
                .isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.post("fund")).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.sequence()).isEqualTo(sequence);

        ledger.store.failLoads(false);
        assertThat(ledger.transfer("t1", "bank", "alice", 10)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(110);
    }

    @Test
    void storageDownAfterAFailedCommitAnswersStorageUnavailableUntilItRecovers() {
        long commits = ledger.store.commits();
        ledger.store.failNextCommit(CommitFault.FAIL_BEFORE_APPLY);
        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.store.commits()).isEqualTo(commits);
        ledger.store.failLoads(true);

        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(STORAGE_UNAVAILABLE);
        ledger.store.failLoads(false);

        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(90);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void writerThatLostItsLockStopsWhenItNextTouchesStorage() {
        ledger.store.failNextCommit(CommitFault.FAIL_BEFORE_APPLY);
        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(STORAGE_UNAVAILABLE);
        ledger.store.loseWriterLock(ledger.ledgerId);

        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(WRITER_STOPPED);
        assertThat(ledger.engine.isRunning()).isFalse();
        assertThat(ledger.engine.stopCause()).isInstanceOf(IllegalStateException.class);

        ledger.restart();
        assertThat(ledger.transfer("t1", "alice", "bank", 10)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(90);
    }

    @Test
    void writerThatLostItsLockCannotOverwriteTheNextWritersCommits() {
        LedgerEngine stale = ledger.engine;
        ledger.store.loseWriterLock(ledger.ledgerId);
        try (LedgerEngine next =
                LedgerEngine.start(ledger.store, ledger.ledgerId, LEDGER, LedgerHarness.CONFIG, ledger.clock)) {
            TransactionSpec first = TransactionSpec.posted("t1", usd("alice", "bank", 60));
            assertThat(await(next.createTransaction(first)).code()).isEqualTo(CREATED);

            // The stale writer still believes alice holds 100; the store's fencing check refuses its commit.
            TransactionSpec second = TransactionSpec.posted("t2", usd("alice", "bank", 60));
            assertThat(await(stale.createTransaction(second)).code()).isEqualTo(STORAGE_UNAVAILABLE);
            assertThat(ledger.transaction("t2")).isNull();
            assertThat(ledger.balance("alice")).isEqualTo(40);
            assertThat(await(stale.createTransaction(second)).code()).isEqualTo(WRITER_STOPPED);

            assertThat(await(next.createTransaction(second)).code()).isEqualTo(INSUFFICIENT_FUNDS);
        }
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }
}
