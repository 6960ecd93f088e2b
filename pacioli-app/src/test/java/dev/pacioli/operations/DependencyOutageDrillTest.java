package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.controls.ControlSettings;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import dev.pacioli.postgres.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code dependency-outage} drill, on each test server, against a service on a database of its
 * own: the drill cuts a whole database (every service and test on it), so it never runs on the
 * database the other tests of this JVM share. A fresh database is created on the same server for each
 * test and dropped after. On a healthy service the drill passes; on a service that reads its controls
 * every 10 minutes and trusts a read for 20 (against the contract's "cached at most 1 s"), the effective
 * mode stays live through the cut and the drill fails. Either way the database lets connections in
 * again afterwards, and it does even when the connection the cut was made from broke meanwhile.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
@Execution(value = ExecutionMode.CONCURRENT, reason = "a database of its own, cut and let in again; mostly waits")
class DependencyOutageDrillTest {
    private final TestDatabases.TestDatabase server;

    DependencyOutageDrillTest(TestDatabases.TestDatabase server) {
        this.server = server;
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void passesOnAHealthyService() throws Exception {
        Drills.Result result = drill(TestService.options(0, 0));
        assertThat(result.passed()).as("%s", result.figures()).isTrue();
        assertThat(String.join("\n", result.figures()))
                .contains("transfer during the cut: 503")
                .contains("effective mode dry, seen");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void failsOnAServiceWhoseEffectiveModeDoesNotFollowTheDatabase() throws Exception {
        ControlSettings rarely =
                new ControlSettings(Duration.ofMinutes(10), Duration.ofMinutes(20), 3, 20, UnaryOperator.identity());
        Drills.Result result = drill(TestService.options(0, 0).withControls(rarely));
        assertThat(result.passed()).as("%s", result.figures()).isFalse();
        assertThat(String.join("\n", result.figures())).contains("effective mode still live");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void theCutIsLiftedEvenWhenTheConnectionThatMadeItBroke() throws Exception {
        inOwnDatabase(name -> {
            try (Database own = connect(name, 2)) {
                try (DatabaseCut cut = DatabaseCut.of(own)) {
                    assertThat(cut.cut()).as("the pool's connection ended").isPositive();
                    assertThat(allowsConnections(name)).isFalse();
                    execute("select pg_terminate_backend(" + cut.maintenancePid() + ")");
                }
                assertThat(allowsConnections(name))
                        .as("connections let in again")
                        .isTrue();
                try (Database again = connect(name, 1);
                        Connection connection = again.dataSource().getConnection()) {
                    assertThat(connection.isValid(2))
                            .as("a new connection is accepted")
                            .isTrue();
                }
            }
            return null;
        });
    }

    /** Runs the drill against a service of its own on a fresh database, then drops both. */
    private Drills.Result drill(dev.pacioli.app.Service.Options options) throws Exception {
        return inOwnDatabase(name -> {
            try (Database own = connect(name, 8)) {
                own.migrate();
                TestService.Running service = TestService.startAsInstalled("outage", own, options);
                try {
                    Drills.Result result = new Drills(own, service.admin().base(), TestService.ADMIN_KEY)
                            .run(Drills.byName().get("dependency-outage"))
                            .getValue();
                    DrillsTest.record(
                            "dependency-outage-" + server.name() + "-" + (result.passed() ? "pass" : "fail"), result);
                    assertThat(allowsConnections(name))
                            .as("connections let in again")
                            .isTrue();
                    return result;
                } finally {
                    service.service().close();
                }
            }
        });
    }

    @FunctionalInterface
    private interface InDatabase<T> {
        T run(String name) throws Exception;
    }

    /** A fresh database on the test server for {@code body}, dropped after. */
    private <T> T inOwnDatabase(InDatabase<T> body) throws Exception {
        String name = "pacioli_drill_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        execute("create database " + name);
        try {
            return body.run(name);
        } finally {
            execute("alter database " + name + " allow_connections true");
            execute("drop database if exists " + name + " with (force)");
        }
    }

    private Database connect(String name, int poolSize) {
        HikariDataSource pool = (HikariDataSource) server.database().dataSource();
        String url = pool.getJdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]*/)[^?]*", "$1" + name);
        return Database.connect(new DatabaseUrl(url, pool.getUsername(), pool.getPassword()), "pacioli", poolSize);
    }

    private boolean allowsConnections(String name) throws Exception {
        try (Connection connection = server.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("select datallowconn from pg_database where datname = '" + name + "'")) {
            return row.next() && row.getBoolean(1);
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = server.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
