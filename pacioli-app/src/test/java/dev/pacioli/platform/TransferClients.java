package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester.Response;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
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
import tools.jackson.databind.JsonNode;

/**
 * Clients writing transfers of {@link #AMOUNT} from {@code world} to {@code wallet} while a test breaks
 * something under them (a killed writer, a restarted database): each transfer is retried by its id,
 * on the next instance, until it is acknowledged, as a careful client would. What was acknowledged is
 * then checked against the ledger: each id there once, nothing else, and the ledger verifies.
 */
public final class TransferClients {
    public static final long AMOUNT = 3;
    private static final Duration WAIT_MAX = Duration.ofSeconds(60);

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong firstAcknowledgedAfter = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads;
    private final List<Future<?>> loops = new ArrayList<>();
    private volatile long after = Long.MAX_VALUE;
    /** The last answer other than an acknowledgement, for the message of a failed wait. */
    private volatile String lastRefusal = "none";

    /** Starts {@code clients} loops; client {@code c} begins on instance {@code c % instances.size()}. */
    public TransferClients(List<HttpTester> instances, String base, int clients) {
        threads = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
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
                        lastRefusal = answer.status() + " " + new String(answer.body(), StandardCharsets.UTF_8);
                        at = (at + 1) % instances.size(); // another instance, the same id
                        TimeUnit.MILLISECONDS.sleep(50);
                    }
                }
                return null;
            }));
        }
    }

    /** One transfer; an instance that cannot be reached answers status 0. */
    public static Response transfer(HttpTester instance, String base, String id) {
        try {
            return instance.post(
                    base + "/transactions",
                    "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": "
                            + AMOUNT + ", \"asset\": \"USD\"}]}");
        } catch (IllegalStateException e) {
            return new Response(
                    0,
                    HttpHeaders.of(Map.of(), (name, value) -> true),
                    String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
    }

    public Set<String> acknowledged() {
        return acknowledged;
    }

    /** Waits until {@code count} transfers in all were acknowledged. */
    public void await(String what, long count) {
        try {
            Await.until(what, WAIT_MAX, () -> acknowledged.size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last refusal: " + lastRefusal, e);
        }
    }

    /** From now on, {@link #firstAcknowledgedAfterMark} records the first acknowledgement. */
    public long mark() {
        long now = System.nanoTime();
        after = now;
        return now;
    }

    /** How long after {@link #mark} the first transfer was acknowledged. */
    public Duration firstAcknowledgedAfterMark() {
        long first = firstAcknowledgedAfter.get();
        assertThat(first).as("a transfer acknowledged after the mark").isPositive();
        return Duration.ofNanos(first - after);
    }

    public void stop() throws Exception {
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(WAIT_MAX.toSeconds() + 10, TimeUnit.SECONDS);
        }
        threads.shutdown();
    }

    /**
     * Each id of {@code acknowledged} is a transaction of the ledger, and the wallet holds exactly them
     * and {@code others} transfers more (each of {@link #AMOUNT}): none is there twice. The ledger verifies.
     */
    public static void everyAcknowledgedTransferOnce(
            HttpTester instance, String base, Set<String> acknowledged, int others) {
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
        assertThat(wallet).isEqualTo((acknowledged.size() + others) * AMOUNT);
        JsonNode verified = instance.post(base + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
    }
}
