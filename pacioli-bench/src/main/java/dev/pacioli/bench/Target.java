package dev.pacioli.bench;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One PostgreSQL the benchmark runs on, in a schema of its own for this run (Pacioli's tables and the
 * baseline's side by side), dropped when the run ends.
 */
final class Target implements AutoCloseable {
    /** Room for the baseline's workers plus the engine's and the service's connections. */
    static final int POOL_SIZE = 48;

    final String name;
    final Database database;

    Target(String name, Database database) {
        this.name = name;
        this.database = database;
    }

    static Target embedded(Path dataDirectory) {
        return migrated("embedded", Database.embedded(dataDirectory.toAbsolutePath(), POOL_SIZE, schema()));
    }

    static Target external(String url) {
        return migrated("external", Database.connect(DatabaseUrl.parse(url), schema(), POOL_SIZE));
    }

    private static Target migrated(String name, Database database) {
        try {
            database.migrate();
            return new Target(name, database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static String schema() {
        return "bench_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    }

    /** A one-line answer to a query, for the report: version(), fsync, synchronous_commit. */
    String show(String query) {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + database.schema() + " cascade");
        } catch (SQLException e) {
            System.err.println("could not drop schema " + database.schema() + ": " + e.getMessage());
        } finally {
            database.close();
        }
    }
}
