package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.ResultCode.CREATED;
import static dev.pacioli.ledger.ResultCode.EXISTS;
import static dev.pacioli.ledger.ResultCode.INSUFFICIENT_FUNDS;
import static dev.pacioli.ledger.ResultCode.OK;
import static dev.pacioli.ledger.ResultCode.STORAGE_UNAVAILABLE;
import static dev.pacioli.ledger.engine.LedgerHarness.LEDGER;
import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static dev.pacioli.ledger.engine.LedgerHarness.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.testing.InMemoryLedgerStore.CommitFault;
import dev.pacioli.ledger.testing.JournalAudit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two commits in flight: the writer executes batch N+1 on top of batch N while N's commit is held in
 * the store, so N+1 depends on rows storage does not have yet. Nothing may be answered before it is
 * durable, and when N fails, nothing resting on it may be answered as a success. Each ledger starts
 * with {@code bank} and {@code alice}, a wallet holding 100.
 */
class PipelinedCommitTest {
    private LedgerHarness ledger;
    private CountDownLatch firstInCommit;
    private CountDownLatch secondInCommit;
    private CountDownLatch release;

    @BeforeEach
    void openLedger() {
        ledger = LedgerHarness.withAliceHolding100();
        LedgerHarness.HeldCommits held = ledger.holdFirstCommit();
        firstInCommit = held.firstInCommit();
        secondInCommit = held.secondInCommit();
        release = held.release();
    }

    @AfterEach
    void closeLedger() {
        release.countDown();
        ledger.close();
    }

    @Test
    void aBatchExecutedOnTopOfOneStillCommittingSeesItsEffectsAndIsAnsweredOnlyAfterIt() throws Exception {
        CompletableFuture<TransactionResult> hold =
                ledger.engine.createTransaction(TransactionSpec.pending("h1", null, usd("alice", "bank", 60)));
        awaitLatch(firstInCommit);

        // h1 is in no storage yet: the post finds it in memory, and the hold's 60 is already reserved.
        CompletableFuture<TransactionResult> post = ledger.engine.post("h1", null);
        CompletableFuture<TransactionResult> tooMuch =
                ledger.engine.createTransaction(TransactionSpec.posted("t1", usd("alice", "bank", 41)));
        CompletableFuture<TransactionResult> fits =
                ledger.engine.createTransaction(TransactionSpec.posted("t2", usd("alice", "bank", 40)));
        awaitLatch(secondInCommit);
        assertThat(hold).isNotDone();
        assertThat(post).as("answered before the batch under it committed").isNotDone();
        assertThat(fits).isNotDone();

        release.countDown();
        assertThat(await(hold).code()).isEqualTo(CREATED);
        assertThat(await(post).code()).isEqualTo(OK);
        assertThat(await(tooMuch).code()).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(await(fits).code()).isEqualTo(CREATED);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(100, 100, 0, 0));
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void whenTheCommitUnderneathFailsTheBatchOnTopFailsTooAndMemoryIsRebuiltFromStorage() throws Exception {
        ledger.store.failNextCommit(CommitFault.FAIL_BEFORE_APPLY);
        CompletableFuture<TransactionResult> hold =
                ledger.engine.createTransaction(TransactionSpec.pending("h1", null, usd("alice", "bank", 60)));
        awaitLatch(firstInCommit);
        CompletableFuture<TransactionResult> post = ledger.engine.post("h1", null);
        awaitLatch(secondInCommit);
        release.countDown();

        assertThat(await(hold).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(await(post).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(ledger.transaction("h1")).isNull();
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 100, 0, 0));

        // Memory holds neither h1 nor its reservation any more: all 100 can move, and h1 is new again.
        assertThat(ledger.transfer("t2", "alice", "bank", 100)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t3", "bank", "alice", 60)).isEqualTo(CREATED);
        assertThat(ledger.hold("h1", "alice", "bank", 60, null)).isEqualTo(CREATED);
        assertThat(ledger.post("h1")).isEqualTo(OK);
        assertThat(ledger.balance("alice")).isEqualTo(0);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void answersThatWriteNothingAreNotGivenFromACommitThatFailed() throws Exception {
        ledger.store.failNextCommit(CommitFault.FAIL_BEFORE_APPLY);
        TransactionSpec spend = TransactionSpec.posted("t1", usd("alice", "bank", 70));
        CompletableFuture<TransactionResult> first = ledger.engine.createTransaction(spend);
        awaitLatch(firstInCommit);
        // Both answers rest on t1, which is only in memory: the replay would say exists, the second
        // spend insufficient_funds. That batch writes nothing, so only the fate of t1's commit decides.
        CompletableFuture<List<TransactionResult>> onTop = ledger.engine.createTransactions(
                List.of(spend, TransactionSpec.posted("t2", usd("alice", "bank", 70))), false, false);
        ledger.awaitCommitsInFlight(2); // the batch on top is executed and waits for t1's commit
        release.countDown();

        assertThat(await(first).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(await(onTop))
                .extracting(TransactionResult::code)
                .containsExactly(STORAGE_UNAVAILABLE, STORAGE_UNAVAILABLE);
        assertThat(ledger.create(spend).code()).isEqualTo(CREATED);
        assertThat(ledger.create(spend).code()).isEqualTo(EXISTS);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void aLostReplyUnderneathLeavesTheBatchOnTopCommittedAndTheRetryFindsBoth() throws Exception {
        ledger.store.failNextCommit(CommitFault.FAIL_AFTER_APPLY);
        TransactionSpec holdSpec = TransactionSpec.pending("h1", null, usd("alice", "bank", 60));
        CompletableFuture<TransactionResult> hold = ledger.engine.createTransaction(holdSpec);
        awaitLatch(firstInCommit);
        CompletableFuture<TransactionResult> post = ledger.engine.post("h1", null);
        awaitLatch(secondInCommit);
        release.countDown();

        // The hold did commit (its reply was lost), so the post on top of it committed too.
        assertThat(await(hold).code()).isEqualTo(STORAGE_UNAVAILABLE);
        assertThat(await(post).code()).isEqualTo(OK);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.POSTED);
        TransactionResult retry = ledger.create(holdSpec);
        assertThat(retry.code()).isEqualTo(EXISTS);
        assertThat(retry.transaction().status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(60, 100, 0, 0));
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    @Test
    void aBatchsColumnsAreNotReusedWhileItsCommitStillReadsThem() throws Exception {
        // The writer reuses a batch's columns for a later batch: never while that batch's commit runs.
        AtomicInteger commits = new AtomicInteger();
        AtomicReference<List<JournalRecord>> atStart = new AtomicReference<>();
        AtomicReference<List<JournalRecord>> atEnd = new AtomicReference<>();
        AtomicReference<List<Entry>> entriesAtStart = new AtomicReference<>();
        AtomicReference<List<Entry>> entriesAtEnd = new AtomicReference<>();
        ledger.store.onCommit(batch -> {
            switch (commits.incrementAndGet()) {
                case 1 -> {
                    atStart.set(batch.journal().records());
                    entriesAtStart.set(batch.entries().entries());
                    firstInCommit.countDown();
                    LedgerHarness.awaitLatch(release);
                    atEnd.set(batch.journal().records());
                    entriesAtEnd.set(batch.entries().entries());
                }
                case 2 -> secondInCommit.countDown();
                default -> {}
            }
        });
        CompletableFuture<TransactionResult> first =
                ledger.engine.createTransaction(TransactionSpec.posted("t1", usd("alice", "bank", 10)));
        awaitLatch(firstInCommit);
        CompletableFuture<TransactionResult> second =
                ledger.engine.createTransaction(TransactionSpec.posted("t2", usd("alice", "bank", 20)));
        awaitLatch(secondInCommit);
        // A third batch waits for room: executing it now could only be into fresh columns.
        List<CompletableFuture<TransactionResult>> later = List.of(
                ledger.engine.createTransaction(TransactionSpec.posted("t3", usd("alice", "bank", 30))),
                ledger.engine.createTransaction(TransactionSpec.posted("t4", usd("bank", "alice", 40))));
        assertThat(later.get(0)).isNotDone();
        release.countDown();

        assertThat(await(first).code()).isEqualTo(CREATED);
        assertThat(await(second).code()).isEqualTo(CREATED);
        for (CompletableFuture<TransactionResult> answer : later) {
            assertThat(await(answer).code()).isEqualTo(CREATED);
        }
        assertThat(atEnd.get()).usingRecursiveComparison().isEqualTo(atStart.get());
        assertThat(entriesAtEnd.get()).isEqualTo(entriesAtStart.get());
        List<JournalRecord> stored = ledger.store.journal(ledger.ledgerId);
        assertThat(stored.subList(stored.size() - 4, stored.size() - 3))
                .usingRecursiveComparison()
                .isEqualTo(atStart.get());
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(60, 140, 0, 0));
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
    }

    private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(LedgerHarness.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("the writer reached the store")
                .isTrue();
    }
}
