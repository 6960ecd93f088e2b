package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine on real PostgreSQL: what it commits is what it answered, survives a restart, and verifies. */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class PostgresLedgerTest {
    private final TestDatabase database;
    private TestLedger ledger;

    PostgresLedgerTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void openLedger() {
        ledger = new TestLedger(database.database());
        open("world", NormalBalance.DEBIT, null);
        open("users:1:wallet", NormalBalance.CREDIT, 0L);
        open("users:2:wallet", NormalBalance.CREDIT, 0L);
        open("merchants:7:revenue", NormalBalance.CREDIT, 0L);
        open("platform:fees", NormalBalance.CREDIT, null);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    private void open(String id, NormalBalance normal, Long minBalance) {
        var spec = new AccountSpec(id, "USD", normal, minBalance, null, Metadata.of("kind", id.split(":")[0]));
        assertThat(join(ledger.engine.createAccount(spec)).code()).isEqualTo(ResultCode.CREATED);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private TransactionResult transfer(String id, String from, String to, long amount) {
        return join(ledger.engine.createTransaction(TransactionSpec.posted(id, new Posting(from, to, amount, "USD"))));
    }

    private Account stored(String id) {
        List<Account> accounts = ledger.store.loadAccounts(ledger.ledger.id(), List.of(id));
        assertThat(accounts).hasSize(1);
        return accounts.get(0);
    }

    private Transaction storedTransaction(String id) {
        List<Transaction> transactions = ledger.store.loadTransactions(ledger.ledger.id(), List.of(id));
        assertThat(transactions).hasSize(1);
        return transactions.get(0);
    }

    @Test
    void theDemoScenarioCommitsWhatItAnswersAndVerifies() {
        assertThat(transfer("deposit-1", "world", "users:1:wallet", 10_000).code())
                .isEqualTo(ResultCode.CREATED);

        // A payment of 15.00 with a 0.45 fee split to the platform.
        var payment = new TransactionSpec(
                "pay-1",
                List.of(
                        new Posting("users:1:wallet", "merchants:7:revenue", 1_500, "USD"),
                        new Posting("merchants:7:revenue", "platform:fees", 45, "USD")),
                false,
                null,
                Metadata.of("order", "A-1"),
                "Order A-1");
        TransactionResult paid = join(ledger.engine.createTransaction(payment));
        assertThat(paid.code()).isEqualTo(ResultCode.CREATED);

        // A hold of 20.00, posted in part (12.00); the rest is released.
        var hold = TransactionSpec.pending(
                "hold-1", 3_600L, new Posting("users:1:wallet", "users:2:wallet", 2_000, "USD"));
        assertThat(join(ledger.engine.createTransaction(hold)).code()).isEqualTo(ResultCode.CREATED);
        assertThat(stored("users:1:wallet").available()).isEqualTo(10_000 - 1_500 - 2_000);
        assertThat(join(ledger.engine.post("hold-1", 1_200L)).code()).isEqualTo(ResultCode.OK);

        // A reversal of the payment, and an overdraft that is refused.
        assertThat(join(ledger.engine.reverse("pay-1", "rev-1", Metadata.EMPTY, null, false))
                        .code())
                .isEqualTo(ResultCode.CREATED);
        assertThat(transfer("overdraft", "users:2:wallet", "world", 1_201).code())
                .isEqualTo(ResultCode.INSUFFICIENT_FUNDS);

        assertThat(stored("users:1:wallet").balances()).isEqualTo(new Balances(1_500 + 1_200, 10_000 + 1_500, 0, 0));
        assertThat(stored("users:1:wallet").balance()).isEqualTo(10_000 - 1_200);
        assertThat(stored("users:2:wallet").balance()).isEqualTo(1_200);
        assertThat(stored("merchants:7:revenue").balance()).isZero();
        assertThat(stored("platform:fees").balance()).isZero();

        Transaction posted = storedTransaction("hold-1");
        assertThat(posted.status()).isEqualTo(TransactionStatus.POSTED);
        assertThat(posted.postedAmounts()).containsExactly(1_200L);
        assertThat(storedTransaction("pay-1").reversedBy()).isEqualTo("rev-1");
        assertThat(storedTransaction("rev-1").reverses()).isEqualTo("pay-1");
        assertThat(storedTransaction("pay-1").spec()).isEqualTo(payment);

        VerifyReport report = ledger.verify();
        assertThat(report.failures()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.checked()).containsEntry("accounts", 5L).containsEntry("journal_records", 5L + 6);
    }

    @Test
    void aRestartReloadsBalancesPendingDeadlinesAndContinuesTheChain() {
        transfer("deposit-1", "world", "users:1:wallet", 5_000);
        var hold =
                TransactionSpec.pending("hold-1", 60L, new Posting("users:1:wallet", "users:2:wallet", 1_000, "USD"));
        join(ledger.engine.createTransaction(hold));
        long sequence = ledger.engine.committedSequence();

        ledger.restart();

        assertThat(ledger.engine.committedSequence()).isEqualTo(sequence);
        assertThat(transfer("spend-1", "users:1:wallet", "world", 4_001).code())
                .isEqualTo(ResultCode.INSUFFICIENT_FUNDS);
        assertThat(transfer("spend-2", "users:1:wallet", "world", 4_000).code()).isEqualTo(ResultCode.CREATED);
        assertThat(transfer("spend-2", "users:1:wallet", "world", 4_000).code()).isEqualTo(ResultCode.EXISTS);

        // The deadline was reloaded: once its time passes, the hold expires and its amount comes back.
        ledger.clockMicros.addAndGet(61_000_000L);
        assertThat(join(ledger.engine.post("hold-1", null)).code()).isEqualTo(ResultCode.PENDING_EXPIRED);
        assertThat(storedTransaction("hold-1").status()).isEqualTo(TransactionStatus.EXPIRED);
        assertThat(stored("users:1:wallet").available()).isEqualTo(1_000);
        assertThat(ledger.verify().failures()).isEmpty();
    }

    @Test
    void closingAnEmptyAccountIsStoredAndRefusesPostings() {
        assertThat(join(ledger.engine.closeAccount("users:2:wallet")).code()).isEqualTo(ResultCode.OK);
        assertThat(stored("users:2:wallet").status()).isEqualTo(AccountStatus.CLOSED);
        assertThat(transfer("t-1", "world", "users:2:wallet", 1).code()).isEqualTo(ResultCode.ACCOUNT_CLOSED);
        ledger.restart();
        assertThat(transfer("t-2", "world", "users:2:wallet", 1).code()).isEqualTo(ResultCode.ACCOUNT_CLOSED);
        assertThat(ledger.verify().ok()).isTrue();
    }

    @Test
    void aSecondWriterOfTheSameLedgerIsRefusedWithAClearMessage() {
        assertThatThrownBy(ledger::startEngine)
                .isInstanceOf(LedgerStore.LedgerLockedException.class)
                .hasMessageContaining(ledger.ledger.name())
                .hasMessageContaining("another Pacioli process");
    }

    @Test
    void verifyFindsATamperedEntryAccountAndJournal() throws SQLException {
        transfer("deposit-1", "world", "users:1:wallet", 5_000);
        transfer("spend-1", "users:1:wallet", "users:2:wallet", 700);
        assertThat(ledger.verify().ok()).isTrue();

        execute("update entries set balance_after = balance_after + 1 where ledger_id = ? and sequence = "
                + "(select max(sequence) from entries where ledger_id = ?) and account_id = 'users:2:wallet'");
        VerifyReport afterEntry = ledger.verify();
        assertThat(afterEntry.ok()).isFalse();
        assertThat(afterEntry.failures()).anyMatch(failure -> failure.contains("users:2:wallet"));

        execute("update accounts set posted_credits = posted_credits + 5 where ledger_id = ? and id = 'users:1:wallet'"
                + " and ? > 0");
        assertThat(ledger.verify().failures()).anyMatch(failure -> failure.startsWith("accounts: users:1:wallet"));

        execute("update journal set canonical = canonical || '\\x00'::bytea where ledger_id = ? and sequence = 2"
                + " and ? > 0");
        assertThat(ledger.verify().failures()).anyMatch(failure -> failure.contains("hash chain broken at sequence 2"));
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, ledger.ledger.id());
            statement.setLong(2, ledger.ledger.id());
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void metadataWithAwkwardCharactersRoundTrips() {
        Metadata awkward = Metadata.of(
                Map.of("quote", "a\"b", "slash", "c\\d", "tab", "e\tf", "newline", "g\nh", "unicode", "€ 日本"));
        var spec = new TransactionSpec(
                "odd-1",
                List.of(new Posting("world", "users:1:wallet", 1, "USD")),
                false,
                null,
                awkward,
                "line one\nline\ttwo \\ end");
        assertThat(join(ledger.engine.createTransaction(spec)).code()).isEqualTo(ResultCode.CREATED);
        assertThat(storedTransaction("odd-1").spec()).isEqualTo(spec);
        assertThat(ledger.verify().ok()).isTrue();
    }
}
