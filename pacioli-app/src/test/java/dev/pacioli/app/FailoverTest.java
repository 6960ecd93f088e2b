package dev.pacioli.app;

import static dev.pacioli.platform.TransferClients.everyAcknowledgedTransferOnce;
import static dev.pacioli.platform.TransferClients.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TransferClients;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Two {@code pacioli serve} instances on one database (operations.md, high availability). Instance 0
 * writes the ledger; instance 1 serves its reads and forwards its writes. 16 clients write transfers
 * through both, each retrying a transfer by its id on the other instance until it is acknowledged.
 *
 * <p>The holder is SIGKILLed: the other takes the writer over within 10 s, every acknowledged transfer
 * is there once, the ledger verifies. Then the new holder is SIGSTOPped (paused, its sockets open, its
 * lock held): the first instance, started again, takes over when the paused one's lease runs out; the
 * paused one, SIGCONTed, still believes it writes the ledger, and the first write it takes is refused by
 * the epoch check (503, nothing committed); it steps down and forwards from then on.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "child serve instances on data of their own; mostly waits")
class FailoverTest {
    private static final String ADMIN_KEY = "pacioli_failover_admin_0123456789abcdef";
    private static final int CLIENTS = 16;
    private static final Duration TAKEOVER_MAX = Duration.ofSeconds(10);
    private static final Duration WAIT_MAX = Duration.ofSeconds(60);

    @Test
    void theWriterIsTakenOverWhenItsHolderDiesAndAPausedHolderCommitsNothing() throws Exception {
        try (ChildService service = ChildService.start("failover", ADMIN_KEY, Map.of())) {
            int second = service.startAnother();
            HttpTester first = service.admin(0);
            first.goLive();
            String ledger = "failover-" + ProcessHandle.current().pid();
            String base = first.openLedgerWithWorldAndWallet(ledger);
            HttpTester standby = service.admin(second);
            assertThat(standby.get(base + "/accounts/wallet").status())
                    .as("reads on the instance that does not write the ledger")
                    .isEqualTo(200);
            assertThat(transfer(standby, base, "through-the-standby").status())
                    .as("a write through the stand-by, forwarded")
                    .isEqualTo(201);

            TransferClients clients = new TransferClients(List.of(first, standby), base, CLIENTS);
            clients.await("200 transfers acknowledged", 200);
            clients.mark();
            service.kill(0);
            long acknowledgedAtKill = clients.acknowledged().size();
            clients.await("transfers acknowledged after the kill", acknowledgedAtKill + 50);
            assertThat(clients.firstAcknowledgedAfterMark())
                    .as("the writer taken over")
                    .isLessThan(TAKEOVER_MAX);
            clients.stop();
            everyAcknowledgedTransferOnce(standby, base, clients.acknowledged(), 1); // and through-the-standby

            // A pause: the second holds the writer now; the first, started again, stands by.
            service.restart(0);
            service.pause(second);
            long paused = System.nanoTime();
            Await.until(
                    "the first instance takes the writer over from the paused one",
                    Duration.ofSeconds(30),
                    () -> transfer(first, base, "after-the-pause").status() == 201);
            assertThat(Duration.ofNanos(System.nanoTime() - paused)).isLessThan(Duration.ofSeconds(20));
            service.resume(second);
            Response fenced = transfer(standby, base, "to-the-woken");
            assertThat(fenced.status())
                    .as("the woken holder's commit is refused by the epoch: %s", fenced)
                    .isEqualTo(503);
            Await.until(
                    "the woken instance steps down and forwards",
                    WAIT_MAX,
                    () -> transfer(standby, base, "to-the-woken").status() == 201);
            assertThat(Files.readString(service.log())).contains("stepped down as the writer of ledger " + ledger);
            Set<String> all = new HashSet<>(clients.acknowledged());
            all.addAll(List.of("after-the-pause", "to-the-woken"));
            everyAcknowledgedTransferOnce(first, base, all, 1);
            service.stop();
        }
    }
}
