package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two ways a batch's new rows go in — one statement for small batches, binary COPY for large
 * ones — write the same rows. One script of requests runs on two ledgers, one whose store always
 * inserts by statement and one whose store always copies; every row of every table must match
 * (hashes aside: they chain from the ledger's name).
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class StatementInsertTest {
    private final TestDatabase database;

    StatementInsertTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void statementAndCopyWriteTheSameRows() throws Exception {
        PostgresLedgerStore byStatement =
                new PostgresLedgerStore(database.database().dataSource(), Integer.MAX_VALUE);
        PostgresLedgerStore byCopy = new PostgresLedgerStore(database.database().dataSource(), -1);
        try (TestLedger statement = new TestLedger(database.database(), byStatement);
                TestLedger copy = new TestLedger(database.database(), byCopy)) {
            script(statement);
            script(copy);
            for (String table : List.of("journal", "accounts", "transactions", "entries")) {
                List<String> rows = rows(table, statement.ledger.id());
                assertThat(rows).as(table).isNotEmpty().isEqualTo(rows(table, copy.ledger.id()));
            }
            assertThat(statement.verify().failures()).isEmpty();
            assertThat(copy.verify().failures()).isEmpty();
        }
        long[] statementSteps = byStatement.commitStepNanos();
        assertThat(statementSteps[PostgresLedgerStore.CommitStep.INSERT_STATEMENT.ordinal()])
                .isPositive();
        assertThat(statementSteps[PostgresLedgerStore.CommitStep.JOURNAL.ordinal()])
                .isZero();
        assertThat(byCopy.commitStepNanos()[PostgresLedgerStore.CommitStep.INSERT_STATEMENT.ordinal()])
                .isZero();
    }

    /**
     * Every kind of row and column: metadata and descriptions that need escaping (ids cannot), nulls,
     * partial posts, voids, a close, a reversal, and a batch above the statement threshold.
     */
    private static void script(TestLedger ledger) throws Exception {
        var engine = ledger.engine;
        created(engine.createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT)));
        created(engine.createAccount(new AccountSpec(
                "users:a.b@c-d_1",
                "USD",
                NormalBalance.CREDIT,
                0L,
                null,
                Metadata.of("owner", "a \"b\" \\ c", "tier", "ü-1"))));
        created(engine.createAccount(
                new AccountSpec("bounded", "USD", NormalBalance.CREDIT, 0L, 1_000_000L, Metadata.EMPTY)));
        created(engine.createAccount(AccountSpec.of("closing", "USD", NormalBalance.CREDIT)));
        String wallet = "users:a.b@c-d_1";
        created(engine.createTransaction(new TransactionSpec(
                "deposit:1",
                List.of(new Posting("world", wallet, 10_000, "USD")),
                false,
                null,
                Metadata.of("order", "{\"x\": [1, 2]}"),
                "first \"deposit\"")));
        created(engine.createTransaction(
                TransactionSpec.pending("hold", 60L, new Posting(wallet, "bounded", 700, "USD"))));
        assertThat(join(engine.post("hold", 300L)).code()).isEqualTo(ResultCode.OK);
        created(engine.createTransaction(
                TransactionSpec.pending("hold-2", null, new Posting(wallet, "bounded", 50, "USD"))));
        assertThat(join(engine.voidPending("hold-2")).code()).isEqualTo(ResultCode.OK);
        created(engine.createTransaction(TransactionSpec.posted(
                "split",
                new Posting(wallet, "bounded", 100, "USD"),
                new Posting("bounded", "world", 10, "USD"),
                new Posting("bounded", "closing", 1, "USD"))));
        assertThat(join(engine.reverse("split", "split-reversed", Metadata.EMPTY, "undo", false))
                        .code())
                .isEqualTo(ResultCode.CREATED);
        assertThat(join(engine.closeAccount("closing")).code()).isEqualTo(ResultCode.OK);
        // A batch larger than the statement threshold, so the default store would copy it.
        List<TransactionSpec> many = new ArrayList<>();
        for (int i = 0; i < PostgresLedgerStore.STATEMENT_INSERT_RECORDS_MAX + 20; i++) {
            many.add(TransactionSpec.posted("many-" + i, new Posting("world", wallet, 1 + i, "USD")));
        }
        for (TransactionResult result : join(engine.createTransactions(many, true, false))) {
            assertThat(result.code()).isEqualTo(ResultCode.CREATED);
        }
    }

    private static void created(CompletableFuture<?> answer) throws Exception {
        Object result = join(answer);
        ResultCode code =
                result instanceof TransactionResult transaction ? transaction.code() : ((AccountResult) result).code();
        assertThat(code).isEqualTo(ResultCode.CREATED);
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** Each row of the ledger's table as JSON, without the ledger's id and the chained hashes. */
    private List<String> rows(String table, long ledgerId) throws SQLException {
        String order = switch (table) {
            case "accounts", "transactions" -> "id";
            case "entries" -> "sequence, account_id";
            default -> "sequence";
        };
        String sql = "select (to_jsonb(x) - 'ledger_id' - 'hash')::text from " + table + " x where ledger_id = ?"
                + " order by " + order;
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, ledgerId);
            List<String> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1));
                }
            }
            return rows;
        }
    }
}
