package dev.pacioli.events.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.events.feed.Event;
import dev.pacioli.events.feed.EventFeed;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.postgres.Database;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream and subject prefix of this test's own on the NATS server of this machine
 * ({@code PACIOLI_TEST_NATS_URL}, default {@code nats://127.0.0.1:4222}), deleted on close, and a
 * durable pull consumer that reads back what a ledger published.
 */
public final class NatsTestStream implements AutoCloseable {
    public static final String URL = System.getenv().getOrDefault("PACIOLI_TEST_NATS_URL", "nats://127.0.0.1:4222");

    private static final AtomicInteger CONSUMERS = new AtomicInteger();

    public final String stream;
    public final String prefix;
    public final Connection connection;

    public NatsTestStream() throws IOException, InterruptedException {
        String unique = ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        this.stream = "PACIOLI_TEST_" + unique;
        this.prefix = "pacioli_test_" + unique;
        try {
            this.connection = Nats.connect(URL);
        } catch (IOException e) {
            throw new IOException(
                    "the NATS tests need a NATS server with JetStream at " + URL
                            + " (nats-server -js, or set PACIOLI_TEST_NATS_URL)",
                    e);
        }
    }

    /** The publisher's options for this stream, with short backoffs so that tests recover quickly. */
    public NatsOptions options(String url) {
        return NatsOptions.of(url)
                .withStream(stream)
                .withSubjectPrefix(prefix)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    public NatsOptions options() {
        return options(URL);
    }

    /** Waits until the ledger's cursor in this stream reaches {@code head}. */
    public void awaitPublished(Database database, Ledger ledger, long head, Duration timeout)
            throws InterruptedException {
        NatsCursors cursors = new NatsCursors(database.dataSource());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cursors.find(ledger.name(), stream) < head && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(cursors.find(ledger.name(), stream))
                .as("cursor of ledger %s in %s", ledger.name(), stream)
                .isEqualTo(head);
    }

    /**
     * Reads every message of one ledger with a durable pull consumer, and checks it against the journal:
     * event i of the ledger is message i, with its subject, id header and envelope — so every event is
     * there exactly once, in sequence order.
     */
    public void assertEveryEventOnceInOrder(Database database, Ledger ledger, long head) throws Exception {
        List<Event> expected = new ArrayList<>();
        EventFeed feed = new EventFeed(database.events());
        while (expected.size() < head) {
            expected.addAll(feed.after(ledger, expected.size(), 1_000));
        }
        assertThat(expected).hasSize((int) head);

        List<Message> messages = consume(NatsSubjects.ledgerSubjects(prefix, ledger.name()), head);
        assertThat(messages).as("messages of ledger %s", ledger.name()).hasSize((int) head);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < head; i++) {
            Event event = expected.get(i);
            Message message = messages.get(i);
            String id = message.getHeaders().getFirst("Nats-Msg-Id");
            assertThat(id).isEqualTo(event.id()).isEqualTo(Event.id(ledger.name(), i + 1));
            assertThat(ids.add(id)).as("id %s once", id).isTrue();
            assertThat(message.getSubject()).isEqualTo(NatsSubjects.subject(prefix, ledger.name(), event.type()));
            assertThat(new String(message.getData(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(event.json(), StandardCharsets.UTF_8));
        }
    }

    /** Everything on {@code subjects}, oldest first, through a new durable consumer; asserts nothing is left. */
    @SuppressWarnings("try") // FetchConsumer.close() may throw InterruptedException; the test method passes it on
    public List<Message> consume(String subjects, long expected) throws Exception {
        StreamContext context = connection.getStreamContext(stream);
        ConsumerContext consumer = context.createOrUpdateConsumer(ConsumerConfiguration.builder()
                .durable("verify_" + CONSUMERS.incrementAndGet())
                .filterSubject(subjects)
                .deliverPolicy(DeliverPolicy.All)
                .ackPolicy(AckPolicy.Explicit)
                .build());
        List<Message> messages = new ArrayList<>();
        while (messages.size() < expected) {
            int before = messages.size();
            try (FetchConsumer fetch = consumer.fetchMessages((int) Math.min(500, expected - messages.size()))) {
                Message message;
                while ((message = fetch.nextMessage()) != null) {
                    messages.add(message);
                    message.ack();
                }
            }
            if (messages.size() == before) {
                break; // nothing more arrived: the assertion on the count tells what is missing
            }
        }
        assertThat(consumer.getConsumerInfo().getNumPending())
                .as("messages left after %d", messages.size())
                .isZero();
        return messages;
    }

    @Override
    public void close() {
        try {
            connection.jetStreamManagement().deleteStream(stream);
        } catch (IOException | JetStreamApiException e) {
            // Not created (the test failed before), or already gone.
        } finally {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
