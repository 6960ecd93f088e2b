package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.ResultCode.ACCOUNT_CLOSED;
import static dev.pacioli.ledger.ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS;
import static dev.pacioli.ledger.ResultCode.ACCOUNT_NOT_EMPTY;
import static dev.pacioli.ledger.ResultCode.ACCOUNT_NOT_FOUND;
import static dev.pacioli.ledger.ResultCode.ASSET_MISMATCH;
import static dev.pacioli.ledger.ResultCode.ASSET_NOT_FOUND;
import static dev.pacioli.ledger.ResultCode.BALANCE_OVERFLOW;
import static dev.pacioli.ledger.ResultCode.CREATED;
import static dev.pacioli.ledger.ResultCode.EXCEEDS_MAX_BALANCE;
import static dev.pacioli.ledger.ResultCode.EXISTS;
import static dev.pacioli.ledger.ResultCode.INSUFFICIENT_FUNDS;
import static dev.pacioli.ledger.ResultCode.LINKED_TRANSACTION_FAILED;
import static dev.pacioli.ledger.ResultCode.OK;
import static dev.pacioli.ledger.ResultCode.OVERLOADED;
import static dev.pacioli.ledger.ResultCode.PARTIAL_POST_REQUIRES_SINGLE_POSTING;
import static dev.pacioli.ledger.ResultCode.PENDING_ALREADY_POSTED;
import static dev.pacioli.ledger.ResultCode.PENDING_ALREADY_VOIDED;
import static dev.pacioli.ledger.ResultCode.PENDING_EXPIRED;
import static dev.pacioli.ledger.ResultCode.POST_AMOUNT_EXCEEDS_PENDING;
import static dev.pacioli.ledger.ResultCode.SAME_ACCOUNT;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_ALREADY_REVERSED;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_NOT_FOUND;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_NOT_PENDING;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_NOT_POSTED;
import static dev.pacioli.ledger.ResultCode.WRITER_STOPPED;
import static dev.pacioli.ledger.engine.LedgerHarness.EUR;
import static dev.pacioli.ledger.engine.LedgerHarness.LEDGER;
import static dev.pacioli.ledger.engine.LedgerHarness.USD;
import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static dev.pacioli.ledger.engine.LedgerHarness.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.testing.JournalAudit;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's behaviour, one scenario per test, written as a ledger: a line per account or
 * transaction and the result it must get. Every ledger starts with {@code bank}, a debit-normal
 * account without bounds where money enters. A wallet is credit-normal with a minimum of zero.
 */
class ScenarioTest {
    private static final long MAX = Long.MAX_VALUE;

    private LedgerHarness ledger;

    @BeforeEach
    void openLedger() {
        ledger = new LedgerHarness();
        assertThat(ledger.bank("bank")).isEqualTo(CREATED);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    private void fundedWallet(String id, long amount) {
        assertThat(ledger.wallet(id)).isEqualTo(CREATED);
        assertThat(ledger.transfer("fund:" + id, "bank", id, amount)).isEqualTo(CREATED);
    }

    // ---- new transactions

    @Test
    void transferDebitsOneAccountAndCreditsTheOther() {
        ledger.wallet("alice");

        assertThat(ledger.transfer("t1", "bank", "alice", 1_500)).isEqualTo(CREATED);

        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 1_500, 0, 0));
        assertThat(ledger.balances("bank")).isEqualTo(new Balances(1_500, 0, 0, 0));
        assertThat(ledger.balance("alice")).isEqualTo(1_500);
        assertThat(ledger.balance("bank")).isEqualTo(1_500);
        assertThat(ledger.transaction("t1").status()).isEqualTo(TransactionStatus.POSTED);
    }

    @Test
    void transactionCommitsWholeOrNotAtAll() {
        ledger.wallet("alice");
        ledger.wallet("merchant");
        ledger.wallet("fees");

        TransactionSpec pay = TransactionSpec.posted(
                "pay", usd("bank", "alice", 1_500), usd("alice", "merchant", 1_000), usd("merchant", "fees", 45));
        assertThat(ledger.create(pay).code()).isEqualTo(CREATED);
        TransactionSpec tooMuch =
                TransactionSpec.posted("pay-2", usd("alice", "merchant", 100), usd("merchant", "fees", 2_000));
        assertThat(ledger.create(tooMuch).code()).isEqualTo(INSUFFICIENT_FUNDS);

        assertThat(ledger.balance("alice")).isEqualTo(500);
        assertThat(ledger.balance("merchant")).isEqualTo(955);
        assertThat(ledger.balance("fees")).isEqualTo(45);
        assertThat(ledger.transaction("pay-2")).isNull();
    }

    @Test
    void identicalReplayAnswersExistsWithTheOriginal() {
        ledger.wallet("alice");
        TransactionSpec spec = TransactionSpec.posted("t1", usd("bank", "alice", 100));
        Transaction original = ledger.create(spec).transaction();
        long sequence = ledger.sequence();

        TransactionResult replay = ledger.create(spec);

        assertThat(replay.code()).isEqualTo(EXISTS);
        assertThat(replay.transaction().sequence()).isEqualTo(original.sequence());
        assertThat(replay.transaction().committedAtMicros()).isEqualTo(original.committedAtMicros());
        assertThat(replay.transaction().hash()).isEqualTo(original.hash());
        assertThat(ledger.balance("alice")).isEqualTo(100);
        assertThat(ledger.sequence()).isEqualTo(sequence);
    }

    private static final TransactionSpec ORDER = new TransactionSpec(
            "order-1",
            List.of(usd("alice", "merchant", 1_000), usd("merchant", "fees", 30)),
            true,
            60L,
            Metadata.of("order", "A-1"),
            "Order A-1");

    static Stream<Arguments> ordersWithOneFieldChanged() {
        return Stream.of(
                changed("posting from", List.of(usd("bob", "merchant", 1_000), usd("merchant", "fees", 30))),
                changed("posting to", List.of(usd("alice", "bob", 1_000), usd("merchant", "fees", 30))),
                changed("posting amount", List.of(usd("alice", "merchant", 1_001), usd("merchant", "fees", 30))),
                changed(
                        "posting asset",
                        List.of(new Posting("alice", "merchant", 1_000, EUR), usd("merchant", "fees", 30))),
                changed("posting order", List.of(usd("merchant", "fees", 30), usd("alice", "merchant", 1_000))),
                changed(
                        "one posting more",
                        List.of(usd("alice", "merchant", 1_000), usd("merchant", "fees", 30), usd("bank", "fees", 1))),
                changed("one posting fewer", List.of(usd("alice", "merchant", 1_000))),
                arguments(named(
                        "not pending",
                        new TransactionSpec(
                                ORDER.id(), ORDER.postings(), false, null, ORDER.metadata(), ORDER.description()))),
                arguments(named(
                        "other timeout",
                        new TransactionSpec(
                                ORDER.id(), ORDER.postings(), true, 30L, ORDER.metadata(), ORDER.description()))),
                arguments(named(
                        "no timeout",
                        new TransactionSpec(
                                ORDER.id(), ORDER.postings(), true, null, ORDER.metadata(), ORDER.description()))),
                arguments(named(
                        "other metadata",
                        new TransactionSpec(
                                ORDER.id(),
                                ORDER.postings(),
                                true,
                                60L,
                                Metadata.of("order", "A-2"),
                                ORDER.description()))),
                arguments(named(
                        "no metadata",
                        new TransactionSpec(
                                ORDER.id(), ORDER.postings(), true, 60L, Metadata.EMPTY, ORDER.description()))),
                arguments(named(
                        "other description",
                        new TransactionSpec(ORDER.id(), ORDER.postings(), true, 60L, ORDER.metadata(), "Order A-2"))),
                arguments(named(
                        "no description",
                        new TransactionSpec(ORDER.id(), ORDER.postings(), true, 60L, ORDER.metadata(), null))));
    }

    private static Arguments changed(String name, List<Posting> postings) {
        return arguments(named(
                name, new TransactionSpec(ORDER.id(), postings, true, 60L, ORDER.metadata(), ORDER.description())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordersWithOneFieldChanged")
    void sameIdWithAnyFieldChangedIsAConflict(TransactionSpec changed) {
        fundedWallet("alice", 5_000);
        ledger.wallet("bob");
        ledger.openAccount("merchant", null, null);
        ledger.wallet("fees");
        assertThat(ledger.create(ORDER).code()).isEqualTo(CREATED);
        Map<String, Account> before = ledger.accounts();
        long sequence = ledger.sequence();

        TransactionResult conflict = ledger.create(changed);

        assertThat(conflict.code()).isEqualTo(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(conflict.transaction().spec()).isEqualTo(ORDER);
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.create(ORDER).code()).isEqualTo(EXISTS);
    }

    @Test
    void unknownAccountIsAccountNotFound() {
        ledger.wallet("alice");

        assertThat(ledger.transfer("t1", "bank", "ghost", 10)).isEqualTo(ACCOUNT_NOT_FOUND);
        assertThat(ledger.transfer("t2", "ghost", "alice", 10)).isEqualTo(ACCOUNT_NOT_FOUND);
    }

    @Test
    void closedAccountIsAccountClosed() {
        ledger.wallet("old");
        assertThat(ledger.close("old")).isEqualTo(OK);

        assertThat(ledger.transfer("t1", "bank", "old", 10)).isEqualTo(ACCOUNT_CLOSED);
        assertThat(ledger.hold("t2", "bank", "old", 10, null)).isEqualTo(ACCOUNT_CLOSED);
        assertThat(ledger.balances("old")).isEqualTo(Balances.ZERO);
    }

    @Test
    void postingInAnotherAssetIsAssetMismatch() {
        ledger.wallet("alice");
        ledger.open(AccountSpec.of("euros", EUR, NormalBalance.CREDIT));

        assertThat(ledger.create(TransactionSpec.posted("t1", new Posting("bank", "alice", 10, EUR)))
                        .code())
                .isEqualTo(ASSET_MISMATCH);
        assertThat(ledger.transfer("t2", "bank", "euros", 10)).isEqualTo(ASSET_MISMATCH);
    }

    @Test
    void postingFromAnAccountToItselfIsSameAccount() {
        fundedWallet("alice", 100);

        assertThat(ledger.transfer("t1", "alice", "alice", 10)).isEqualTo(SAME_ACCOUNT);
    }

    @Test
    void walletCannotSpendMoreThanItHolds() {
        fundedWallet("alice", 100);

        assertThat(ledger.transfer("t1", "alice", "bank", 101)).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.balance("alice")).isEqualTo(100);
        assertThat(ledger.transfer("t2", "alice", "bank", 100)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isZero();
    }

    @Test
    void overdraftGoesDownToItsMinimumAndNoFurther() {
        ledger.openAccount("overdraft", -5_000L, null);

        assertThat(ledger.transfer("t1", "overdraft", "bank", 5_000)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t2", "overdraft", "bank", 1)).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.balance("overdraft")).isEqualTo(-5_000);
    }

    @Test
    void pendingOutflowsAreNotAvailable() {
        fundedWallet("alice", 100);

        assertThat(ledger.hold("h1", "alice", "bank", 80, null)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(100);
        assertThat(ledger.available("alice")).isEqualTo(20);
        assertThat(ledger.transfer("t1", "alice", "bank", 30)).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.transfer("t2", "alice", "bank", 20)).isEqualTo(CREATED);
        assertThat(ledger.available("alice")).isZero();
    }

    @Test
    void pendingInflowsAreNotAvailable() {
        ledger.wallet("alice");

        assertThat(ledger.hold("h1", "bank", "alice", 100, null)).isEqualTo(CREATED);
        assertThat(ledger.available("alice")).isZero();
        assertThat(ledger.transfer("t1", "alice", "bank", 1)).isEqualTo(INSUFFICIENT_FUNDS);
    }

    @Test
    void maximumBoundsBalanceAndPendingInflows() {
        ledger.openAccount("capped", null, 1_000L);

        assertThat(ledger.hold("h1", "bank", "capped", 600, null)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t1", "bank", "capped", 401)).isEqualTo(EXCEEDS_MAX_BALANCE);
        assertThat(ledger.transfer("t2", "bank", "capped", 400)).isEqualTo(CREATED);
        assertThat(ledger.hold("h2", "bank", "capped", 1, null)).isEqualTo(EXCEEDS_MAX_BALANCE);
    }

    @Test
    void accountOutsideItsBoundsMayMoveBackTowardThemOnly() {
        ledger.openAccount("reserve", 500L, null); // opens at zero, below its minimum
        ledger.openAccount("negative-cap", null, -100L); // opens at zero, above its maximum

        assertThat(ledger.transfer("t1", "bank", "reserve", 100)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t2", "reserve", "bank", 1)).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.transfer("t3", "negative-cap", "bank", 50)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t4", "bank", "negative-cap", 1)).isEqualTo(EXCEEDS_MAX_BALANCE);
        assertThat(ledger.balance("reserve")).isEqualTo(100);
        assertThat(ledger.balance("negative-cap")).isEqualTo(-50);
    }

    @Test
    void postedTotalBeyondLongMaxValueIsBalanceOverflow() {
        ledger.openAccount("whale", null, null);
        assertThat(ledger.transfer("t1", "bank", "whale", MAX)).isEqualTo(CREATED);
        Map<String, Account> before = ledger.accounts();

        assertThat(ledger.transfer("t2", "bank", "whale", 1)).isEqualTo(BALANCE_OVERFLOW);
        assertThat(ledger.accounts()).isEqualTo(before);
    }

    @Test
    void balancePlusPendingInflowsBeyondLongMaxValueIsBalanceOverflow() {
        ledger.openAccount("whale", null, null);
        ledger.openAccount("other", null, null);
        assertThat(ledger.transfer("t1", "bank", "whale", MAX)).isEqualTo(CREATED);

        assertThat(ledger.hold("h1", "other", "whale", 1, null)).isEqualTo(BALANCE_OVERFLOW);
        assertThat(ledger.balances("whale")).isEqualTo(new Balances(0, MAX, 0, 0));
    }

    @Test
    void availableBelowLongMinValueIsBalanceOverflow() {
        ledger.openAccount("deep", null, null);
        ledger.openAccount("other", null, null);
        assertThat(ledger.transfer("t1", "deep", "bank", MAX)).isEqualTo(CREATED);

        assertThat(ledger.hold("h1", "deep", "other", 2, null)).isEqualTo(BALANCE_OVERFLOW);
        assertThat(ledger.balance("deep")).isEqualTo(-MAX);
    }

    @Test
    void postThatWouldOverflowIsBalanceOverflowAndTheTransactionStaysPending() {
        ledger.openAccount("x", null, null);
        assertThat(ledger.transfer("t1", "bank", "x", MAX - 5)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t2", "x", "bank", MAX - 5)).isEqualTo(CREATED);
        assertThat(ledger.hold("h1", "bank", "x", 10, null)).isEqualTo(CREATED);

        assertThat(ledger.post("h1")).isEqualTo(BALANCE_OVERFLOW);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.PENDING);
        assertThat(ledger.voidPending("h1")).isEqualTo(OK);
        assertThat(ledger.balances("x")).isEqualTo(new Balances(MAX - 5, MAX - 5, 0, 0));
    }

    // ---- precedence: when two refusals apply, the earlier in API.md's order is answered

    @Test
    void accountNotFoundComesBeforeAccountClosed() {
        ledger.wallet("old");
        ledger.close("old");

        TransactionSpec spec = TransactionSpec.posted("t1", usd("bank", "old", 1), usd("bank", "ghost", 1));
        assertThat(ledger.create(spec).code()).isEqualTo(ACCOUNT_NOT_FOUND);
    }

    @Test
    void accountClosedComesBeforeInsufficientFunds() {
        ledger.wallet("old"); // minimum zero, balance zero: spending 10 is also insufficient
        ledger.close("old");

        assertThat(ledger.transfer("t1", "old", "bank", 10)).isEqualTo(ACCOUNT_CLOSED);
    }

    @Test
    void assetMismatchComesBeforeSameAccount() {
        fundedWallet("alice", 100);

        assertThat(ledger.create(TransactionSpec.posted("t1", new Posting("alice", "alice", 10, EUR)))
                        .code())
                .isEqualTo(ASSET_MISMATCH);
    }

    @Test
    void sameAccountComesBeforeInsufficientFunds() {
        ledger.wallet("alice");

        TransactionSpec spec = TransactionSpec.posted("t1", usd("alice", "bank", 10), usd("bank", "bank", 1));
        assertThat(ledger.create(spec).code()).isEqualTo(SAME_ACCOUNT);
    }

    @Test
    void insufficientFundsComesBeforeExceedsMaxBalance() {
        ledger.wallet("alice");
        ledger.openAccount("capped", null, 50L);

        assertThat(ledger.transfer("t1", "alice", "capped", 100)).isEqualTo(INSUFFICIENT_FUNDS);
    }

    @Test
    void exceedsMaxBalanceComesBeforeBalanceOverflow() {
        ledger.openAccount("capped", null, 100L);
        ledger.openAccount("whale", null, null);
        assertThat(ledger.transfer("t1", "bank", "whale", MAX)).isEqualTo(CREATED);

        TransactionSpec spec = TransactionSpec.posted("t2", usd("bank", "capped", 200), usd("bank", "whale", 1));
        assertThat(ledger.create(spec).code()).isEqualTo(EXCEEDS_MAX_BALANCE);
    }

    @Test
    void insufficientFundsComesBeforeBalanceOverflowOnTheSameAccount() {
        fundedWallet("alice", MAX);
        ledger.openAccount("r1", null, null);
        ledger.openAccount("r2", null, null);
        assertThat(ledger.transfer("t1", "alice", "r1", MAX)).isEqualTo(CREATED);

        // alice's posted debits would pass Long.MAX_VALUE, and her balance would fall to -1
        assertThat(ledger.transfer("t2", "alice", "r2", 1)).isEqualTo(INSUFFICIENT_FUNDS);
    }

    @Test
    void exceedsMaxBalanceComesBeforeBalanceOverflowOnTheSameAccount() {
        ledger.openAccount("capped", null, MAX - 10);
        assertThat(ledger.transfer("t1", "bank", "capped", MAX - 10)).isEqualTo(CREATED);

        // capped's posted credits would pass Long.MAX_VALUE, and so would its maximum
        assertThat(ledger.transfer("t2", "bank", "capped", 20)).isEqualTo(EXCEEDS_MAX_BALANCE);
    }

    @Test
    void existingIdComesBeforeEveryOtherCheck() {
        ledger.wallet("alice");
        assertThat(ledger.transfer("t1", "bank", "alice", 10)).isEqualTo(CREATED);

        assertThat(ledger.transfer("t1", "ghost", "alice", 10)).isEqualTo(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
    }

    // ---- pending transactions

    @Test
    void holdReservesUntilPosted() {
        fundedWallet("alice", 100);
        ledger.wallet("merchant");

        assertThat(ledger.hold("h1", "alice", "merchant", 60, null)).isEqualTo(CREATED);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.PENDING);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 100, 60, 0));
        assertThat(ledger.available("alice")).isEqualTo(40);
        assertThat(ledger.balances("merchant")).isEqualTo(new Balances(0, 0, 0, 60));

        assertThat(ledger.post("h1")).isEqualTo(OK);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(ledger.transaction("h1").postedAmounts()).containsExactly(60L);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(60, 100, 0, 0));
        assertThat(ledger.balances("merchant")).isEqualTo(new Balances(0, 60, 0, 0));
    }

    @Test
    void partialPostReleasesTheRest() {
        fundedWallet("alice", 100);
        ledger.wallet("merchant");
        ledger.hold("h1", "alice", "merchant", 60, null);

        assertThat(ledger.post("h1", 45)).isEqualTo(OK);

        assertThat(ledger.transaction("h1").postedAmounts()).containsExactly(45L);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(45, 100, 0, 0));
        assertThat(ledger.available("alice")).isEqualTo(55);
        assertThat(ledger.balances("merchant")).isEqualTo(new Balances(0, 45, 0, 0));
    }

    @Test
    void voidReleasesTheReservation() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, null);

        assertThat(ledger.voidPending("h1")).isEqualTo(OK);

        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.VOIDED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 100, 0, 0));
        assertThat(ledger.balances("bank")).isEqualTo(new Balances(100, 0, 0, 0));
    }

    @Test
    void pendingExpiresExactlyAtItsDeadline() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, 30L);
        long expiresAt = ledger.transaction("h1").expiresAtMicros();
        assertThat(expiresAt).isEqualTo(ledger.transaction("h1").committedAtMicros() + 30_000_000L);

        ledger.clock.setMicros(expiresAt - 1);
        ledger.sync();
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.PENDING);

        ledger.clock.setMicros(expiresAt);
        ledger.sync();
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.EXPIRED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 100, 0, 0));
        assertThat(ledger.store.journal(ledger.ledgerId).getLast().type()).isEqualTo(RecordType.TRANSACTION_EXPIRED);
    }

    @Test
    void postAfterVoidIsPendingAlreadyVoided() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, null);
        ledger.voidPending("h1");

        assertThat(ledger.post("h1")).isEqualTo(PENDING_ALREADY_VOIDED);
        assertThat(ledger.voidPending("h1")).isEqualTo(OK);
    }

    @Test
    void voidAfterPostIsPendingAlreadyPosted() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, null);
        ledger.post("h1");

        assertThat(ledger.voidPending("h1")).isEqualTo(PENDING_ALREADY_POSTED);
        assertThat(ledger.balance("alice")).isEqualTo(40);
    }

    @Test
    void postOrVoidAfterExpiryIsPendingExpired() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, 30L);
        ledger.advanceSeconds(31);

        assertThat(ledger.post("h1")).isEqualTo(PENDING_EXPIRED);
        assertThat(ledger.voidPending("h1")).isEqualTo(PENDING_EXPIRED);
        assertThat(ledger.balance("alice")).isEqualTo(100);
    }

    @Test
    void dueExpiriesBeyondOneBatchStillAnswerPendingExpired() {
        ledger.close();
        ledger = new LedgerHarness(new EngineConfig(1_024, 256, 100_000, 1, 5));
        ledger.bank("bank");
        fundedWallet("alice", 100);
        for (int i = 0; i < 5; i++) {
            assertThat(ledger.hold("h" + i, "alice", "bank", 10, 30L)).isEqualTo(CREATED);
        }
        ledger.clock.advanceSeconds(31);

        for (int i = 4; i >= 0; i--) {
            assertThat(ledger.post("h" + i)).isEqualTo(PENDING_EXPIRED);
            assertThat(ledger.transaction("h" + i).status()).isEqualTo(TransactionStatus.EXPIRED);
        }
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(0, 100, 0, 0));
    }

    @Test
    void postOrVoidOfAPostedTransactionIsTransactionNotPending() {
        fundedWallet("alice", 100);

        assertThat(ledger.post("fund:alice")).isEqualTo(TRANSACTION_NOT_PENDING);
        assertThat(ledger.voidPending("fund:alice")).isEqualTo(TRANSACTION_NOT_PENDING);
    }

    @Test
    void postOrVoidOfAnUnknownTransactionIsTransactionNotFound() {
        assertThat(ledger.post("nothing")).isEqualTo(TRANSACTION_NOT_FOUND);
        assertThat(ledger.voidPending("nothing")).isEqualTo(TRANSACTION_NOT_FOUND);
    }

    @Test
    void postTwiceAnswersOkWithTheSameResult() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, null);
        assertThat(ledger.post("h1", 45)).isEqualTo(OK);
        long sequence = ledger.sequence();

        TransactionResult again = await(ledger.engine.post("h1", null));

        assertThat(again.code()).isEqualTo(OK);
        assertThat(again.transaction().status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(again.transaction().postedAmounts()).containsExactly(45L);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.balance("alice")).isEqualTo(55);
    }

    @Test
    void partialPostOfMoreThanIsPendingIsRefused() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 60, null);

        assertThat(ledger.post("h1", 61)).isEqualTo(POST_AMOUNT_EXCEEDS_PENDING);
        assertThat(ledger.transaction("h1").status()).isEqualTo(TransactionStatus.PENDING);
        assertThat(ledger.post("h1", 60)).isEqualTo(OK);
    }

    @Test
    void partialPostOfSeveralPostingsIsRefused() {
        fundedWallet("alice", 100);
        ledger.create(TransactionSpec.pending("h1", null, usd("alice", "bank", 10), usd("alice", "bank", 20)));

        assertThat(ledger.post("h1", 5)).isEqualTo(PARTIAL_POST_REQUIRES_SINGLE_POSTING);
        assertThat(ledger.post("h1")).isEqualTo(OK);
        assertThat(ledger.balance("alice")).isEqualTo(70);
    }

    // ---- reversals

    @Test
    void reversalFlipsEveryPostingAndLinksBothWays() {
        ledger.wallet("alice");
        ledger.wallet("bob");
        ledger.create(TransactionSpec.posted("t1", usd("bank", "alice", 100), usd("bank", "bob", 50)));

        TransactionResult reversal = ledger.reverse("t1", "r1", false);

        assertThat(reversal.code()).isEqualTo(CREATED);
        assertThat(reversal.transaction().spec().postings())
                .containsExactly(usd("alice", "bank", 100), usd("bob", "bank", 50));
        assertThat(reversal.transaction().reverses()).isEqualTo("t1");
        assertThat(ledger.transaction("t1").reversedBy()).isEqualTo("r1");
        assertThat(ledger.transaction("r1").reverses()).isEqualTo("t1");
        assertThat(ledger.balance("alice")).isZero();
        assertThat(ledger.balance("bob")).isZero();
        assertThat(ledger.balances("bank")).isEqualTo(new Balances(150, 150, 0, 0));
    }

    @Test
    void reversingTwiceIsTransactionAlreadyReversed() {
        fundedWallet("alice", 100);
        assertThat(ledger.reverse("fund:alice", "r1", false).code()).isEqualTo(CREATED);

        assertThat(ledger.reverse("fund:alice", "r2", false).code()).isEqualTo(TRANSACTION_ALREADY_REVERSED);
        assertThat(ledger.transaction("r2")).isNull();
    }

    /** What a caller attaches to a reversal reaches the store with it, and only when it is made. */
    @Test
    void aReversalsAttachmentIsCommittedOnlyWithTheReversal() {
        fundedWallet("alice", 100);
        ledger.create(TransactionSpec.posted("spend", usd("alice", "bank", 60)));
        java.util.List<dev.pacioli.ledger.CommitAttachment> committed =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ledger.store.onCommit(batch -> committed.addAll(batch.attachments()));
        dev.pacioli.ledger.CommitAttachment refusedOne = new dev.pacioli.ledger.CommitAttachment() {};
        dev.pacioli.ledger.CommitAttachment madeOne = new dev.pacioli.ledger.CommitAttachment() {};
        dev.pacioli.ledger.CommitAttachment replayed = new dev.pacioli.ledger.CommitAttachment() {};

        assertThat(await(ledger.engine.reverse("fund:alice", "r1", Metadata.EMPTY, null, false, refusedOne))
                        .code())
                .isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(await(ledger.engine.reverse("fund:alice", "r1", Metadata.EMPTY, null, true, madeOne))
                        .code())
                .isEqualTo(CREATED);
        assertThat(await(ledger.engine.reverse("fund:alice", "r1", Metadata.EMPTY, null, true, replayed))
                        .code())
                .isEqualTo(EXISTS);
        ledger.create(TransactionSpec.posted("later", usd("bank", "alice", 1)));

        assertThat(committed).containsExactly(madeOne);
        assertThat(ledger.balance("alice")).isEqualTo(-59);
    }

    /** What a caller attaches to a new transaction reaches the store with it, and only when it is made. */
    @Test
    void aTransactionsAttachmentIsCommittedOnlyWithTheTransaction() {
        fundedWallet("alice", 100);
        java.util.List<dev.pacioli.ledger.CommitAttachment> committed =
                java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ledger.store.onCommit(batch -> committed.addAll(batch.attachments()));
        dev.pacioli.ledger.CommitAttachment refusedOne = new dev.pacioli.ledger.CommitAttachment() {};
        dev.pacioli.ledger.CommitAttachment madeOne = new dev.pacioli.ledger.CommitAttachment() {};
        dev.pacioli.ledger.CommitAttachment replayed = new dev.pacioli.ledger.CommitAttachment() {};
        TransactionSpec tooMuch = TransactionSpec.posted("pay", usd("alice", "bank", 500));
        TransactionSpec enough = TransactionSpec.posted("pay", usd("alice", "bank", 50));

        assertThat(await(ledger.engine.createTransaction(tooMuch, refusedOne)).code())
                .isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(await(ledger.engine.createTransaction(enough, madeOne)).code())
                .isEqualTo(CREATED);
        assertThat(await(ledger.engine.createTransaction(enough, replayed)).code())
                .isEqualTo(EXISTS);
        ledger.create(TransactionSpec.posted("later", usd("bank", "alice", 1)));

        assertThat(committed).containsExactly(madeOne);
        assertThat(ledger.balance("alice")).isEqualTo(51);
    }

    @Test
    void reversalReplayAnswersExistsAndAnyOtherFieldIsAConflict() {
        fundedWallet("alice", 100);
        Transaction first = ledger.reverse("fund:alice", "r1", false).transaction();

        TransactionResult replay = ledger.reverse("fund:alice", "r1", false);
        assertThat(replay.code()).isEqualTo(EXISTS);
        assertThat(replay.transaction().sequence()).isEqualTo(first.sequence());
        TransactionResult otherMetadata =
                await(ledger.engine.reverse("fund:alice", "r1", Metadata.of("why", "typo"), null, false));
        assertThat(otherMetadata.code()).isEqualTo(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.reverse("fund:alice", "fund:alice", false).code())
                .isEqualTo(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.create(first.spec()).code()) // the same postings, but not as a reversal
                .isEqualTo(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.balance("alice")).isZero();
    }

    @Test
    void onlyPostedTransactionsReverse() {
        fundedWallet("alice", 100);
        ledger.hold("pending", "alice", "bank", 10, null);
        ledger.hold("voided", "alice", "bank", 10, null);
        ledger.voidPending("voided");
        ledger.hold("expired", "alice", "bank", 10, 5L);
        ledger.advanceSeconds(6);

        assertThat(ledger.reverse("pending", "r1", false).code()).isEqualTo(TRANSACTION_NOT_POSTED);
        assertThat(ledger.reverse("voided", "r2", false).code()).isEqualTo(TRANSACTION_NOT_POSTED);
        assertThat(ledger.reverse("expired", "r3", false).code()).isEqualTo(TRANSACTION_NOT_POSTED);
        assertThat(ledger.reverse("nothing", "r4", false).code()).isEqualTo(TRANSACTION_NOT_FOUND);
    }

    @Test
    void reversalOfAPartialPostFlipsWhatWasPosted() {
        fundedWallet("alice", 100);
        ledger.wallet("merchant");
        ledger.hold("h1", "alice", "merchant", 60, null);
        ledger.post("h1", 45);

        TransactionResult reversal = ledger.reverse("h1", "r1", false);

        assertThat(reversal.code()).isEqualTo(CREATED);
        assertThat(reversal.transaction().spec().postings()).containsExactly(usd("merchant", "alice", 45));
        assertThat(ledger.balance("alice")).isEqualTo(100);
        assertThat(ledger.balance("merchant")).isZero();
    }

    @Test
    void reversalBelowTheMinimumNeedsForce() {
        fundedWallet("alice", 100);
        assertThat(ledger.transfer("spend", "alice", "bank", 80)).isEqualTo(CREATED);

        assertThat(ledger.reverse("fund:alice", "r1", false).code()).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.balance("alice")).isEqualTo(20);
        assertThat(ledger.reverse("fund:alice", "r1", true).code()).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(-80);

        assertThat(ledger.transfer("t1", "alice", "bank", 1)).isEqualTo(INSUFFICIENT_FUNDS);
        assertThat(ledger.transfer("t2", "bank", "alice", 10)).isEqualTo(CREATED);
        assertThat(ledger.balance("alice")).isEqualTo(-70);
    }

    @Test
    void forceDoesNotLiftTheMaximum() {
        ledger.openAccount("capped", null, 100L);
        assertThat(ledger.transfer("t1", "capped", "bank", 50)).isEqualTo(CREATED);
        assertThat(ledger.transfer("t2", "bank", "capped", 150)).isEqualTo(CREATED);

        assertThat(ledger.reverse("t1", "r1", true).code()).isEqualTo(EXCEEDS_MAX_BALANCE);
        assertThat(ledger.balance("capped")).isEqualTo(100);
    }

    // ---- batches

    @Test
    void atomicBatchWithOneFailureChangesNothing() {
        fundedWallet("alice", 100);
        ledger.wallet("bob");
        Map<String, Account> before = ledger.accounts();
        long sequence = ledger.sequence();

        List<TransactionResult> results = ledger.batch(
                true,
                false,
                TransactionSpec.posted("a1", usd("bank", "bob", 10)),
                TransactionSpec.posted("fund:alice", usd("bank", "alice", 100)), // a replay
                TransactionSpec.posted("a2", usd("alice", "bob", 500)),
                TransactionSpec.posted("a3", usd("bank", "alice", 5)));

        assertThat(results)
                .extracting(TransactionResult::code)
                .containsExactly(
                        LINKED_TRANSACTION_FAILED,
                        LINKED_TRANSACTION_FAILED,
                        INSUFFICIENT_FUNDS,
                        LINKED_TRANSACTION_FAILED);
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.transaction("a1")).isNull();
        assertThat(ledger.transaction("a3")).isNull();
        assertThat(ledger.transfer("a1", "bank", "bob", 10)).isEqualTo(CREATED);
    }

    @Test
    void atomicBatchItemsSeeTheOnesBefore() {
        ledger.wallet("alice");
        ledger.wallet("bob");

        List<TransactionResult> results = ledger.batch(
                true,
                false,
                TransactionSpec.posted("a1", usd("bank", "alice", 100)),
                TransactionSpec.posted("a2", usd("alice", "bob", 100)));

        assertThat(results).extracting(TransactionResult::code).containsExactly(CREATED, CREATED);
        assertThat(ledger.balance("bob")).isEqualTo(100);
    }

    @Test
    void nonAtomicBatchItemSeesTheOneBefore() {
        ledger.wallet("alice");
        ledger.wallet("bob");

        List<TransactionResult> results = ledger.batch(
                false,
                false,
                TransactionSpec.posted("n1", usd("bank", "alice", 100)),
                TransactionSpec.posted("n2", usd("alice", "bob", 100)),
                TransactionSpec.posted("n3", usd("alice", "bob", 1)),
                TransactionSpec.posted("n4", usd("bank", "bob", 5)));

        assertThat(results)
                .extracting(TransactionResult::code)
                .containsExactly(CREATED, CREATED, INSUFFICIENT_FUNDS, CREATED);
        assertThat(ledger.balance("alice")).isZero();
        assertThat(ledger.balance("bob")).isEqualTo(105);
        assertThat(ledger.transaction("n3")).isNull();
        assertThat(results.get(1).transaction().sequence())
                .isEqualTo(results.get(0).transaction().sequence() + 1);
        assertThat(results.get(3).transaction().sequence())
                .isEqualTo(results.get(1).transaction().sequence() + 1);
    }

    @Test
    void sameIdTwiceInOneBatchIsCreatedThenExistsOrConflict() {
        ledger.wallet("alice");
        TransactionSpec spec = TransactionSpec.posted("x", usd("bank", "alice", 10));

        List<TransactionResult> results =
                ledger.batch(false, false, spec, spec, TransactionSpec.posted("x", usd("bank", "alice", 11)));

        assertThat(results)
                .extracting(TransactionResult::code)
                .containsExactly(CREATED, EXISTS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(results.get(1).transaction().sequence())
                .isEqualTo(results.get(0).transaction().sequence());
        assertThat(ledger.balance("alice")).isEqualTo(10);
    }

    // ---- dry runs

    @Test
    void dryRunAnswersWithoutKeepingAnythingOrUsingASequence() {
        ledger.wallet("alice");
        long sequence = ledger.sequence();
        long committed = ledger.engine.committedSequence();
        Map<String, Account> before = ledger.accounts();

        List<TransactionResult> dry = ledger.batch(
                false,
                true,
                TransactionSpec.posted("d1", usd("bank", "alice", 100)),
                TransactionSpec.posted("d2", usd("alice", "bank", 150)));

        assertThat(dry).extracting(TransactionResult::code).containsExactly(CREATED, INSUFFICIENT_FUNDS);
        assertThat(dry.get(0).transaction().sequence()).isEqualTo(sequence + 1);
        assertThat(ledger.engine.committedSequence()).isEqualTo(committed);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.accounts()).isEqualTo(before);
        assertThat(ledger.transaction("d1")).isNull();

        TransactionResult real = ledger.create(TransactionSpec.posted("d1", usd("bank", "alice", 100)));
        assertThat(real.code()).isEqualTo(CREATED);
        assertThat(real.transaction().sequence()).isEqualTo(sequence + 1);
    }

    @Test
    void atomicDryRunAnswersLinkedFailures() {
        ledger.wallet("alice");
        long sequence = ledger.sequence();

        List<TransactionResult> dry = ledger.batch(
                true,
                true,
                TransactionSpec.posted("d1", usd("bank", "alice", 100)),
                TransactionSpec.posted("d2", usd("alice", "bank", 150)));

        assertThat(dry)
                .extracting(TransactionResult::code)
                .containsExactly(LINKED_TRANSACTION_FAILED, INSUFFICIENT_FUNDS);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.balance("alice")).isZero();
    }

    // ---- accounts

    @Test
    void accountReplayIsExistsAndOtherFieldsAreAConflict() {
        AccountSpec wallet = new AccountSpec("alice", USD, NormalBalance.CREDIT, 0L, null, Metadata.of("owner", "42"));
        assertThat(ledger.open(wallet)).isEqualTo(CREATED);
        long sequence = ledger.sequence();

        AccountResult replay = await(ledger.engine.createAccount(wallet));
        assertThat(replay.code()).isEqualTo(EXISTS);
        assertThat(replay.account()).isEqualTo(ledger.account("alice"));
        assertThat(ledger.open(new AccountSpec("alice", USD, NormalBalance.CREDIT, 0L, null, Metadata.EMPTY)))
                .isEqualTo(ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.open(new AccountSpec("alice", USD, NormalBalance.CREDIT, -10L, null, wallet.metadata())))
                .isEqualTo(ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.open(new AccountSpec("alice", EUR, NormalBalance.CREDIT, 0L, null, wallet.metadata())))
                .isEqualTo(ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS);
        assertThat(ledger.sequence()).isEqualTo(sequence);
        assertThat(ledger.account("alice").spec()).isEqualTo(wallet);
    }

    @Test
    void versionCountsEveryChangeToAnAccount() {
        ledger.wallet("alice");
        assertThat(ledger.account("alice").version()).isEqualTo(1);

        ledger.transfer("t1", "bank", "alice", 100);
        ledger.create(TransactionSpec.posted("t2", usd("alice", "bank", 10), usd("alice", "bank", 20)));
        ledger.hold("h1", "alice", "bank", 30, null);
        ledger.post("h1", 10);
        ledger.transfer("refused", "alice", "bank", 1_000);
        ledger.transfer("t1", "bank", "alice", 100);
        ledger.transfer("t3", "alice", "bank", 60);
        ledger.close("alice");

        assertThat(ledger.account("alice").version()).isEqualTo(7);
        assertThat(ledger.account("alice").status()).isEqualTo(AccountStatus.CLOSED);
    }

    @Test
    void accountInAnUnknownAssetIsAssetNotFound() {
        assertThat(ledger.open(AccountSpec.of("gold", "XAU", NormalBalance.DEBIT)))
                .isEqualTo(ASSET_NOT_FOUND);
        assertThat(ledger.account("gold")).isNull();
    }

    @Test
    void closeNeedsZeroBalanceAndNothingPending() {
        fundedWallet("alice", 100);

        assertThat(ledger.close("alice")).isEqualTo(ACCOUNT_NOT_EMPTY);
        ledger.transfer("t1", "alice", "bank", 100);
        ledger.hold("h1", "bank", "alice", 10, null);
        assertThat(ledger.close("alice")).isEqualTo(ACCOUNT_NOT_EMPTY);
        ledger.voidPending("h1");
        assertThat(ledger.close("alice")).isEqualTo(OK);
        assertThat(ledger.account("alice").status()).isEqualTo(AccountStatus.CLOSED);
        assertThat(ledger.close("alice")).isEqualTo(OK);
        assertThat(ledger.close("nobody")).isEqualTo(ACCOUNT_NOT_FOUND);
    }

    @Test
    void closedAccountTakesNoPostings() {
        fundedWallet("alice", 100);
        ledger.transfer("t1", "alice", "bank", 100);
        assertThat(ledger.close("alice")).isEqualTo(OK);

        assertThat(ledger.transfer("t2", "bank", "alice", 10)).isEqualTo(ACCOUNT_CLOSED);
        assertThat(ledger.transfer("t3", "alice", "bank", 10)).isEqualTo(ACCOUNT_CLOSED);
        assertThat(ledger.balances("alice")).isEqualTo(new Balances(100, 100, 0, 0));
    }

    // ---- the writer

    @Test
    void fullQueueAnswersOverloadedAtOnce() throws InterruptedException {
        ledger.close();
        ledger = new LedgerHarness(new EngineConfig(1, 256, 100_000, 10_000, 5));
        CountDownLatch inCommit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ledger.store.onCommit(batch -> {
            inCommit.countDown();
            LedgerHarness.awaitLatch(release);
        });

        CompletableFuture<AccountResult> committing =
                ledger.engine.createAccount(AccountSpec.of("a", USD, NormalBalance.CREDIT));
        assertThat(inCommit.await(LedgerHarness.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isTrue();
        // The writer executes one more batch on top of the one committing, then waits for room.
        CompletableFuture<AccountResult> onTop =
                ledger.engine.createAccount(AccountSpec.of("b", USD, NormalBalance.CREDIT));
        ledger.awaitCommitsInFlight(LedgerEngine.COMMITS_IN_FLIGHT_MAX);
        CompletableFuture<AccountResult> queued =
                ledger.engine.createAccount(AccountSpec.of("c", USD, NormalBalance.CREDIT));
        CompletableFuture<AccountResult> refused =
                ledger.engine.createAccount(AccountSpec.of("d", USD, NormalBalance.CREDIT));

        assertThat(refused).isDone();
        assertThat(refused.join().code()).isEqualTo(OVERLOADED);
        assertThat(queued).isNotDone();
        release.countDown();
        assertThat(await(committing).code()).isEqualTo(CREATED);
        assertThat(await(onTop).code()).isEqualTo(CREATED);
        assertThat(await(queued).code()).isEqualTo(CREATED);
        assertThat(ledger.account("d")).isNull();
    }

    @Test
    void closedEngineAnswersWriterStopped() {
        ledger.engine.close();

        assertThat(await(ledger.engine.createAccount(AccountSpec.of("a", USD, NormalBalance.CREDIT)))
                        .code())
                .isEqualTo(WRITER_STOPPED);
        assertThat(ledger.engine.isRunning()).isFalse();
    }

    @Test
    void secondWriterOfALedgerIsRefused() {
        assertThatThrownBy(() ->
                        LedgerEngine.start(ledger.store, ledger.ledgerId, LEDGER, LedgerHarness.CONFIG, ledger.clock))
                .isInstanceOf(LedgerStore.LedgerLockedException.class);

        ledger.restart();
        assertThat(ledger.wallet("alice")).isEqualTo(CREATED);
    }

    @Test
    void timestampsNeverGoBackwardsWhenTheClockDoes() {
        ledger.wallet("alice");
        assertThat(ledger.transfer("t1", "bank", "alice", 1)).isEqualTo(CREATED);
        long first = ledger.transaction("t1").committedAtMicros();

        ledger.clock.advanceSeconds(-3_600);
        assertThat(ledger.transfer("t2", "bank", "alice", 1)).isEqualTo(CREATED);

        assertThat(ledger.transaction("t2").committedAtMicros()).isGreaterThan(first);
    }

    // ---- the journal and the statement

    @Test
    void journalIsAnUnbrokenHashChainThatDecodesBackToEveryRecord() throws Exception {
        fundedWallet("alice", 1_000);
        ledger.wallet("bob");
        ledger.create(new TransactionSpec(
                "t1",
                List.of(usd("alice", "bob", 100), usd("bob", "bank", 5)),
                false,
                null,
                Metadata.of("order", "A-1", "channel", "web"),
                "Order A-1"));
        ledger.hold("h1", "alice", "bob", 50, null);
        ledger.post("h1", 20);
        ledger.hold("h2", "alice", "bob", 50, null);
        ledger.voidPending("h2");
        ledger.hold("h3", "alice", "bob", 50, 10L);
        ledger.advanceSeconds(11);
        ledger.reverse("t1", "r1", false);
        ledger.wallet("carol");
        ledger.close("carol");

        List<JournalRecord> journal = ledger.store.journal(ledger.ledgerId);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] previous = JournalCodec.genesisHash(LEDGER);
        for (JournalRecord record : journal) {
            sha256.reset();
            sha256.update(previous);
            assertThat(record.hash()).as("hash of %d", record.sequence()).isEqualTo(sha256.digest(record.canonical()));
            JournalCodec.Decoded decoded = JournalCodec.decode(record.canonical());
            assertThat(decoded.type()).isEqualTo(record.type());
            assertThat(decoded.sequence()).isEqualTo(record.sequence());
            assertThat(decoded.timestampMicros()).isEqualTo(record.timestampMicros());
            previous = record.hash();
        }
        assertThat(journal)
                .extracting(JournalRecord::type)
                .containsOnlyOnce(
                        RecordType.TRANSACTION_POSTED,
                        RecordType.TRANSACTION_VOIDED,
                        RecordType.TRANSACTION_EXPIRED,
                        RecordType.TRANSACTION_REVERSED,
                        RecordType.ACCOUNT_CLOSED);
        assertThat(ledger.store.head(ledger.ledgerId).hash()).isEqualTo(previous);
        JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER); // re-encoding, rows and entries
    }

    @Test
    void statementHasALinePerChangeWithTheBalancesAfterIt() {
        fundedWallet("alice", 100);
        ledger.hold("h1", "alice", "bank", 30, null);
        ledger.post("h1", 20);
        ledger.hold("h2", "alice", "bank", 10, null);
        ledger.voidPending("h2");

        List<Entry> statement = ledger.store.entries(ledger.ledgerId).stream()
                .filter(entry -> entry.accountId().equals("alice"))
                .toList();

        assertThat(statement)
                .extracting(
                        Entry::transactionId,
                        Entry::kind,
                        Entry::debit,
                        Entry::credit,
                        Entry::balanceAfter,
                        Entry::availableAfter)
                .containsExactly(
                        tuple("fund:alice", EntryKind.POSTED, 0L, 100L, 100L, 100L),
                        tuple("h1", EntryKind.PENDING, 30L, 0L, 100L, 70L),
                        tuple("h1", EntryKind.POST, 20L, 0L, 80L, 80L),
                        tuple("h2", EntryKind.PENDING, 10L, 0L, 80L, 70L),
                        tuple("h2", EntryKind.VOID, 10L, 0L, 80L, 80L));
        assertThat(statement.getLast().after()).isEqualTo(ledger.balances("alice"));
    }
}
