package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The embedded server: durable settings, data kept across restarts, a running server adopted. */
class EmbeddedDatabaseTest {
    private static Connection connect(EmbeddedDatabase server) throws SQLException {
        return DriverManager.getConnection(server.url().jdbcUrl(), server.url().user(), null);
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void startsDurableKeepsDataAndAdoptsARunningServer() throws Exception {
        Path dataDirectory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-test-");
        EmbeddedDatabase first = EmbeddedDatabase.start(dataDirectory);
        try (Connection connection = connect(first)) {
            assertThat(query(connection, "show fsync")).isEqualTo("on");
            assertThat(query(connection, "show synchronous_commit")).isEqualTo("on");
            assertThat(query(connection, "show full_page_writes")).isEqualTo("on");
            assertThat(query(connection, "show data_directory")).startsWith(dataDirectory.toString());
            // Sized to the machine (an eighth of its memory, 128 MB to 2 GB), not PostgreSQL's 128 MB.
            long megabytes = EmbeddedDatabase.sharedBuffersMegabytes();
            assertThat(megabytes).isBetween(128L, 2048L);
            assertThat(query(
                            connection,
                            "select setting::bigint * 8 / 1024 from pg_settings where name = 'shared_buffers'"))
                    .isEqualTo(Long.toString(megabytes));
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table kept (value text)");
                statement.execute("insert into kept values ('survives a restart')");
            }
        }
        assertThat(first.adopted()).isFalse();

        // A second start on the same directory while the first server runs adopts it.
        EmbeddedDatabase adopted = EmbeddedDatabase.start(dataDirectory);
        assertThat(adopted.adopted()).isTrue();
        assertThat(adopted.port()).isEqualTo(first.port());

        first.close();
        EmbeddedDatabase restarted = EmbeddedDatabase.start(dataDirectory);
        try (Connection connection = connect(restarted)) {
            assertThat(query(connection, "select value from kept")).isEqualTo("survives a restart");
        } finally {
            restarted.close();
        }
    }
}
