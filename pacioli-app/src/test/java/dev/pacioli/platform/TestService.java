package dev.pacioli.platform;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service under test: the real one, on a random loopback port, over each test database (the
 * embedded PostgreSQL, and the server of {@code PACIOLI_TEST_DATABASE_URL} when set). One service per
 * database for the whole test JVM, since a service holds its ledgers' writer locks; tests keep apart by
 * using ledgers of their own ({@link #uniqueName}).
 */
public final class TestService {
    public static final String ADMIN_KEY = "pacioli_test_admin_0123456789abcdefghijklmnop";
    private static final AtomicLong NAMES = new AtomicLong();
    private static List<Running> all;

    /** A started service and an admin client of it. */
    public record Running(String name, Service service, Database database, HttpTester admin) {
        @Override
        public String toString() {
            return name;
        }
    }

    private TestService() {}

    public static synchronized List<Running> all() {
        if (all == null) {
            List<Running> started = new ArrayList<>();
            for (TestDatabases.TestDatabase database : TestDatabases.all()) {
                started.add(start(database.name(), database.database(), 0, 0));
            }
            all = List.copyOf(started);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> all.forEach(running -> running.service().close())));
        }
        return all;
    }

    /**
     * The service, gone live: tests of what payouts do when sent need the platform to send, while a
     * fresh installation starts dry (controls.md). The controls' own tests start theirs as installed.
     */
    public static Running start(String name, Database database, long rateLimitPerSecond, long rateLimitBurst) {
        Running running = startAsInstalled(name, database, options(rateLimitPerSecond, rateLimitBurst));
        try {
            running.admin().goLive();
        } catch (AssertionError e) {
            running.service().close();
            throw e;
        }
        return running;
    }

    public static Service.Options options(long rateLimitPerSecond, long rateLimitBurst) {
        return new Service.Options(
                Path.of("target", "test-data"),
                ADMIN_KEY,
                new HttpServer.Settings("127.0.0.1", 0, rateLimitPerSecond, rateLimitBurst, false),
                EngineConfig.DEFAULTS);
    }

    /** The service with its controls as they are stored (dry on a fresh database). */
    public static Running startAsInstalled(String name, Database database, Service.Options options) {
        Service service = Service.start(database, options);
        URI base = URI.create("http://127.0.0.1:" + service.port());
        return new Running(name, service, database, new HttpTester(base, ADMIN_KEY));
    }

    /** A name no other test of this JVM uses, for ledgers and ids. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }
}
