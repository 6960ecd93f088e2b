package dev.pacioli.operations;

import java.net.URI;
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

/**
 * {@code writer-failover}: two instances, the writer's holder killed → taken over within
 * {@value #TAKEOVER_MAX_SECONDS} s (operations.md, high availability), nothing acknowledged lost.
 *
 * <p>Two instances of the drill's own on one scratch database; {@value #CLIENTS} clients write
 * transfers through both (the stand-by forwards to the holder), each retrying a transfer by its id on
 * the other instance until it is acknowledged. The ledger's holder (read from {@code ledger_writers}) is
 * SIGKILLed; the takeover time is from the kill to the first acknowledgement of a transfer asked after
 * it. Then every acknowledged transfer must be there once (the wallet holds exactly their sum) and the
 * ledger must verify.
 */
final class WriterFailoverDrill {
    static final long TAKEOVER_MAX_SECONDS = 10;
    static final int CLIENTS = 8;
    static final long AMOUNT = 3;
    static final int BEFORE_KILL = 100;
    static final int AFTER_KILL = 50;
    /** How long the drill waits for writes after the kill: past the bound, so a late takeover is measured. */
    static final Duration AFTER_KILL_WAIT_MAX = Duration.ofSeconds(25);

    static final Duration WAIT_MAX = Duration.ofSeconds(60);
    private static final String LEDGER = "drill-writer-failover";

    private WriterFailoverDrill() {}

    static Drills.Result run(Drills drills) throws Exception {
        List<String> figures = new ArrayList<>();
        try (DrillInstances instances = drills.instances("writer-failover", Map.of())) {
            instances.start();
            instances.start();
            String base = instances.openLedger(0, LEDGER, "");
            int holder = holder(instances);
            int standby = 1 - holder;
            figures.add("the writer's holder: instance " + holder + " of 2");
            try (Clients clients = new Clients(instances, base)) {
                DrillWait.until(
                        BEFORE_KILL + " transfers acknowledged",
                        WAIT_MAX,
                        () -> clients.acknowledged.size() >= BEFORE_KILL);
                long killed = System.nanoTime();
                clients.killedAt.set(killed);
                instances.kill(holder);
                int atKill = clients.acknowledged.size();
                figures.add("SIGKILL of the holder with " + atKill + " transfers acknowledged");
                boolean resumed =
                        DrillWait.within(AFTER_KILL_WAIT_MAX, () -> clients.acknowledged.size() >= atKill + AFTER_KILL);
                clients.stop(!resumed);
                long first = clients.firstAfterKill.get();
                Duration takeover = first == 0 ? null : Duration.ofNanos(first - killed);
                figures.add(
                        takeover == null
                                ? "no transfer acknowledged within " + AFTER_KILL_WAIT_MAX.toSeconds()
                                        + " s of the kill"
                                : "taken over: first transfer acknowledged " + takeover.toMillis()
                                        + " ms after the kill (at most " + TAKEOVER_MAX_SECONDS + " s)");
                figures.add(clients.acknowledged.size() + " transfers acknowledged in all; last refusal: "
                        + clients.lastRefusal);
                boolean kept = everyAcknowledgedOnce(instances, standby, base, clients.acknowledged, figures);
                return new Drills.Result(
                        resumed
                                && takeover != null
                                && takeover.compareTo(Duration.ofSeconds(TAKEOVER_MAX_SECONDS)) < 0
                                && kept,
                        figures);
            }
        }
    }

    /** Which instance holds the ledger's writer lease, by the URL it advertised. */
    private static int holder(DrillInstances instances) throws Exception {
        String url = instances.query("select w.url from ledger_writers w join ledgers l on l.id = w.ledger_id where"
                + " l.name = '" + LEDGER + "'");
        for (int index = 0; index < 2; index++) {
            if (instances.url(index).toString().equals(url)) {
                return index;
            }
        }
        throw new IllegalStateException("no instance of the drill holds the writer: " + url);
    }

    /** Each acknowledged id is there, the wallet holds exactly their sum (none twice), and the ledger verifies. */
    private static boolean everyAcknowledgedOnce(
            DrillInstances instances, int survivor, String base, Set<String> acknowledged, List<String> figures)
            throws Exception {
        int missing = 0;
        for (String id : acknowledged) {
            if (instances
                            .send(survivor, "GET", base + "/transactions/" + id, null)
                            .status()
                    != 200) {
                missing++;
            }
        }
        DrillInstances.Answer account = instances.send(survivor, "GET", base + "/accounts/wallet", null);
        long wallet = account.status() == 200
                ? account.json().path("balances").path("balance").longValue()
                : -1;
        // verify reads through the writer: it answers 503 while no instance writes the ledger.
        DrillInstances.Answer verify =
                instances.send(instances.url(survivor), "POST", base + "/verify", "{}", Duration.ofSeconds(30));
        boolean verified = verify.status() == 200 && verify.json().path("ok").booleanValue();
        figures.add("acknowledged transfers missing: " + missing + "; wallet " + wallet + " (expected "
                + acknowledged.size() * AMOUNT + "); ledger verifies: " + verified
                + (verify.status() == 200 ? "" : " (answered " + verify.status() + ")"));
        return missing == 0 && wallet == acknowledged.size() * AMOUNT && verified;
    }

    /** Clients writing transfers through both instances, each retried by its id until acknowledged. */
    private static final class Clients implements AutoCloseable {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong firstAfterKill = new AtomicLong();
        volatile String lastRefusal = "none";
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean abandoned = new AtomicBoolean();
        private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        private final List<Future<?>> loops = new ArrayList<>();

        Clients(DrillInstances instances, String base) {
            List<URI> urls = List.of(instances.url(0), instances.url(1));
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                loops.add(threads.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        write(instances, urls, base, "c" + client + "-" + i, client % 2);
                    }
                    return null;
                }));
            }
        }

        /** One transfer, retried on the other instance until acknowledged (at most {@link #WAIT_MAX}). */
        private void write(DrillInstances instances, List<URI> urls, String base, String id, int first)
                throws InterruptedException {
            String body =
                    "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": "
                            + AMOUNT + ", \"asset\": \"USD\"}]}";
            long deadline = System.nanoTime() + WAIT_MAX.toNanos();
            for (int at = first; System.nanoTime() < deadline && !abandoned.get(); at = 1 - at) {
                long asked = System.nanoTime();
                DrillInstances.Answer answer =
                        instances.send(urls.get(at), "POST", base + "/transactions", body, Duration.ofSeconds(10));
                if (answer.status() == 201 || answer.status() == 200) {
                    acknowledged.add(id);
                    if (asked > killedAt.get()) {
                        firstAfterKill.compareAndSet(0, System.nanoTime());
                    }
                    return;
                }
                lastRefusal = answer.status() + " " + answer.body();
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }

        /** Stops after the transfers being written; {@code abandon}: stops retrying them too (the drill failed). */
        void stop(boolean abandon) throws Exception {
            abandoned.set(abandon);
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(WAIT_MAX.toSeconds() + 15, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            running.set(false);
            threads.shutdownNow();
        }
    }
}
