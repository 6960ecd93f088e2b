package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Readiness follows the database: a service whose PostgreSQL becomes unreachable answers 503 on
 * {@code /health/ready} (within the probe's bound, not the pool's timeout) and a request that needs
 * the database fails with a problem, not a hang or a 500; when the database returns, so does ready.
 * The database is cut with a loopback proxy in front of the real server.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ReadinessTest {
    private final TestDatabases.TestDatabase target;

    ReadinessTest(TestDatabases.TestDatabase target) {
        this.target = target;
    }

    @Test
    void readyFollowsTheDatabase() throws Exception {
        HikariDataSource pool = (HikariDataSource) target.database().dataSource();
        URI jdbc = URI.create(pool.getJdbcUrl().substring("jdbc:".length()));
        String schema = "pacioli_ready_" + ProcessHandle.current().pid();
        try (LoopbackProxy proxy = new LoopbackProxy(jdbc.getPort()).open()) {
            String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + jdbc.getPath();
            Database database = Database.connect(new DatabaseUrl(proxied, pool.getUsername(), null), schema, 4);
            TestService.Running running = null;
            try {
                database.migrate();
                running = TestService.start("ready", database, 0, 0);
                HttpTester client = running.admin();
                assertThat(client.get("/health/ready").status()).isEqualTo(200);

                proxy.cut();
                long started = System.nanoTime();
                Response down = client.get("/health/ready");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().path("checks").path("database").stringValue())
                        .isEqualTo("unreachable");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(client.get("/health/live").status()).isEqualTo(200);
                Response read = client.get("/v1/ledgers");
                assertThat(read.status()).isEqualTo(503);
                assertThat(read.code()).isEqualTo("storage_unavailable");

                proxy.open();
                assertThat(awaitReady(client)).isEqualTo(200);
            } finally {
                if (running != null) {
                    running.service().close();
                }
                database.close();
                dropSchema(schema);
            }
        }
    }

    private static int awaitReady(HttpTester client) throws InterruptedException {
        int status = 0;
        for (int attempt = 0; attempt < 100 && status != 200; attempt++) {
            status = client.get("/health/ready").status();
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        return status;
    }

    private void dropSchema(String schema) throws Exception {
        try (Connection connection = target.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
    }
}
