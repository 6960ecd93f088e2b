package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A writer in a child JVM is killed with SIGKILL mid-stream. After a restart every acknowledged
 * transaction is there, nothing is half there, and verify is ok.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class CrashTest {
    private static final int ACKNOWLEDGED_BEFORE_KILL = 2_000;

    private final TestDatabase database;

    CrashTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void everyAcknowledgedTransactionSurvivesSigkill() throws Exception {
        try (TestLedger ledger = new TestLedger(database.database())) {
            ledger.engine
                    .createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT))
                    .get(30, TimeUnit.SECONDS);
            ledger.engine
                    .createAccount(AccountSpec.of("wallet", "USD", NormalBalance.CREDIT))
                    .get(30, TimeUnit.SECONDS);
            ledger.engine.close();

            List<String> acknowledged = runAndKill(ledger);
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

            ledger.engine = startWhenLockReleased(ledger);
            List<Transaction> found = ledger.store.loadTransactions(ledger.ledger.id(), acknowledged);
            assertThat(found).hasSize(acknowledged.size());
            assertThat(found).allMatch(transaction -> transaction.status() == TransactionStatus.POSTED);

            long stored = count(ledger);
            long wallet = ledger.store
                    .loadAccounts(ledger.ledger.id(), List.of("wallet"))
                    .get(0)
                    .balance();
            assertThat(wallet).isEqualTo(stored);
            VerifyReport report = ledger.verify();
            assertThat(report.failures()).isEmpty();
            assertThat(report.ok()).isTrue();
        }
    }

    private List<String> runAndKill(TestLedger ledger) throws Exception {
        HikariDataSource dataSource = (HikariDataSource) database.database().dataSource();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashWriter.class.getName(),
                        dataSource.getJdbcUrl(),
                        dataSource.getUsername(),
                        database.database().schema(),
                        Long.toString(ledger.ledger.id()),
                        ledger.ledger.name())
                .redirectError(Path.of("target", "crash-writer.log").toFile())
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring(4));
                }
                if (acknowledged.size() == ACKNOWLEDGED_BEFORE_KILL) {
                    // SIGKILL: no shutdown hook, no clean close. Acknowledgements still in the pipe are
                    // lost to us, which only makes their transactions unknown, not wrong.
                    child.destroyForcibly();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        return acknowledged;
    }

    /** The killed process's session ends, and its lock with it, as soon as PostgreSQL sees the socket close. */
    private static LedgerEngine startWhenLockReleased(TestLedger ledger) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return ledger.startEngine();
            } catch (LedgerStore.LedgerLockedException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private long count(TestLedger ledger) throws Exception {
        try (Connection connection = database.database().dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select count(*) from transactions where ledger_id = ?")) {
            statement.setLong(1, ledger.ledger.id());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
