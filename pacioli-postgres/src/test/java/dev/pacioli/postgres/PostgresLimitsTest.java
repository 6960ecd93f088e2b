package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Limits on real PostgreSQL: their history is stored, usage survives a restart, and verify checks them. */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class PostgresLimitsTest {
    private static final LimitSpec DAILY =
            new LimitSpec("daily", "users:*:wallet", "USD", LimitDirection.DEBIT, null, 86_400L, 500L, null);

    private final TestDatabase database;
    private TestLedger ledger;

    PostgresLimitsTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void openLedger() {
        ledger = new TestLedger(database.database());
        for (String id : new String[] {"world", "users:1:wallet"}) {
            NormalBalance normal = id.equals("world") ? NormalBalance.DEBIT : NormalBalance.CREDIT;
            AccountSpec spec = new AccountSpec(id, "USD", normal, null, null, Metadata.EMPTY);
            assertThat(join(ledger.engine.createAccount(spec)).code()).isEqualTo(ResultCode.CREATED);
        }
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ResultCode pay(String id, long amount, boolean pending) {
        Posting posting = new Posting("users:1:wallet", "world", amount, "USD");
        TransactionSpec spec =
                pending ? TransactionSpec.pending(id, 60L, posting) : TransactionSpec.posted(id, posting);
        return join(ledger.engine.createTransaction(spec)).code();
    }

    private long used() {
        LimitUsageResult usage = join(ledger.engine.limitUsage("daily", "users:1:wallet"));
        assertThat(usage.code()).isEqualTo(ResultCode.OK);
        return usage.usage().usedAmount();
    }

    @Test
    void usageAndEnforcementSurviveARestartIncludingPendingAndExpired() {
        assertThat(join(ledger.engine.putLimit(DAILY, null)).code()).isEqualTo(ResultCode.CREATED);
        assertThat(pay("a", 200, false)).isEqualTo(ResultCode.CREATED);
        assertThat(pay("h", 250, true)).isEqualTo(ResultCode.CREATED);
        ledger.restart();
        assertThat(used()).isEqualTo(450);
        assertThat(pay("b", 51, false)).isEqualTo(ResultCode.LIMIT_EXCEEDED);
        ledger.clockMicros.addAndGet(61_000_000L); // h expires at the next batch
        assertThat(pay("b", 300, false)).isEqualTo(ResultCode.CREATED);
        ledger.restart();
        assertThat(used()).isEqualTo(500);
        assertThat(ledger.store.loadLimitHistory(ledger.ledger.id())).hasSize(1);
        VerifyReport report = ledger.verify();
        assertThat(report.failures()).isEmpty();
        assertThat(report.checked()).containsEntry("transactions_under_limits", 3L);
    }

    @Test
    void verifyFailsOnAStoredTransactionThatBrokeALimitInForce() throws SQLException {
        assertThat(pay("a", 400, false)).isEqualTo(ResultCode.CREATED);
        assertThat(pay("b", 400, false)).isEqualTo(ResultCode.CREATED);
        assertThat(ledger.verify().ok()).isTrue();
        // Behind the engine's back: a version said to be in force from before both payments (head 2,
        // after the two accounts), which the second one broke.
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into limit_versions (ledger_id, id,"
                        + " version, after_sequence, changed_at, deleted, accounts, asset, direction,"
                        + " window_seconds, max_amount_per_window) values (?, 'daily', 1, 2, 0, false,"
                        + " 'users:*:wallet', 'USD', 0, 86400, 500)")) {
            insert.setLong(1, ledger.ledger.id());
            insert.executeUpdate();
        }
        VerifyReport report = ledger.verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.failures())
                .singleElement()
                .asString()
                .contains("transaction b broke limit daily on account users:1:wallet");
    }
}
