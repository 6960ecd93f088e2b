package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The partial indexes of V8 leave rows out, so a read can use one only when its conditions imply the
 * index's. Each read here is planned with sequential scans priced out: when its conditions do not
 * imply the index's predicate, the plan scans the table and the test fails. And the history the
 * events fold still holds every record of its subjects, creations included.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class IndexUseTest {
    private final TestDatabase database;

    IndexUseTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void theEventHistoryUsesTheSubjectIndexAndHoldsEveryRecordOfItsSubjects() throws Exception {
        try (TestLedger ledger = new TestLedger(database.database())) {
            join(ledger.engine.createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT)));
            join(ledger.engine.createAccount(AccountSpec.of("shop", "USD", NormalBalance.CREDIT)));
            var hold = TransactionSpec.pending("hold-1", null, new Posting("world", "shop", 50, "USD"));
            assertThat(join(ledger.engine.createTransaction(hold)).code()).isEqualTo(ResultCode.CREATED);
            var other = TransactionSpec.posted("other-1", new Posting("world", "shop", 7, "USD"));
            assertThat(join(ledger.engine.createTransaction(other)).code()).isEqualTo(ResultCode.CREATED);
            assertThat(join(ledger.engine.post("hold-1", null)).code()).isEqualTo(ResultCode.OK);
            // Enough records of other subjects, with fresh statistics, that reading the ledger's journal
            // by sequence costs more than the subject index: on a journal of five rows either plan is
            // cheap, and which one the planner picks is chance.
            List<TransactionSpec> others = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                others.add(TransactionSpec.posted("bulk-" + i, new Posting("world", "shop", 1, "USD")));
            }
            join(ledger.engine.createTransactions(others, false, false));
            try (Connection connection = ledger.database.dataSource().getConnection();
                    Statement analyze = connection.createStatement()) {
                analyze.execute("analyze journal, transactions");
            }

            long head = ledger.store
                    .loadHead(ledger.ledger.id(), ledger.ledger.name())
                    .sequence();
            List<JournalRecord> history = new EventReads(ledger.database.dataSource())
                    .history(ledger.ledger.id(), List.of("hold-1", "shop"), head);
            assertThat(history)
                    .extracting(JournalRecord::type)
                    .containsExactly(
                            RecordType.ACCOUNT_CREATED, RecordType.TRANSACTION_CREATED, RecordType.TRANSACTION_POSTED);
            assertThat(history).extracting(JournalRecord::subject).containsExactly("shop", "hold-1", "hold-1");

            String plan = plan(
                    ledger,
                    EventReads.HISTORY,
                    ledger.ledger.id(),
                    new String[] {"hold-1", "shop"},
                    head,
                    ledger.ledger.id(),
                    new String[] {"hold-1", "shop"},
                    head);
            assertThat(plan).contains("journal_subject").doesNotContain("Seq Scan");
        }
    }

    @Test
    void metadataFiltersUseTheIndexesOfRowsWithMetadata() throws Exception {
        try (TestLedger ledger = new TestLedger(database.database())) {
            for (String table : List.of("transactions", "accounts")) {
                // No other condition, so the metadata index or a scan of the whole table are the plans left.
                String sql = "select 1 from " + table + " " + table + " where " + LedgerReads.metadataContains(table);
                String plan = plan(ledger, sql, "{\"order\":\"42\"}");
                assertThat(plan).as(table).contains(table + "_metadata").doesNotContain("Seq Scan");
            }
            // And rows with metadata are found through them; rows without are not.
            join(ledger.engine.createAccount(
                    new AccountSpec("tagged", "USD", NormalBalance.CREDIT, null, null, Metadata.of("tier", "gold"))));
            join(ledger.engine.createAccount(AccountSpec.of("plain", "USD", NormalBalance.CREDIT)));
            var found = new LedgerReads(ledger.database.dataSource())
                    .accounts(
                            ledger.ledger.id(), new AccountFilter(null, null, null, Map.of("tier", "gold")), null, 10);
            assertThat(found.items()).extracting(Account::id).containsExactly("tagged");
        }
    }

    /** The plan of {@code sql} with these parameters, sequential scans priced out. */
    private static String plan(TestLedger ledger, String sql, Object... parameters) throws SQLException {
        try (Connection connection = ledger.database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement settings = connection.createStatement()) {
                settings.execute("set local enable_seqscan = off");
            }
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement explain = connection.prepareStatement("explain " + sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    Object parameter = parameters[i];
                    if (parameter instanceof String[] texts) {
                        explain.setArray(i + 1, connection.createArrayOf("text", texts));
                    } else {
                        explain.setObject(i + 1, parameter);
                    }
                }
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
            }
            connection.rollback();
            return plan.toString();
        }
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }
}
