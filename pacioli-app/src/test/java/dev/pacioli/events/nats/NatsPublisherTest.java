package dev.pacioli.events.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.events.feed.Event;
import dev.pacioli.events.feed.LedgerEvents;
import dev.pacioli.events.feed.ServiceEventStore;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.LoopbackProxy;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import io.nats.client.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The publisher against the real NATS server of this machine and each test database: a publisher in a
 * child JVM SIGKILLed mid-stream and restarted, live tailing, republishing deduplicated by
 * {@code Nats-Msg-Id}, and an outage of NATS. Each time a durable consumer reads every event of the
 * ledger exactly once, in sequence order, byte for byte as the pull API shows it.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class NatsPublisherTest {
    private static final int EVENTS_PER_LEDGER = 3_000;
    /** The child has printed at most a pipe's worth (about 2,600 lines) more than this when it dies. */
    private static final int KILL_AFTER_ACKNOWLEDGEMENTS = 1_050;

    private static final Duration PUBLISHED_WITHIN = Duration.ofSeconds(30);
    /** {@link NatsPublisher#close()} waits at most twice its grace; a second more for the thread to end. */
    private static final long CLOSE_MILLIS_MAX = 2 * NatsPublisher.STOP_GRACE.toMillis() + 1_000;

    private final TestDatabase database;
    private NatsTestStream nats;

    NatsPublisherTest(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void createStream() throws Exception {
        nats = new NatsTestStream();
    }

    @AfterEach
    void deleteStream() throws Exception {
        nats.close();
    }

    @Test
    void aPublisherKilledMidStreamResumesAndEveryEventArrivesOnceInOrder() throws Exception {
        Database db = database.database();
        try (LedgerEvents eu = new LedgerEvents(db, unique() + ".eu");
                LedgerEvents us = new LedgerEvents(db, unique() + "@us:x-y_z")) {
            eu.write(EVENTS_PER_LEDGER);
            us.write(EVENTS_PER_LEDGER);
            long total = eu.head() + us.head();
            long started = System.nanoTime();

            long acknowledged = runAndKill(Set.of(eu.ledger.name(), us.ledger.name()));
            NatsCursors cursors = new NatsCursors(db.dataSource());
            long saved = cursors.find(eu.ledger.name(), nats.stream) + cursors.find(us.ledger.name(), nats.stream);
            assertThat(acknowledged).isGreaterThanOrEqualTo(KILL_AFTER_ACKNOWLEDGEMENTS);
            assertThat(saved).as("killed mid-way").isLessThan(total);

            eu.write(200); // written while no publisher runs
            AtomicLong duplicates = new AtomicLong();
            try (NatsPublisher restarted = NatsPublisher.start(db, nats.options(), duplicatesOf(duplicates))) {
                nats.awaitPublished(db, eu.ledger, eu.head(), PUBLISHED_WITHIN);
                nats.awaitPublished(db, us.ledger, us.head(), PUBLISHED_WITHIN);
                await(() -> restarted.lag(eu.ledger.name()) == 0 && restarted.lag(us.ledger.name()) == 0);
            }
            System.out.printf(
                    "NATS restart: %d of %d events acknowledged before SIGKILL, cursors at %d, %d republished"
                            + " events dropped as duplicates; kill and restart took %d ms%n",
                    acknowledged,
                    total,
                    saved,
                    duplicates.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            nats.assertEveryEventOnceInOrder(db, eu.ledger, eu.head());
            nats.assertEveryEventOnceInOrder(db, us.ledger, us.head());
        }
    }

    @Test
    void theServiceStreamIsPublishedUnderItsOwnSubjectsOnceInOrder() throws Exception {
        Database db = database.database();
        ServiceEventStore service = new ServiceEventStore(db.dataSource());
        for (int i = 0; i < 3; i++) {
            try (Connection connection = db.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                ServiceEvents.append(
                        connection, "test.published", ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                connection.commit();
            }
        }
        String ledgerObject = unique() + ".objects";
        try (Connection connection = db.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            ServiceEvents.append(connection, "test.of_ledger", ledgerObject, "{}".getBytes(StandardCharsets.UTF_8));
            connection.commit();
        }
        long head = service.head();
        NatsPublisher publisher = NatsPublisher.start(db, nats.options());
        try {
            await(() -> publisher.lag(ServiceEvents.STREAM) == 0);
        } finally {
            assertClosesQuickly(publisher);
        }
        assertThat(new NatsCursors(db.dataSource()).find(ServiceEvents.STREAM, nats.stream))
                .isEqualTo(head);
        // Events of no ledger go under _service; those of a ledger's objects (payouts, say) under the
        // ledger's own subjects, so a consumer of one ledger sees all of it.
        List<Event> events = service.after(0, (int) head);
        List<Event> ofNoLedger =
                events.stream().filter(event -> event.ledger() == null).toList();
        List<Message> messages = nats.consume(nats.prefix + "._service.>", ofNoLedger.size());
        assertThat(messages).hasSize(ofNoLedger.size());
        for (int i = 0; i < messages.size(); i++) {
            Event event = ofNoLedger.get(i);
            assertThat(messages.get(i).getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(event.id());
            assertThat(messages.get(i).getSubject()).isEqualTo(nats.prefix + "._service." + event.type());
            assertThat(new String(messages.get(i).getData(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(event.json(), StandardCharsets.UTF_8));
        }
        Event ofLedger = events.stream()
                .filter(event -> ledgerObject.equals(event.ledger()))
                .findFirst()
                .orElseThrow();
        List<Message> underLedger =
                nats.consume(nats.prefix + "." + NatsSubjects.ledgerToken(ledgerObject) + ".test.of_ledger", 1);
        assertThat(underLedger.getFirst().getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(ofLedger.id());
    }

    @Test
    void liveEventsArePublishedAndARepublishIsDroppedByItsId() throws Exception {
        Database db = database.database();
        try (LedgerEvents live = new LedgerEvents(db, unique() + ".live")) {
            live.write(300);
            NatsPublisher publisher = NatsPublisher.start(db, nats.options());
            try {
                live.write(300); // while it runs
                nats.awaitPublished(db, live.ledger, live.head(), PUBLISHED_WITHIN);
                await(() -> publisher.lag(live.ledger.name()) == 0);
                assertThat(publisher.publishedTotal()).isGreaterThanOrEqualTo(live.head());
                assertThat(publisher.connected()).isTrue();
            } finally {
                assertClosesQuickly(publisher);
            }
            assertThat(publisher.isRunning()).isFalse();
            assertThat(publisher.stopCause()).isNull();

            // As after a crash that lost every cursor: everything again, all of it dropped by its id.
            resetCursor(db, live.ledger);
            AtomicLong duplicates = new AtomicLong();
            NatsPublisher again = NatsPublisher.start(db, nats.options(), duplicatesOf(duplicates, live.ledger));
            try {
                nats.awaitPublished(db, live.ledger, live.head(), PUBLISHED_WITHIN);
            } finally {
                again.close();
            }
            assertThat(duplicates.get()).isEqualTo(live.head());
            nats.assertEveryEventOnceInOrder(db, live.ledger, live.head());
        }
    }

    @Test
    void whileNatsIsUnreachableThePublisherRetriesAndLosesNothing() throws Exception {
        Database db = database.database();
        try (LedgerEvents outage = new LedgerEvents(db, unique() + ".outage");
                LoopbackProxy proxy = new LoopbackProxy(natsPort()).open()) {
            outage.write(200);
            NatsPublisher publisher = NatsPublisher.start(db, nats.options("nats://127.0.0.1:" + proxy.port()));
            try {
                nats.awaitPublished(db, outage.ledger, outage.head(), PUBLISHED_WITHIN);
                long before = outage.head();

                proxy.cut();
                outage.write(300);
                await(() -> publisher.failuresTotal() >= 2);
                assertThat(publisher.connected()).isFalse();
                await(() -> publisher.lag(outage.ledger.name()) == outage.head() - before);
                assertThat(new NatsCursors(db.dataSource()).find(outage.ledger.name(), nats.stream))
                        .isEqualTo(before);

                proxy.open();
                nats.awaitPublished(db, outage.ledger, outage.head(), PUBLISHED_WITHIN);
            } finally {
                assertClosesQuickly(publisher);
            }
            nats.assertEveryEventOnceInOrder(db, outage.ledger, outage.head());

            // Closing while NATS is away is as quick.
            // Port 1 on loopback refuses at once. (The cut proxy's old port is ephemeral: a client's own
            // outgoing socket can be given that port and connect to itself, and then wait for a server.)
            NatsPublisher stranded = NatsPublisher.start(db, nats.options("nats://127.0.0.1:1"));
            await(() -> stranded.failuresTotal() >= 1);
            assertClosesQuickly(stranded);
        }
    }

    /** Runs a publisher in a child JVM and SIGKILLs it after some acknowledgements of these ledgers. */
    private long runAndKill(Set<String> ledgers) throws Exception {
        HikariDataSource dataSource = (HikariDataSource) database.database().dataSource();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        NatsOptions options = nats.options();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        NatsPublisherProcess.class.getName(),
                        dataSource.getJdbcUrl(),
                        dataSource.getUsername(),
                        database.database().schema(),
                        NatsTestStream.URL,
                        options.stream(),
                        options.subjectPrefix(),
                        "100",
                        "32")
                .redirectError(Path.of("target", "nats-publisher-process.log").toFile());
        if (dataSource.getPassword() != null) {
            builder.environment().put("PACIOLI_TEST_DATABASE_PASSWORD", dataSource.getPassword());
        }
        Process child = builder.start();
        long acknowledged = 0;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String[] words = line.split(" ");
                if (words[0].equals("ACK")
                        && ledgers.contains(words[1])
                        && ++acknowledged == KILL_AFTER_ACKNOWLEDGEMENTS) {
                    child.destroyForcibly(); // SIGKILL: no shutdown hook, no cursor saved on the way out
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return acknowledged;
    }

    private static NatsPublisher.Observer duplicatesOf(AtomicLong duplicates) {
        return new NatsPublisher.Observer() {
            @Override
            public void published(Event event, boolean duplicate) {
                if (duplicate) {
                    duplicates.incrementAndGet();
                }
            }
        };
    }

    private static NatsPublisher.Observer duplicatesOf(AtomicLong duplicates, Ledger ledger) {
        return new NatsPublisher.Observer() {
            @Override
            public void published(Event event, boolean duplicate) {
                if (event.stream().equals(ledger.name())) {
                    assertThat(duplicate)
                            .as("event %s is a duplicate", event.id())
                            .isTrue();
                    duplicates.incrementAndGet();
                }
            }
        };
    }

    private void resetCursor(Database db, Ledger ledger) throws Exception {
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("delete from nats_cursors where source = ? and stream = ?")) {
            delete.setString(1, ledger.name());
            delete.setString(2, nats.stream);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
    }

    private static void assertClosesQuickly(NatsPublisher publisher) {
        long start = System.nanoTime();
        publisher.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(millis).as("close took %d ms", millis).isLessThan(CLOSE_MILLIS_MAX);
        assertThat(publisher.isRunning()).isFalse();
    }

    private static void await(BooleanSupplier condition) {
        Await.until("the condition", PUBLISHED_WITHIN, condition);
    }

    private static int natsPort() {
        return URI.create(NatsTestStream.URL).getPort();
    }

    private static String unique() {
        return "n" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
