package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;

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
    private static final long AMOUNT = 3;
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

            Clients clients = new Clients(List.of(first, standby), base);
            clients.await("200 transfers acknowledged", 200);
            long killed = System.nanoTime();
            clients.after = killed;
            service.kill(0);
            long acknowledgedAtKill = clients.acknowledged.size();
            clients.await("transfers acknowledged after the kill", acknowledgedAtKill + 50);
            Duration takeover = Duration.ofNanos(clients.firstAfter(killed) - killed);
            assertThat(takeover).as("the writer taken over").isLessThan(TAKEOVER_MAX);
            clients.stop();
            everyAcknowledgedTransferOnce(standby, base, clients.acknowledged);

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
            Set<String> all = ConcurrentHashMap.newKeySet();
            all.addAll(clients.acknowledged);
            all.addAll(List.of("after-the-pause", "to-the-woken"));
            everyAcknowledgedTransferOnce(first, base, all);
            service.stop();
        }
    }

    private static Response transfer(HttpTester instance, String base, String id) {
        try {
            return instance.post(
                    base + "/transactions",
                    "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": "
                            + AMOUNT + ", \"asset\": \"USD\"}]}");
        } catch (IllegalStateException e) {
            // Not reachable (killed, or not listening yet): a status no instance answers.
            return new Response(
                    0,
                    HttpHeaders.of(Map.of(), (name, value) -> true),
                    String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Each acknowledged id is a transaction of the ledger, none is there twice, and the ledger verifies. */
    private static void everyAcknowledgedTransferOnce(HttpTester instance, String base, Set<String> acknowledged) {
        for (String id : acknowledged) {
            assertThat(instance.get(base + "/transactions/" + id).status())
                    .as(id)
                    .isEqualTo(200);
        }
        long wallet = instance.get(base + "/accounts/wallet")
                .json()
                .path("balances")
                .path("balance")
                .longValue();
        // Every transfer into the wallet is one of the acknowledged ids or "through-the-standby", once.
        assertThat(wallet).isEqualTo((acknowledged.size() + 1) * AMOUNT);
        JsonNode verified = instance.post(base + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
    }

    /** Clients writing transfers through the instances, each retried by its id until acknowledged. */
    private static final class Clients {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final AtomicLong firstAcknowledgedAfter = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        private final List<Future<?>> loops = new ArrayList<>();
        volatile long after = Long.MAX_VALUE;
        /** The last answer other than an acknowledgement, for the message of a failed wait. */
        volatile String lastRefusal = "none";

        Clients(List<HttpTester> instances, String base) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                loops.add(threads.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String id = "c" + client + "-" + i;
                        int at = client % instances.size();
                        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
                        while (System.nanoTime() < deadline) {
                            Response answer = transfer(instances.get(at), base, id);
                            if (answer.status() == 201 || answer.status() == 200) {
                                long now = System.nanoTime();
                                acknowledged.add(id);
                                if (now > after) {
                                    firstAcknowledgedAfter.compareAndSet(0, now);
                                }
                                break;
                            }
                            lastRefusal = answer.status() + " " + new String(answer.body());
                            at = (at + 1) % instances.size(); // another instance, the same id
                            TimeUnit.MILLISECONDS.sleep(50);
                        }
                    }
                    return null;
                }));
            }
        }

        void await(String what, long count) {
            try {
                Await.until(what, WAIT_MAX, () -> acknowledged.size() >= count);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the last refusal: " + lastRefusal, e);
            }
        }

        /** When the first transfer acknowledged after {@link #after} was. */
        long firstAfter(long nanos) {
            assertThat(after).isEqualTo(nanos);
            return firstAcknowledgedAfter.get();
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(WAIT_MAX.toSeconds() + 10, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }
    }
}
