package dev.pacioli.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger port as a capability uses it: writes by ledger name through the ledger's own writer,
 * deterministic ids that answer {@code exists} on a retry, holds posted and voided, reads of what moved.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class LocalLedgersTest {
    private final Database database;
    private Ledgers ledgers;
    private LedgerPort port;
    private String ledger;

    LocalLedgersTest(TestDatabase database) {
        this.database = database.database();
    }

    @BeforeEach
    void start() {
        ledgers = new Ledgers(
                database, EngineConfig.DEFAULTS, LedgerClock.SYSTEM, new LedgerMetrics(new ServiceMetrics()));
        port = new LocalLedgers(ledgers, database.reads());
        ledger = TestService.uniqueName("port");
        ledgers.create(ledger, Metadata.EMPTY, (connection, created) -> {});
        database.catalog().putAsset(new Asset("USD", 2));
        AccountSpec bank = AccountSpec.of("bank", "USD", NormalBalance.DEBIT);
        AccountSpec wallet = new AccountSpec("wallet", "USD", NormalBalance.CREDIT, 0L, null, Metadata.EMPTY);
        for (AccountSpec account : List.of(bank, wallet)) {
            assertThat(await(port.openAccount(ledger, account)).code()).isEqualTo(ResultCode.CREATED);
        }
    }

    @AfterEach
    void stop() {
        ledgers.close();
    }

    @Test
    void aRetriedStepAnswersExistsAndMovesMoneyOnce() {
        TransactionSpec deposit =
                TransactionSpec.posted("deposit:d_1:credit", new Posting("bank", "wallet", 500, "USD"));
        assertThat(await(port.submit(ledger, deposit)).code()).isEqualTo(ResultCode.CREATED);
        TransactionResult again = await(port.submit(ledger, deposit));
        assertThat(again.code()).isEqualTo(ResultCode.EXISTS);
        assertThat(again.transaction().id()).isEqualTo("deposit:d_1:credit");

        BalancesAsOf wallet = port.balancesAsOf(ledger, "wallet", Long.MAX_VALUE);
        assertThat(wallet.balance()).isEqualTo(500);
        List<Entry> entries = port.entries(ledger, "wallet", null, 10);
        assertThat(entries).extracting(Entry::transactionId).containsExactly("deposit:d_1:credit");
    }

    @Test
    void aHoldIsPostedOrVoidedAndAPostedTransferReversed() {
        await(port.submit(ledger, TransactionSpec.posted("fund", new Posting("bank", "wallet", 1_000, "USD"))));
        TransactionSpec hold =
                TransactionSpec.pending("payout:po_1:reserve", null, new Posting("wallet", "bank", 300, "USD"));
        assertThat(await(port.submit(ledger, hold)).code()).isEqualTo(ResultCode.CREATED);
        assertThat(port.balancesAsOf(ledger, "wallet", Long.MAX_VALUE).available())
                .isEqualTo(700);
        assertThat(await(port.post(ledger, "payout:po_1:reserve", 200L))
                        .transaction()
                        .status())
                .isEqualTo(TransactionStatus.POSTED);
        assertThat(port.balancesAsOf(ledger, "wallet", Long.MAX_VALUE).balance())
                .isEqualTo(800);

        await(port.submit(
                ledger,
                TransactionSpec.pending("payout:po_2:reserve", null, new Posting("wallet", "bank", 50, "USD"))));
        assertThat(await(port.voidPending(ledger, "payout:po_2:reserve"))
                        .transaction()
                        .status())
                .isEqualTo(TransactionStatus.VOIDED);

        TransactionResult reversal = await(
                port.reverse(ledger, new LedgerPort.Reversal("fund", "fund:reversal", Metadata.EMPTY, null, false)));
        assertThat(reversal.code())
                .as("the wallet holds 800 of the 1000 to take back")
                .isEqualTo(ResultCode.INSUFFICIENT_FUNDS);
        assertThat(await(port.reverse(
                                ledger, new LedgerPort.Reversal("fund", "fund:reversal", Metadata.EMPTY, null, true)))
                        .code())
                .isEqualTo(ResultCode.CREATED);
        assertThat(port.balancesAsOf(ledger, "wallet", Long.MAX_VALUE).balance())
                .isEqualTo(-200);
    }

    @Test
    void aBatchIsAtomicAndADryRunKeepsNothing() {
        List<TransactionSpec> batch = List.of(
                TransactionSpec.posted("b1", new Posting("bank", "wallet", 10, "USD")),
                TransactionSpec.posted("b2", new Posting("wallet", "bank", 1_000, "USD")));
        List<TransactionResult> atomic = await(port.submitBatch(ledger, batch, true, false));
        assertThat(atomic)
                .extracting(TransactionResult::code)
                .containsExactly(ResultCode.LINKED_TRANSACTION_FAILED, ResultCode.INSUFFICIENT_FUNDS);
        List<TransactionResult> dryRun = await(port.submitBatch(ledger, batch.subList(0, 1), false, true));
        assertThat(dryRun).extracting(TransactionResult::code).containsExactly(ResultCode.CREATED);
        assertThat(port.entries(ledger, "wallet", null, 10)).isEmpty();
    }

    @Test
    void aLedgerTheServiceDoesNotHaveIsAnAnswerNotAnException() {
        String missing = TestService.uniqueName("missing");
        TransactionSpec spec = TransactionSpec.posted("t", new Posting("bank", "wallet", 1, "USD"));
        assertThat(await(port.submit(missing, spec)).code()).isEqualTo(ResultCode.LEDGER_NOT_FOUND);
        assertThat(await(port.submitBatch(missing, List.of(spec, spec), false, false)))
                .extracting(TransactionResult::code)
                .containsExactly(ResultCode.LEDGER_NOT_FOUND, ResultCode.LEDGER_NOT_FOUND);
        assertThat(await(port.openAccount(missing, AccountSpec.of("a", "USD", NormalBalance.DEBIT)))
                        .code())
                .isEqualTo(ResultCode.LEDGER_NOT_FOUND);
        assertThat(port.balancesAsOf(missing, "wallet", Long.MAX_VALUE)).isEqualTo(BalancesAsOf.NONE);
        assertThat(port.entries(missing, "wallet", null, 10)).isEmpty();
    }

    private static <T> T await(CompletableFuture<T> answer) {
        return Engines.await(answer);
    }
}
