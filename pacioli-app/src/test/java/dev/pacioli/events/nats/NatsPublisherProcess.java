package dev.pacioli.events.nats;

import dev.pacioli.events.feed.Event;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The child process of {@link NatsPublisherTest}: a publisher that prints {@code ACK <ledger id>
 * <sequence>} for every acknowledged event and {@code SAVED <ledger id> <sequence>} for every saved
 * cursor, until it is killed (or, as a bound, after 120 s).
 *
 * <p>Arguments: JDBC URL, user, schema, NATS URL, stream, subject prefix, page size, outstanding acks.
 * The database password, if any, comes in {@code PACIOLI_TEST_DATABASE_PASSWORD}.
 */
public final class NatsPublisherProcess {
    private NatsPublisherProcess() {}

    public static void main(String[] args) throws Exception {
        DatabaseUrl url = new DatabaseUrl(args[0], args[1], System.getenv("PACIOLI_TEST_DATABASE_PASSWORD"));
        Database database = Database.connect(url, args[2], 4);
        NatsOptions options = NatsOptions.of(args[3])
                .withStream(args[4])
                .withSubjectPrefix(args[5])
                .withPaging(Integer.parseInt(args[6]), Integer.parseInt(args[7]))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        NatsPublisher.Observer observer = new NatsPublisher.Observer() {
            @Override
            public void published(Event event, boolean duplicate) {
                out.println("ACK " + event.stream() + " " + event.sequence());
                out.flush();
            }

            @Override
            public void cursorSaved(String stream, long sequence) {
                out.println("SAVED " + stream + " " + sequence);
                out.flush();
            }
        };
        NatsPublisher publisher = NatsPublisher.start(database, options, observer);
        try {
            Thread.sleep(120_000);
        } finally {
            publisher.close();
        }
        database.close();
    }
}
