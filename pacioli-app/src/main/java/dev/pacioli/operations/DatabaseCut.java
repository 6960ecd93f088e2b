package dev.pacioli.operations;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.postgres.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A cut of the service's database without touching its process or its server: {@code ALTER DATABASE
 * … ALLOW_CONNECTIONS false} (no new connection to it, superusers' neither), then {@code
 * pg_terminate_backend} on every client backend connected to it. PostgreSQL refuses to disallow
 * connections to the database a session is connected to, so the cut is made from a connection to the
 * server's maintenance database ({@code postgres}, or {@code template1} when the service's database is
 * {@code postgres} itself, as on the embedded server), held by the drill until it lets connections in
 * again in {@link #close}. The other databases of the server are untouched; every service and client
 * of this one is cut, which is what a database outage is.
 *
 * <p>Needs a role that owns the database (or a superuser) and may signal its backends (the same role,
 * or {@code pg_signal_backend}). {@link #close} lets connections in again, reconnecting to the
 * maintenance database if the held connection broke; it throws only if that cannot be done, saying
 * what to run by hand.
 */
final class DatabaseCut implements AutoCloseable {
    private static final int RESTORE_ATTEMPTS = 5;

    private final String maintenanceUrl;
    private final Properties credentials;
    private final String target;
    private Connection maintenance;
    private int maintenancePid;
    private boolean cut;

    private DatabaseCut(String maintenanceUrl, Properties credentials, String target) {
        this.maintenanceUrl = maintenanceUrl;
        this.credentials = credentials;
        this.target = target;
    }

    /** Connects to the maintenance database of the server {@code database} lives on. */
    static DatabaseCut of(Database database) throws SQLException {
        if (!(database.dataSource() instanceof HikariDataSource pool)) {
            throw new SQLException("the drill cuts a database it reaches through a connection pool's URL");
        }
        String target;
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select current_database()")) {
            row.next();
            target = row.getString(1);
        }
        Properties credentials = new Properties();
        pool.getDataSourceProperties().forEach(credentials::put);
        if (pool.getUsername() != null) {
            credentials.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            credentials.setProperty("password", pool.getPassword());
        }
        credentials.setProperty("ApplicationName", "pacioli-drill");
        String maintenance = target.equals("postgres") ? "template1" : "postgres";
        String url = pool.getJdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]*/)[^?]*", "$1" + maintenance);
        DatabaseCut cut = new DatabaseCut(url, credentials, target);
        cut.connect();
        return cut;
    }

    private void connect() throws SQLException {
        maintenance = DriverManager.getConnection(maintenanceUrl, credentials);
        try (Statement statement = maintenance.createStatement();
                ResultSet row = statement.executeQuery("select pg_backend_pid()")) {
            row.next();
            maintenancePid = row.getInt(1);
        }
    }

    /** The server process of the connection the cut is made from (a test breaks it on purpose). */
    int maintenancePid() {
        return maintenancePid;
    }

    String target() {
        return target;
    }

    /** Lets no new connection in and ends every existing one; answers how many were ended. */
    int cut() throws SQLException {
        cut = true;
        try (Statement statement = maintenance.createStatement()) {
            statement.execute("alter database " + quoted(target) + " allow_connections false");
        }
        try (PreparedStatement terminate = maintenance.prepareStatement(
                "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                        + " where datname = ? and backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            terminate.setString(1, target);
            try (ResultSet row = terminate.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** Lets connections in again (whether or not the cut went through), then closes the held connection. */
    @Override
    public void close() throws SQLException {
        SQLException last = null;
        for (int attempt = 0; cut && attempt < RESTORE_ATTEMPTS; attempt++) {
            try {
                if (maintenance == null || maintenance.isClosed() || !maintenance.isValid(2)) {
                    closeQuietly();
                    connect();
                }
                try (Statement statement = maintenance.createStatement()) {
                    statement.execute("alter database " + quoted(target) + " allow_connections true");
                }
                cut = false;
            } catch (SQLException e) {
                last = e;
                closeQuietly();
            }
        }
        closeQuietly();
        if (cut) {
            throw new SQLException(
                    "could not let connections into database " + target + " again; run: alter database "
                            + quoted(target) + " allow_connections true",
                    last);
        }
    }

    private void closeQuietly() {
        try {
            if (maintenance != null) {
                maintenance.close();
            }
        } catch (SQLException ignored) {
            // a broken connection is closed by the server side anyway
        }
        maintenance = null;
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
