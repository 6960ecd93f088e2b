package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's reads against what the engine really commits on PostgreSQL. Every test starts from the
 * same ledger: users whose ids sort differently under a linguistic collation than byte by byte, a
 * merchant, a closed account, a EUR pair, and transactions posted, pending, partly posted, voided and
 * reversed, one second apart.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class LedgerReadsTest {
    /** Ids that en_US or ICU would order otherwise: punctuation, case, and "users:10" after "users:1". */
    private static final List<String> USERS =
            List.of("users:1", "users.1", "users-1", "usersA", "users:10", "users:2", "users_1", "usersa", "users:A");

    private final TestDatabase database;
    private TestLedger ledger;
    private LedgerReads reads;
    private final List<String> accountIds = new ArrayList<>();
    private final List<String> transactionIds = new ArrayList<>();
    private final Map<String, Long> committedAt = new HashMap<>();

    LedgerReadsTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void writeTheLedger() {
        ledger = new TestLedger(database.database());
        reads = database.database().reads();
        open("world", "USD", NormalBalance.DEBIT, null, Metadata.of("kind", "world"));
        for (String user : USERS) {
            String tier = user.equals("users:1") || user.equals("users:10") ? "gold" : "silver";
            open(user, "USD", NormalBalance.CREDIT, 0L, Metadata.of("kind", "user", "tier", tier));
        }
        open("merchants:7", "USD", NormalBalance.CREDIT, 0L, Metadata.of("kind", "merchant"));
        open("eur:world", "EUR", NormalBalance.DEBIT, null, Metadata.EMPTY);
        open("eur:wallet", "EUR", NormalBalance.CREDIT, 0L, Metadata.EMPTY);
        open("closed:1", "USD", NormalBalance.CREDIT, 0L, Metadata.EMPTY);
        assertThat(join(ledger.engine.closeAccount("closed:1")).code()).isEqualTo(ResultCode.OK);

        create(posted("deposit-1", Metadata.of("channel", "bank", "order", "D-1"), usd("world", "users:1", 10_000)));
        create(posted("deposit-2", Metadata.of("channel", "bank"), usd("world", "users:10", 5_000)));
        create(posted(
                "pay-1",
                Metadata.of("channel", "card", "order", "A-1"),
                usd("users:1", "merchants:7", 1_500),
                usd("users:1", "users:2", 45)));
        create(TransactionSpec.pending("hold-1", 3_600L, usd("users:1", "users:2", 2_000)));
        create(TransactionSpec.pending("hold-2", null, usd("users:10", "merchants:7", 1_000)));
        create(TransactionSpec.pending("hold-3", null, usd("users:10", "users:2", 300)));
        answer("post hold-2", ledger.engine.post("hold-2", 600L), ResultCode.OK);
        answer("void hold-3", ledger.engine.voidPending("hold-3"), ResultCode.OK);
        tick();
        var reversal = ledger.engine.reverse("pay-1", "rev-1", Metadata.of("reason", "refund"), null, false);
        record(answer("reverse pay-1", reversal, ResultCode.CREATED));
        create(posted("eur-1", Metadata.EMPTY, new Posting("eur:world", "eur:wallet", 700, "EUR")));
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    // ---- accounts

    @Test
    void anAccountByIdIsWhatTheStoreLoads() {
        assertThat(reads.account(ledgerId(), "users:1")).contains(stored("users:1"));
        assertThat(reads.account(ledgerId(), "users:1").orElseThrow().available())
                .isEqualTo(10_000 - 2_000);
        assertThat(reads.account(ledgerId(), "nobody")).isEmpty();
    }

    @Test
    void aPrefixSelectsTheIdsThatStartWithItInByteOrder() {
        assertThat(ids(reads.accounts(ledgerId(), prefix("users:"), null, 100)))
                .containsExactly("users:1", "users:10", "users:2", "users:A");
        for (String prefix : List.of("users", "users:", "users:1", "users.", "users-", "usersA", "users_", "u", "")) {
            assertThat(ids(reads.accounts(ledgerId(), prefix(prefix), null, 100)))
                    .as("prefix '%s'", prefix)
                    .isEqualTo(expectedIds(id -> id.startsWith(prefix)));
        }
        for (String prefix : List.of("users:1:", "zzz", "USERS", "users;", "usérs", "users\u0000")) {
            assertThat(reads.accounts(ledgerId(), prefix(prefix), null, 100).items())
                    .as("prefix '%s'", prefix)
                    .isEmpty();
        }
    }

    @Test
    void accountsFilterByAssetStatusAndMetadata() {
        assertThat(ids(reads.accounts(ledgerId(), new AccountFilter(null, "EUR", null, null), null, 100)))
                .containsExactly("eur:wallet", "eur:world");
        assertThat(ids(reads.accounts(ledgerId(), new AccountFilter(null, null, AccountStatus.CLOSED, null), null, 10)))
                .containsExactly("closed:1");
        assertThat(ids(reads.accounts(ledgerId(), new AccountFilter(null, null, AccountStatus.OPEN, null), null, 100)))
                .isEqualTo(expectedIds(id -> !id.equals("closed:1")));
        var gold = new AccountFilter(null, null, null, Map.of("kind", "user", "tier", "gold"));
        assertThat(ids(reads.accounts(ledgerId(), gold, null, 100))).containsExactly("users:1", "users:10");
        var silverUsersWithColon = new AccountFilter("users:", "USD", AccountStatus.OPEN, Map.of("tier", "silver"));
        assertThat(ids(reads.accounts(ledgerId(), silverUsersWithColon, null, 100)))
                .containsExactly("users:2", "users:A");
        var noSuchValue = new AccountFilter(null, null, null, Map.of("kind", "User"));
        assertThat(reads.accounts(ledgerId(), noSuchValue, null, 100).items()).isEmpty();
    }

    @Test
    void pagingThroughAccountsReturnsEveryOneOnceInOrder() {
        for (int limit : new int[] {1, 2, 3, 1_000}) {
            assertThat(everyPage(
                            limit, (afterId, size) -> reads.accounts(ledgerId(), AccountFilter.ALL, afterId, size)))
                    .as("limit %d", limit)
                    .isEqualTo(expectedIds(id -> true));
            assertThat(everyPage(limit, (afterId, size) -> reads.accounts(ledgerId(), prefix("users"), afterId, size)))
                    .as("limit %d", limit)
                    .isEqualTo(expectedIds(id -> id.startsWith("users")));
        }
        Page<Account> exact = reads.accounts(ledgerId(), prefix("users:"), null, 4);
        assertThat(exact.items()).hasSize(4);
        assertThat(exact.hasMore()).isFalse();
    }

    /** Follows the cursor (the last id) from the first page to the last. */
    private static List<String> everyPage(int limit, BiFunction<String, Integer, Page<Account>> read) {
        List<String> ids = new ArrayList<>();
        String afterId = null;
        Page<Account> page;
        do {
            page = read.apply(afterId, limit);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
            ids.addAll(ids(page));
            if (page.hasMore()) {
                assertThat(page.items()).hasSize(limit);
                afterId = page.last().id();
            }
        } while (page.hasMore());
        return ids;
    }

    // ---- statements and balances

    @Test
    void entriesAreNewestFirstWithTheBalancesAfterEach() {
        List<Entry> entries = reads.entries(ledgerId(), "users:1", null, 100).items();
        assertThat(entries).extracting(Entry::transactionId).containsExactly("rev-1", "hold-1", "pay-1", "deposit-1");
        assertThat(entries)
                .extracting(Entry::kind)
                .containsExactly(EntryKind.POSTED, EntryKind.PENDING, EntryKind.POSTED, EntryKind.POSTED);
        assertThat(entries).extracting(Entry::debit).containsExactly(0L, 2_000L, 1_545L, 0L);
        assertThat(entries).extracting(Entry::credit).containsExactly(1_545L, 0L, 0L, 10_000L);
        assertThat(entries).extracting(Entry::balanceAfter).containsExactly(10_000L, 8_455L, 8_455L, 10_000L);
        assertThat(entries).extracting(Entry::availableAfter).containsExactly(8_000L, 6_455L, 8_455L, 10_000L);
        assertThat(entries.get(0).after()).isEqualTo(stored("users:1").balances());
        assertThat(entries.get(3).committedAtMicros()).isEqualTo(committedAt.get("deposit-1"));

        List<Entry> partlyPosted =
                reads.entries(ledgerId(), "users:10", null, 100).items();
        assertThat(partlyPosted)
                .extracting(Entry::kind)
                .containsExactly(
                        EntryKind.VOID, EntryKind.POST, EntryKind.PENDING, EntryKind.PENDING, EntryKind.POSTED);
        assertThat(partlyPosted)
                .extracting(Entry::transactionId)
                .containsExactly("hold-3", "hold-2", "hold-3", "hold-2", "deposit-2");
        assertThat(partlyPosted.get(1).after()).isEqualTo(new Balances(600, 5_000, 300, 0));
        assertThat(partlyPosted)
                .extracting(Entry::balanceAfter)
                .containsExactly(4_400L, 4_400L, 5_000L, 5_000L, 5_000L);
        assertThat(partlyPosted)
                .extracting(Entry::availableAfter)
                .containsExactly(4_400L, 4_100L, 3_700L, 4_000L, 5_000L);
    }

    @Test
    void pagingThroughEntriesFollowsTheSequenceCursor() {
        List<Entry> all = reads.entries(ledgerId(), "users:10", null, 100).items();
        List<Entry> paged = new ArrayList<>();
        Long before = null;
        Page<Entry> page;
        do {
            page = reads.entries(ledgerId(), "users:10", before, 2);
            paged.addAll(page.items());
            before = page.items().isEmpty() ? null : page.last().sequence();
        } while (page.hasMore());
        assertThat(paged).isEqualTo(all);
        assertThat(all).extracting(Entry::sequence).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(reads.entries(ledgerId(), "users:10", all.get(all.size() - 1).sequence(), 10)
                        .items())
                .isEmpty();
        assertThat(reads.entries(ledgerId(), "nobody", null, 10).items()).isEmpty();
    }

    @Test
    void balancesAsOfATimeAreThoseAfterTheLastEntryByThen() {
        long paid = committedAt.get("pay-1");
        long held = committedAt.get("hold-1");
        long paySequence = stored(List.of("pay-1")).get(0).sequence();

        BalancesAsOf between = reads.balancesAsOf(ledgerId(), "users:1", (paid + held) / 2);
        assertThat(between).isEqualTo(new BalancesAsOf(paySequence, new Balances(1_545, 10_000, 0, 0), 8_455, 8_455));
        assertThat(reads.balancesAsOf(ledgerId(), "users:1", paid)).isEqualTo(between);
        assertThat(reads.balancesAsOf(ledgerId(), "users:1", held).balances())
                .isEqualTo(new Balances(1_545, 10_000, 2_000, 0));
        assertThat(reads.balancesAsOf(ledgerId(), "users:1", committedAt.get("deposit-1") - 1))
                .isEqualTo(BalancesAsOf.NONE);
        BalancesAsOf now = reads.balancesAsOf(ledgerId(), "users:1", Long.MAX_VALUE / 2);
        assertThat(now.balances()).isEqualTo(stored("users:1").balances());
        assertThat(now.balance()).isEqualTo(stored("users:1").balance());
        assertThat(now.available()).isEqualTo(stored("users:1").available());
        assertThat(reads.balancesAsOf(ledgerId(), "nobody", held)).isEqualTo(BalancesAsOf.NONE);
    }

    // ---- transactions

    @Test
    void aTransactionByIdIsWhatTheStoreLoads() {
        Transaction partlyPosted = reads.transaction(ledgerId(), "hold-2").orElseThrow();
        assertThat(partlyPosted)
                .usingRecursiveComparison()
                .isEqualTo(stored(List.of("hold-2")).get(0));
        assertThat(partlyPosted.status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(partlyPosted.postedAmounts()).containsExactly(600L);
        Transaction payment = reads.transaction(ledgerId(), "pay-1").orElseThrow();
        assertThat(payment.reversedBy()).isEqualTo("rev-1");
        assertThat(payment.spec().postings()).hasSize(2);
        assertThat(reads.transaction(ledgerId(), "rev-1").orElseThrow().reverses())
                .isEqualTo("pay-1");
        assertThat(reads.transaction(ledgerId(), "nothing")).isEmpty();
    }

    @Test
    void transactionsAreNewestFirstAndPageByTheSequenceCursor() {
        List<Transaction> all =
                reads.transactions(ledgerId(), TransactionFilter.ALL, null, 100).items();
        assertThat(all)
                .extracting(Transaction::id)
                .containsExactly("eur-1", "rev-1", "hold-3", "hold-2", "hold-1", "pay-1", "deposit-2", "deposit-1");
        assertThat(all).usingRecursiveComparison().isEqualTo(expectedTransactions(transaction -> true));
        for (int limit : new int[] {1, 3, 8}) {
            assertThat(everyTransactionPage(TransactionFilter.ALL, limit))
                    .as("limit %d", limit)
                    .isEqualTo(ids(all));
        }
        Page<Transaction> exact = reads.transactions(ledgerId(), TransactionFilter.ALL, null, 8);
        assertThat(exact.hasMore()).isFalse();
    }

    @Test
    void transactionsFilterByAccountStatusAndMetadata() {
        assertThat(transactionIds(new TransactionFilter("users:1", null, null)))
                .containsExactly("rev-1", "hold-1", "pay-1", "deposit-1");
        assertThat(transactionIds(new TransactionFilter("users:2", null, null)))
                .containsExactly("rev-1", "hold-3", "hold-1", "pay-1");
        assertThat(transactionIds(new TransactionFilter(null, TransactionStatus.PENDING, null)))
                .containsExactly("hold-1");
        assertThat(transactionIds(new TransactionFilter("users:10", TransactionStatus.VOIDED, null)))
                .containsExactly("hold-3");
        assertThat(transactionIds(new TransactionFilter(null, null, Map.of("order", "A-1"))))
                .containsExactly("pay-1");
        assertThat(transactionIds(new TransactionFilter("users:10", null, Map.of("channel", "bank"))))
                .containsExactly("deposit-2");
        assertThat(transactionIds(new TransactionFilter("nobody", null, null))).isEmpty();

        // Every account and status, against the stored transactions filtered here, and paged by one.
        for (String account : expectedIds(id -> true)) {
            for (TransactionStatus status : new TransactionStatus[] {null, TransactionStatus.POSTED}) {
                var filter = new TransactionFilter(account, status, null);
                List<String> expected = ids(expectedTransactions(transaction ->
                        touches(transaction, account) && (status == null || transaction.status() == status)));
                assertThat(transactionIds(filter)).as("%s", filter).isEqualTo(expected);
                assertThat(everyTransactionPage(filter, 1)).as("%s", filter).isEqualTo(expected);
            }
        }
    }

    private List<String> transactionIds(TransactionFilter filter) {
        return ids(reads.transactions(ledgerId(), filter, null, 100).items());
    }

    private List<String> everyTransactionPage(TransactionFilter filter, int limit) {
        List<Transaction> transactions = new ArrayList<>();
        Long before = null;
        Page<Transaction> page;
        do {
            page = reads.transactions(ledgerId(), filter, before, limit);
            transactions.addAll(page.items());
            before = page.items().isEmpty() ? null : page.last().sequence();
        } while (page.hasMore());
        return ids(transactions);
    }

    private static boolean touches(Transaction transaction, String account) {
        return transaction.spec().postings().stream()
                .anyMatch(posting ->
                        posting.from().equals(account) || posting.to().equals(account));
    }

    // ---- trial balance

    @Test
    void theTrialBalanceIsBalancedAndEqualsTheSumsOfTheAccounts() {
        List<TrialBalanceLine> lines = reads.trialBalance(ledgerId());
        assertThat(lines).extracting(TrialBalanceLine::asset).containsExactly("EUR", "USD");
        assertThat(lines).allMatch(TrialBalanceLine::balanced);
        Map<String, BigInteger[]> sums = new TreeMap<>();
        for (Account account :
                reads.accounts(ledgerId(), AccountFilter.ALL, null, 100).items()) {
            BigInteger[] sum = sums.computeIfAbsent(account.asset(), asset ->
                    new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO});
            Balances balances = account.balances();
            long[] components = {
                balances.postedDebits(), balances.postedCredits(), balances.pendingDebits(), balances.pendingCredits()
            };
            for (int i = 0; i < 4; i++) {
                sum[i] = sum[i].add(BigInteger.valueOf(components[i]));
            }
        }
        for (TrialBalanceLine line : lines) {
            BigInteger[] sum = sums.get(line.asset());
            assertThat(List.of(line.postedDebits(), line.postedCredits(), line.pendingDebits(), line.pendingCredits()))
                    .as(line.asset())
                    .containsExactly(sum);
        }
        // By hand: the debits are the deposits, the payment, the posted part of hold-2 and the reversal;
        // hold-1 is still pending.
        assertThat(lines.get(1).postedDebits()).isEqualTo(BigInteger.valueOf(10_000 + 5_000 + 1_545 + 600 + 1_545));
        assertThat(lines.get(1).pendingDebits()).isEqualTo(BigInteger.valueOf(2_000));
        assertThat(lines.get(0)).isEqualTo(new TrialBalanceLine("EUR", big(700), big(700), big(0), big(0)));
    }

    @Test
    void trialBalanceTotalsMayExceedSixtyFourBits() {
        for (int i = 1; i <= 2; i++) {
            open("btc:world:" + i, "BTC", NormalBalance.DEBIT, null, Metadata.EMPTY);
            open("btc:vault:" + i, "BTC", NormalBalance.CREDIT, 0L, Metadata.EMPTY);
            create(posted(
                    "mint-" + i,
                    Metadata.EMPTY,
                    new Posting("btc:world:" + i, "btc:vault:" + i, Long.MAX_VALUE, "BTC")));
        }
        TrialBalanceLine bitcoin = reads.trialBalance(ledgerId()).get(0);
        BigInteger twice = BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(1);
        assertThat(bitcoin).isEqualTo(new TrialBalanceLine("BTC", twice, twice, big(0), big(0)));
        assertThat(bitcoin.balanced()).isTrue();
    }

    @Test
    void aPageLimitOutsideOneToAThousandIsABug() {
        assertThatThrownBy(() -> reads.accounts(ledgerId(), AccountFilter.ALL, null, 0))
                .isInstanceOf(Assert.InvariantViolation.class);
        assertThatThrownBy(() -> reads.entries(ledgerId(), "users:1", null, Page.LIMIT_MAX + 1))
                .isInstanceOf(Assert.InvariantViolation.class);
        assertThatThrownBy(() -> reads.transactions(ledgerId(), TransactionFilter.ALL, null, -1))
                .isInstanceOf(Assert.InvariantViolation.class);
        assertThat(reads.accounts(ledgerId(), AccountFilter.ALL, null, Page.LIMIT_MAX)
                        .items())
                .hasSize(accountIds.size());
    }

    // ---- the ledger, through the engine

    private long ledgerId() {
        return ledger.ledger.id();
    }

    private void open(String id, String asset, NormalBalance normal, Long minBalance, Metadata metadata) {
        var spec = new AccountSpec(id, asset, normal, minBalance, null, metadata);
        assertThat(join(ledger.engine.createAccount(spec)).code()).as(id).isEqualTo(ResultCode.CREATED);
        accountIds.add(id);
    }

    private static Posting usd(String from, String to, long amount) {
        return new Posting(from, to, amount, "USD");
    }

    private static TransactionSpec posted(String id, Metadata metadata, Posting... postings) {
        return new TransactionSpec(id, List.of(postings), false, null, metadata, null);
    }

    /** Each transaction a second after the one before, so a time between two of them is easy to name. */
    private void create(TransactionSpec spec) {
        tick();
        record(answer(spec.id(), ledger.engine.createTransaction(spec), ResultCode.CREATED));
    }

    private void tick() {
        ledger.clockMicros.addAndGet(1_000_000L);
    }

    private void record(Transaction transaction) {
        transactionIds.add(transaction.id());
        committedAt.put(transaction.id(), transaction.committedAtMicros());
    }

    private static Transaction answer(String what, CompletableFuture<TransactionResult> future, ResultCode code) {
        TransactionResult result = join(future);
        assertThat(result.code()).as(what).isEqualTo(code);
        return result.transaction();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- what the store holds, to compare the reads with

    private Account stored(String id) {
        return ledger.store.loadAccounts(ledgerId(), List.of(id)).get(0);
    }

    private List<Transaction> stored(List<String> ids) {
        return ledger.store.loadTransactions(ledgerId(), ids);
    }

    /** The account ids that pass, in byte order: Java's String order, as every id is ASCII. */
    private List<String> expectedIds(Predicate<String> passes) {
        return accountIds.stream().filter(passes).sorted().toList();
    }

    private List<Transaction> expectedTransactions(Predicate<Transaction> passes) {
        return stored(transactionIds).stream()
                .filter(passes)
                .sorted(Comparator.comparingLong(Transaction::sequence).reversed())
                .toList();
    }

    private static AccountFilter prefix(String prefix) {
        return new AccountFilter(prefix, null, null, null);
    }

    private static List<String> ids(Page<Account> page) {
        return page.items().stream().map(Account::id).toList();
    }

    private static List<String> ids(List<Transaction> transactions) {
        return transactions.stream().map(Transaction::id).toList();
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }
}
