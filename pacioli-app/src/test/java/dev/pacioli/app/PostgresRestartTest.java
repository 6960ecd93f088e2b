package dev.pacioli.app;

import static dev.pacioli.platform.TransferClients.everyAcknowledgedTransferOnce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TransferClients;
import dev.pacioli.postgres.EmbeddedDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * PostgreSQL restarted under load (operations.md, high availability): a {@code pacioli serve} child
 * with 16 clients writing transfers; its PostgreSQL is stopped (fast: every session cut), left down
 * for a few seconds, and started again on the same port. The same process — not restarted — takes
 * writes again, reports ready, and holds every acknowledged transfer once; the ledger verifies.
 *
 * <p>Always on an embedded PostgreSQL of its own, even when the suite runs against an external server:
 * the test restarts the database.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits")
class PostgresRestartTest {
    private static final String ADMIN_KEY = "pacioli_pg_restart_admin_0123456789abcdef";
    private static final Duration DOWN = Duration.ofSeconds(5);
    private static final Duration RECOVERY_MAX = Duration.ofSeconds(30);

    @Test
    void theServiceTakesWritesAgainAfterItsDatabaseRestartsWithoutARestartOfItsOwn() throws Exception {
        try (ChildService service = ChildService.startEmbedded("pg-restart", ADMIN_KEY, Map.of())) {
            HttpTester admin = service.admin();
            ProcessHandle process = service.process(0);
            String base = admin.openLedgerWithWorldAndWallet("restarted");
            TransferClients clients = new TransferClients(List.of(admin), base, 16);
            clients.await("200 transfers acknowledged", 200);

            EmbeddedDatabase postgres = EmbeddedDatabase.start(service.dataDirectory());
            assertThat(postgres.adopted()).as("the child's own server").isTrue();
            postgres.restart(DOWN); // not closed after: the child goes on using it
            long restarted = clients.mark();
            long acknowledgedAtRestart = clients.acknowledged().size();
            clients.await("transfers acknowledged after the restart", acknowledgedAtRestart + 200);
            assertThat(clients.firstAcknowledgedAfterMark())
                    .as("writes taken again after PostgreSQL is back")
                    .isLessThan(RECOVERY_MAX);
            Await.until(
                    "ready again",
                    RECOVERY_MAX,
                    () -> admin.get("/health/ready").status() == 200);
            clients.stop();

            assertThat(service.process(0)).as("the same process").isEqualTo(process);
            assertThat(process.isAlive()).isTrue();
            everyAcknowledgedTransferOnce(admin, base, clients.acknowledged(), 0);
            assertThat(restarted).isPositive();
            service.stop();
        }
    }
}
