package dev.pacioli.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL servers storage tests run against: always the embedded one (started once per test
 * JVM under target/), and also the server named by {@code PACIOLI_TEST_DATABASE_URL} when it is set.
 * Each gets a schema of its own for this JVM, so runs never see each other's rows; the external
 * schema is dropped when the JVM exits.
 */
public final class TestDatabases {
    public static final String EXTERNAL_URL_VARIABLE = "PACIOLI_TEST_DATABASE_URL";

    /** A database under test, named for test reports. */
    public record TestDatabase(String name, Database database) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<TestDatabase> all;

    private TestDatabases() {}

    public static synchronized List<TestDatabase> all() {
        if (all == null) {
            List<TestDatabase> databases = new ArrayList<>();
            databases.add(new TestDatabase("embedded", embedded()));
            String external = System.getenv(EXTERNAL_URL_VARIABLE);
            if (external != null && !external.isBlank()) {
                databases.add(new TestDatabase("external", external(DatabaseUrl.parse(external))));
            }
            all = List.copyOf(databases);
        }
        return all;
    }

    /**
     * A connection to the same server with its tables in a fresh schema of its own, migrated: for a test
     * whose questions are about a whole table, or whose workers must see only its own rows. Dropped by
     * {@link #drop}, or at the JVM's exit; the shared database and its server stay.
     */
    public static Database ownSchema(Database shared, String prefix, int poolSize) {
        String schema = prefix + "_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Database own = shared.inSchema(schema, poolSize);
        own.migrate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(own)));
        return own;
    }

    /** Drops an {@link #ownSchema} and closes its pool; a second call does nothing. */
    public static synchronized void drop(Database own) {
        if (own.isClosed()) {
            return;
        }
        try (Connection connection = own.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + own.schema() + " cascade");
        } catch (Exception ignored) {
            // Best effort: a leftover schema is harmless.
        } finally {
            own.close();
        }
    }

    private static String schemaName() {
        return "pacioli_test_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    }

    private static Database embedded() {
        Path dataDirectory = Path.of("target", "embedded-postgres").toAbsolutePath();
        Database database = Database.embedded(dataDirectory, Database.POOL_SIZE_DEFAULT, schemaName());
        // As root in a directory nobody can enter, the cluster lives under /var/lib/pacioli, which
        // `mvn clean` or deleting the clone would not empty: it goes when the JVM does.
        boolean relocated = EmbeddedDatabase.relocated(dataDirectory);
        return withCleanup(database, () -> {
            if (relocated) {
                EmbeddedDatabase.removeCluster(dataDirectory);
            }
        });
    }

    private static Database external(DatabaseUrl url) {
        return withCleanup(Database.connect(url, schemaName(), Database.POOL_SIZE_DEFAULT), () -> {});
    }

    /** Drops the JVM's schema and closes the database at exit, then runs {@code afterClose}. */
    private static Database withCleanup(Database database, Runnable afterClose) {
        database.migrate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema if exists " + database.schema() + " cascade");
            } catch (Exception ignored) {
                // Best effort: a leftover schema is harmless.
            }
            database.close();
            afterClose.run();
        }));
        return database;
    }
}
