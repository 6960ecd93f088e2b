package dev.pacioli.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to Pacioli's PostgreSQL: the pool, the schema's migrations, and the storage objects
 * built on them. Either an external server ({@code DATABASE_URL}) or the embedded one.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** How this process's sessions are named in {@code pg_stat_activity}: "pacioli" and its PID. */
    static final String APPLICATION_NAME = "pacioli " + ProcessHandle.current().pid();

    public static final String DEFAULT_SCHEMA = "pacioli";
    public static final int POOL_SIZE_DEFAULT = 16;

    /**
     * Every migration on the class path, found under {@code db/<capability>/}: the ledger's in this
     * module, each capability's beside its code. Versions are one sequence across them all.
     */
    public static final String MIGRATIONS = "classpath:db";

    private final HikariDataSource dataSource;
    private final EmbeddedDatabase embedded;
    private final String schema;
    private final PostgresLedgerStore store;
    /** False for a command run beside a service: a server it adopted keeps running when it closes. */
    private final boolean stopsServer;

    private Database(HikariDataSource dataSource, EmbeddedDatabase embedded, String schema) {
        this(dataSource, embedded, schema, true);
    }

    private Database(HikariDataSource dataSource, EmbeddedDatabase embedded, String schema, boolean stopsServer) {
        this.dataSource = dataSource;
        this.store = new PostgresLedgerStore(dataSource);
        this.embedded = embedded;
        this.schema = schema;
        this.stopsServer = stopsServer;
    }

    /** Connects to an external PostgreSQL. Tables live in {@code schema}, created if missing. */
    public static Database connect(DatabaseUrl url, String schema, int poolSize) {
        return new Database(pool(url, schema, poolSize), null, schema);
    }

    /** Starts (or adopts) the embedded PostgreSQL under the data directory and connects to it. */
    public static Database embedded(Path dataDirectory, int poolSize) {
        return embedded(dataDirectory, poolSize, DEFAULT_SCHEMA);
    }

    /** As {@link #embedded(Path, int)}, with the tables in {@code schema}. */
    public static Database embedded(Path dataDirectory, int poolSize, String schema) {
        EmbeddedDatabase server = EmbeddedDatabase.start(dataDirectory);
        try {
            return new Database(pool(server.url(), schema, poolSize), server, schema);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * As {@link #embedded(Path, int)}, for a command that runs beside a service (backup, restore): a
     * server already running on the data directory (the service's) is adopted and left running when
     * this closes; a server this started is stopped.
     */
    public static Database embeddedBeside(Path dataDirectory, int poolSize) {
        EmbeddedDatabase server = EmbeddedDatabase.start(dataDirectory);
        try {
            return new Database(
                    pool(server.url(), DEFAULT_SCHEMA, poolSize), server, DEFAULT_SCHEMA, !server.adopted());
        } catch (RuntimeException e) {
            if (!server.adopted()) {
                server.close();
            }
            throw e;
        }
    }

    /**
     * Another connection to the same server with its tables in {@code schema}, for a caller that must
     * see only its own rows (a test of a table-wide question). Closing it leaves this one and the
     * server running.
     */
    public Database inSchema(String schema, int poolSize) {
        HikariConfig config = new HikariConfig();
        dataSource.copyStateTo(config);
        config.setSchema(schema);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setPoolName("pacioli-" + schema);
        return new Database(new HikariDataSource(config), null, schema);
    }

    /**
     * A small pool of its own on the same database and schema, for a part that must not wait behind the
     * service's pool nor starve it (the controls hold one connection per submission in flight). Its
     * connections give up quickly: within a second to connect, two to read. {@code jdbcUrl} maps the
     * service's JDBC URL to the one these connections use (a test may put a proxy in between).
     */
    public HikariDataSource companion(String name, int poolSize, UnaryOperator<String> jdbcUrl) {
        // Not copyStateTo: that shares the driver's properties object, and these timeouts are ours alone.
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl.apply(dataSource.getJdbcUrl()));
        config.setUsername(dataSource.getUsername());
        config.setPassword(dataSource.getPassword());
        config.setSchema(dataSource.getSchema());
        dataSource.getDataSourceProperties().forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(4, poolSize));
        config.setConnectionTimeout(1_000);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("socketTimeout", "2");
        config.addDataSourceProperty("connectTimeout", "1");
        config.setPoolName("pacioli-" + name);
        return new HikariDataSource(config);
    }

    private static HikariDataSource pool(DatabaseUrl url, String schema, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setSchema(schema);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(10_000);
        config.setPoolName("pacioli");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        // Fail at once, with the server's own words, when the database cannot be reached.
        config.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot connect to PostgreSQL at " + url + ": " + rootMessage(e)
                            + ". Check DATABASE_URL (postgres://user:password@host:5432/db), that the server is running,"
                            + " and that it accepts this user.",
                    e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private Flyway flyway() {
        return configuration().load();
    }

    private org.flywaydb.core.api.configuration.FluentConfiguration configuration() {
        return Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .createSchemas(true)
                .locations(MIGRATIONS);
    }

    /** Applies pending migrations; returns how many ran. */
    public int migrate() {
        int applied = flyway().migrate().migrationsExecuted;
        if (applied > 0) {
            LOG.info("applied {} schema migration(s) in schema {}", applied, schema);
        }
        return applied;
    }

    /**
     * Applies pending migrations up to and including {@code version} (a restore rebuilds the schema of
     * its backup, no newer); returns how many ran.
     */
    public int migrateTo(String version) {
        return configuration().target(version).load().migrate().migrationsExecuted;
    }

    /** The way back: the newest applied migrations taken back by their undo scripts. */
    public MigrationsDown migrationsDown() {
        return new MigrationsDown(dataSource);
    }

    /** Every migration, applied or pending. */
    public MigrationInfo[] migrations() {
        return flyway().info().all();
    }

    /** Where this database is: the JDBC URL and user, never the password. */
    public String describe() {
        return (embedded != null ? "embedded PostgreSQL " : "PostgreSQL ") + dataSource.getJdbcUrl() + ", schema "
                + schema;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String schema() {
        return schema;
    }

    public boolean isClosed() {
        return dataSource.isClosed();
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The store every engine on this database shares, so their writer locks share one session. */
    public PostgresLedgerStore store() {
        return store;
    }

    public Catalog catalog() {
        return new Catalog(dataSource);
    }

    public LedgerReads reads() {
        return new LedgerReads(dataSource);
    }

    public Verification verification() {
        return new Verification(dataSource);
    }

    public EventReads events() {
        return new EventReads(dataSource);
    }

    /**
     * Closes the pool, then stops the embedded server this started (or adopted), unless another process
     * still has sessions on it: a second instance on the same data directory keeps its database when
     * the first stops (and, before, each instance's stop cut the other off and left it waiting on a
     * database that was gone).
     */
    @Override
    public void close() {
        dataSource.close();
        if (embedded != null && stopsServer) {
            long others = otherSessions(embedded.url());
            if (others > 0) {
                LOG.info("leaving the embedded PostgreSQL running: {} session(s) of another process use it", others);
            } else {
                embedded.close();
            }
        }
    }

    /**
     * Client sessions on the server of another process (by {@link #APPLICATION_NAME}: this process's
     * other pools do not count, they close with it); 0 when it cannot be asked.
     */
    private static long otherSessions(DatabaseUrl url) {
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
                PreparedStatement statement = connection.prepareStatement("select count(*) from pg_stat_activity"
                        + " where backend_type = 'client backend' and pid <> pg_backend_pid()"
                        + " and application_name is distinct from ?")) {
            statement.setString(1, APPLICATION_NAME);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            return 0;
        }
    }
}
