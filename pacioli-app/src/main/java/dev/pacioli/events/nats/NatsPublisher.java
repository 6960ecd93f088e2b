package dev.pacioli.events.nats;

import dev.pacioli.events.feed.Event;
import dev.pacioli.events.feed.EventFeed;
import dev.pacioli.events.feed.ServiceEventStore;
import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Catalog;
import dev.pacioli.postgres.Database;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every ledger's events to a NATS JetStream stream, at least once and in sequence order per
 * ledger, resuming after a restart from a durable cursor.
 *
 * <p>The journal is the outbox; this is its relay. One thread loops over the ledgers: for each whose
 * head is ahead of its cursor it reads a page of events after the cursor ({@link EventFeed}),
 * publishes each to {@code <prefix>.<ledger>.<type>} with {@code Nats-Msg-Id} = the event id, keeps at
 * most {@code outstandingAcksMax} publishes awaiting their acknowledgement, awaits them oldest first,
 * and saves the cursor at the last event of the contiguous acknowledged run ({@link NatsCursors}).
 *
 * <p>Invariant: every event at or below a saved cursor is in the stream. Events above it may be there
 * too (acknowledged, cursor not yet saved, then a crash); they are published again after a restart and
 * JetStream drops them by their id within the stream's duplicate window. So a crash costs at most one
 * page of republishing per ledger, and nothing is lost.
 *
 * <p>Order: one connection carries a ledger's publishes in sequence order, and the server stores what
 * it receives from a connection in order, so a broken connection leaves the stream with a prefix of
 * what was sent. That is why this class reconnects itself, on a fresh connection, rather than letting
 * the client reconnect on its own: the client would replay its buffered publishes behind any lost in
 * the dead socket, storing a later event before an earlier one. The one case left is JetStream refusing
 * one publish and accepting the next ones (a stream leader change in a cluster): that is detected and
 * logged, and counted in {@link #outOfOrderTotal()}.
 *
 * <p>Failures (NATS or PostgreSQL unreachable, a refused publish, an acknowledgement later than
 * {@code ackTimeout}) end the connection; the loop waits {@code backoffMin}, doubling per consecutive
 * failure up to {@code backoffMax}, and starts again from the saved cursors. It never gives up.
 *
 * <p>Limits: one page per ledger per round, so a busy ledger cannot starve the others; idle rounds sleep
 * {@code pollInterval}; {@link #close()} lets the current acknowledgements arrive for {@link #STOP_GRACE},
 * then closes the connection under the loop.
 */
public final class NatsPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NatsPublisher.class);

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long {@link #close()} waits for the loop at each step: finish, then after the connection is closed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(2);

    /** What the publisher reports, for metrics and tests. Called on the publisher's thread. */
    public interface Observer {
        Observer NONE = new Observer() {};

        /** JetStream acknowledged the event; {@code duplicate}: it had it already (a republish). */
        default void published(Event event, boolean duplicate) {}

        /** The cursor of {@code stream} (a ledger's name, or {@code _service}) was saved at {@code sequence}. */
        default void cursorSaved(String stream, long sequence) {}

        /** A round failed; the publisher reconnects after its backoff. */
        default void failed(Exception cause) {}
    }

    /**
     * One event stream as last seen: a ledger (by name) or the service's own ({@code _service}), its head
     * and how far its events are published.
     */
    public record StreamProgress(String stream, long headSequence, long publishedSequence) {
        public long lag() {
            return Math.max(0, headSequence - publishedSequence);
        }
    }

    private final Catalog catalog;
    private final EventFeed feed;
    private final ServiceEventStore serviceEvents;
    private final NatsCursors cursors;
    private final NatsOptions options;
    private final Options connectionOptions;
    private final Observer observer;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong publishedTotal = new AtomicLong();
    private final AtomicLong duplicatesTotal = new AtomicLong();
    private final AtomicLong failuresTotal = new AtomicLong();
    private final AtomicLong outOfOrderTotal = new AtomicLong();
    private final ConcurrentHashMap<String, StreamProgress> progress = new ConcurrentHashMap<>();
    /** Ledgers by name, found in the catalog when a new name appears. The loop's thread only. */
    private final Map<String, Ledger> ledgers = new HashMap<>();

    private volatile boolean running = true;
    private volatile Throwable stopCause;
    /** The loop's connection, for {@link #close()} to close under it. */
    private final AtomicReference<Connection> connection = new AtomicReference<>();

    private int failuresInARow;

    private NatsPublisher(Database database, NatsOptions options, Observer observer) {
        this.catalog = database.catalog();
        this.feed = new EventFeed(database.events());
        this.serviceEvents = new ServiceEventStore(database.dataSource());
        this.cursors = new NatsCursors(database.dataSource());
        this.options = options;
        this.observer = observer;
        this.connectionOptions = connectionOptions(options);
        this.thread = new Thread(this::run, "pacioli-nats-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts publishing in the background; NATS need not be reachable yet. */
    public static NatsPublisher start(Database database, NatsOptions options) {
        return start(database, options, Observer.NONE);
    }

    public static NatsPublisher start(Database database, NatsOptions options, Observer observer) {
        NatsPublisher publisher = new NatsPublisher(database, options, observer);
        publisher.thread.start();
        return publisher;
    }

    /** The client's options, built once so that a malformed URL fails at startup, not in the loop. */
    private static Options connectionOptions(NatsOptions options) {
        try {
            return new Options.Builder()
                    .servers(options.url().split(","))
                    .connectionName("pacioli")
                    .noReconnect() // see the class comment: we reconnect, on a fresh connection
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .errorListener(new LoggingErrorListener())
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "PACIOLI_NATS_URL is not a NATS URL (nats://host:4222): " + options.redactedUrl(), e);
        }
    }

    private void run() {
        while (running) {
            try {
                Connection current = Nats.connect(connectionOptions);
                connection.set(current);
                NatsStream.ensure(current.jetStreamManagement(), options);
                JetStream jetStream = current.jetStream(JetStreamOptions.builder()
                        .requestTimeout(options.ackTimeout())
                        .build());
                LOG.info("publishing events to NATS {}, stream {}", options.redactedUrl(), options.stream());
                publishUntilStopped(current, jetStream);
            } catch (Assert.InvariantViolation bug) {
                // A bug, not an outage: retrying would repeat it. Stop loudly; the cursors stay where they are.
                LOG.error("the NATS publisher stopped on a broken invariant", bug);
                stopCause = bug;
                running = false;
            } catch (Exception e) {
                if (running) {
                    failed(e);
                }
            } finally {
                closeConnection();
            }
        }
        LOG.info("stopped publishing events to NATS");
    }

    private void failed(Exception cause) {
        failuresTotal.incrementAndGet();
        observer.failed(cause);
        Duration backoff = backoff(options, failuresInARow++);
        refreshProgress();
        LOG.warn(
                "publishing events to NATS {} failed, retrying in {} ms: {}",
                options.redactedUrl(),
                backoff.toMillis(),
                describe(cause));
        pause(backoff);
    }

    /** {@code backoffMin} doubled per consecutive failure, at most {@code backoffMax}. */
    public static Duration backoff(NatsOptions options, int failuresBefore) {
        Duration backoff = options.backoffMin();
        for (int i = 0; i < failuresBefore && backoff.compareTo(options.backoffMax()) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(options.backoffMax()) < 0 ? backoff : options.backoffMax();
    }

    /** While NATS is away the lag still grows with the heads: read them, if PostgreSQL answers. */
    private void refreshProgress() {
        try {
            for (NatsCursors.Position position : cursors.positions(options.stream())) {
                progress.put(
                        position.source(),
                        new StreamProgress(position.source(), position.headSequence(), position.publishedSequence()));
            }
        } catch (RuntimeException e) {
            LOG.debug("could not read the ledgers' positions", e);
        }
    }

    private void publishUntilStopped(Connection current, JetStream jetStream) throws Exception {
        while (running) {
            if (current.getStatus() != Connection.Status.CONNECTED) {
                throw new IOException("the NATS connection is " + current.getStatus());
            }
            boolean published = false;
            for (NatsCursors.Position position : cursors.positions(options.stream())) {
                if (!running) {
                    return;
                }
                String stream = position.source();
                long cursor = position.publishedSequence();
                if (position.lag() > 0) {
                    long saved = publishPage(jetStream, stream, cursor);
                    published |= saved > cursor; // only progress skips the idle pause
                    cursor = saved;
                }
                progress.put(stream, new StreamProgress(stream, position.headSequence(), cursor));
            }
            failuresInARow = 0;
            if (!published) {
                pause(options.pollInterval());
            }
        }
    }

    /** Publishes the page of events after {@code cursor}; answers the cursor it saved. */
    private long publishPage(JetStream jetStream, String stream, long cursor) throws Exception {
        List<Event> events = stream.equals(ServiceEvents.STREAM)
                ? serviceEvents.after(cursor, options.pageSize())
                : feed.after(ledger(stream), cursor, options.pageSize());
        ArrayDeque<InFlight> window = new ArrayDeque<>(options.outstandingAcksMax());
        long acknowledged = cursor;
        long expected = cursor + 1;
        try {
            for (Event event : events) {
                Assert.that(
                        event.sequence() == expected++,
                        "the events of stream %s follow each other: %d after cursor %d",
                        stream,
                        event.sequence(),
                        cursor);
                if (!running) {
                    break;
                }
                if (window.size() == options.outstandingAcksMax()) {
                    acknowledged = awaitOldest(window);
                }
                window.addLast(new InFlight(event, publish(jetStream, stream, event)));
            }
            while (!window.isEmpty()) {
                acknowledged = awaitOldest(window);
            }
        } catch (Exception e) {
            checkStoredAfterGap(stream, acknowledged + 1, window);
            if (acknowledged > cursor) {
                try {
                    saveCursor(stream, acknowledged);
                } catch (RuntimeException saving) {
                    e.addSuppressed(saving);
                }
            }
            throw e;
        }
        if (acknowledged > cursor) {
            saveCursor(stream, acknowledged);
        }
        return acknowledged;
    }

    private CompletableFuture<PublishAck> publish(JetStream jetStream, String stream, Event event) {
        PublishOptions publishOptions = PublishOptions.builder()
                .messageId(event.id())
                .expectedStream(options.stream())
                .build();
        // An event of a ledger's object goes under the ledger's subjects whatever stream carries it (a
        // payout's events are the service stream's), so a consumer of one ledger sees all of it.
        String subject = NatsSubjects.subject(
                options.subjectPrefix(), event.ledger() != null ? event.ledger() : stream, event.type());
        return jetStream.publishAsync(subject, event.json(), publishOptions);
    }

    private record InFlight(Event event, CompletableFuture<PublishAck> ack) {}

    /** Waits for the oldest publish's acknowledgement; answers its sequence, now acknowledged. */
    private long awaitOldest(ArrayDeque<InFlight> window) throws Exception {
        InFlight oldest = window.removeFirst();
        PublishAck ack;
        try {
            ack = oldest.ack.get(options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(
                    "JetStream did not store event " + oldest.event.id() + ": " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(
                    "no acknowledgement for event " + oldest.event.id() + " within " + options.ackTimeout(), e);
        }
        (ack.isDuplicate() ? duplicatesTotal : publishedTotal).incrementAndGet();
        observer.published(oldest.event, ack.isDuplicate());
        return oldest.event.sequence();
    }

    /**
     * After event {@code gapSequence} failed, publishes behind it may still have been stored: then the
     * stream holds later events before it, which is worth a loud line. Waits at most one acknowledgement
     * timeout in all, and not at all when stopping.
     */
    private void checkStoredAfterGap(String stream, long gapSequence, ArrayDeque<InFlight> window) {
        long deadline = System.nanoTime() + options.ackTimeout().toNanos();
        long stored = 0;
        for (InFlight inFlight : window) {
            long waitNanos = running ? Math.max(0, deadline - System.nanoTime()) : 0;
            try {
                if (!inFlight.ack.get(waitNanos, TimeUnit.NANOSECONDS).isDuplicate()) {
                    stored++;
                }
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                // Not stored, as far as anyone can tell: it will be published again, in order.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (stored > 0) {
            outOfOrderTotal.addAndGet(stored);
            LOG.warn(
                    "JetStream stored {} event(s) of {} after event {} failed: they precede it in stream {}",
                    stored,
                    stream,
                    Event.id(stream, gapSequence),
                    options.stream());
        }
    }

    private void saveCursor(String stream, long sequence) {
        cursors.advance(stream, options.stream(), sequence);
        observer.cursorSaved(stream, sequence);
    }

    private Ledger ledger(String name) {
        Ledger ledger = ledgers.get(name);
        if (ledger == null) {
            ledger = catalog.findLedger(name).orElse(null);
            Assert.that(ledger != null, "ledger %s has a position but is not in the catalog", name);
            ledgers.put(name, ledger);
        }
        return ledger;
    }

    private void pause(Duration duration) {
        try {
            stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        Connection current = connection.getAndSet(null);
        if (current != null) {
            try {
                current.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("closing the NATS connection failed", e);
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Whether the publisher holds a connection to NATS right now. */
    public boolean connected() {
        Connection current = connection.get();
        return current != null && current.getStatus() == Connection.Status.CONNECTED;
    }

    /** False once closed, or stopped on a bug ({@link #stopCause()}). */
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** The bug the publisher stopped on, or null. */
    public Throwable stopCause() {
        return stopCause;
    }

    /** Events JetStream stored on our publish (not counting duplicates). */
    public long publishedTotal() {
        return publishedTotal.get();
    }

    /** Republished events JetStream already had and dropped by id. */
    public long duplicatesTotal() {
        return duplicatesTotal.get();
    }

    /** Rounds that failed and were retried after a backoff. */
    public long failuresTotal() {
        return failuresTotal.get();
    }

    /** Events stored ahead of an earlier event of their ledger (see the class comment). */
    public long outOfOrderTotal() {
        return outOfOrderTotal.get();
    }

    /** Every event stream seen so far, by name. */
    public List<StreamProgress> progress() {
        return progress.values().stream()
                .sorted(Comparator.comparing(StreamProgress::stream))
                .toList();
    }

    /**
     * A stream's publish lag in events (head − cursor), or NaN before the publisher first saw it:
     * {@code stream} is a ledger's name or {@code _service}.
     */
    public double lag(String stream) {
        for (StreamProgress streamProgress : progress.values()) {
            if (streamProgress.stream().equals(stream)) {
                return streamProgress.lag();
            }
        }
        return Double.NaN;
    }

    /** Every ledger's lag, added up. */
    public long lagTotal() {
        return progress.values().stream().mapToLong(StreamProgress::lag).sum();
    }

    /**
     * Stops: no new publishes; the outstanding ones get {@link #STOP_GRACE} to be acknowledged and
     * saved; then the connection is closed under the loop, which fails what is left (it is published
     * again on the next start). Returns within about twice {@link #STOP_GRACE}.
     */
    @Override
    public void close() {
        running = false;
        stop.countDown();
        try {
            thread.join(STOP_GRACE.toMillis());
            if (thread.isAlive()) {
                closeConnection();
                thread.join(STOP_GRACE.toMillis());
            }
            if (thread.isAlive()) {
                thread.interrupt();
                LOG.warn("the NATS publisher did not stop within {} ms; interrupted it", 2 * STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client's own warnings, in our log instead of java.util.logging's. */
    private static final class LoggingErrorListener implements ErrorListener {
        @Override
        public void errorOccurred(Connection connection, String error) {
            LOG.warn("NATS error: {}", error);
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            LOG.debug("NATS connection exception: {}", describe(exception));
        }
    }
}
