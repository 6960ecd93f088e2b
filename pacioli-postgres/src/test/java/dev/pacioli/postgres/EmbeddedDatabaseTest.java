package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded server: durable settings, data kept across restarts, a running server adopted; and, in
 * a directory that only its owner can enter, the same story without touching that directory's
 * permissions. These tests run as root here and in CI, where the cluster is relocated under
 * /var/lib/pacioli; run as a normal user, the same tests check that the cluster stays in place.
 */
class EmbeddedDatabaseTest {
    private static final boolean ROOT = ClusterLayout.isRoot();

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

    private static void execute(EmbeddedDatabase server, String... statements) throws SQLException {
        try (Connection connection = connect(server);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @Test
    void startsDurableKeepsDataAndAdoptsARunningServer() throws Exception {
        Path dataDirectory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-test-");
        try {
            EmbeddedDatabase first = EmbeddedDatabase.start(dataDirectory);
            try (Connection connection = connect(first)) {
                assertThat(query(connection, "show fsync")).isEqualTo("on");
                assertThat(query(connection, "show synchronous_commit")).isEqualTo("on");
                assertThat(query(connection, "show full_page_writes")).isEqualTo("on");
                assertThat(query(connection, "show data_directory"))
                        .isEqualTo(
                                dataDirectory.resolve("postgres").toRealPath().toString());
                // Sized to the machine (an eighth of its memory, 128 MB to 2 GB), not PostgreSQL's 128 MB.
                long megabytes = EmbeddedDatabase.sharedBuffersMegabytes();
                assertThat(megabytes).isBetween(128L, 2048L);
                assertThat(query(
                                connection,
                                "select setting::bigint * 8 / 1024 from pg_settings where name = 'shared_buffers'"))
                        .isEqualTo(Long.toString(megabytes));
            }
            execute(first, "create table kept (value text)", "insert into kept values ('survives a restart')");
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
        } finally {
            removeAll(dataDirectory);
        }
    }

    /**
     * The newcomer's case (issue #12): a data directory under a directory only its owner can enter. As
     * root the server runs as nobody, which cannot enter it: the cluster is relocated and linked, and
     * restarts and adoption find it through the link. Either way no permission of the user's changes.
     */
    @Test
    void aPrivateDirectoryKeepsItsPermissionsAndItsClusterIsFoundAgain() throws Exception {
        Path home = Files.createTempDirectory("pacioli-private-"); // mode 700, like a home directory
        Path data = Files.createDirectories(home.resolve("pacioli").resolve("data"));
        Map<Path, String> before = modes(home, home.resolve("pacioli"), data);
        try {
            EmbeddedDatabase first = EmbeddedDatabase.start(data);
            execute(first, "create table kept (value text)", "insert into kept values ('found again')");
            assertWhereTheClusterLives(data, first);

            // The process that started it dies without stopping it: the next start adopts the orphan.
            EmbeddedDatabase adopted = EmbeddedDatabase.start(data);
            assertThat(adopted.adopted()).isTrue();
            assertThat(adopted.port()).isEqualTo(first.port());
            adopted.close();

            EmbeddedDatabase restarted = EmbeddedDatabase.start(data);
            assertThat(restarted.adopted()).isFalse();
            assertThat(restarted.cluster()).isEqualTo(first.cluster());
            try (Connection connection = connect(restarted)) {
                assertThat(query(connection, "select value from kept")).isEqualTo("found again");
            } finally {
                restarted.close();
            }
            assertThat(modes(home, home.resolve("pacioli"), data)).isEqualTo(before);

            EmbeddedDatabase.removeCluster(data);
            assertThat(first.cluster()).doesNotExist();
            assertThat(data.resolve("postgres")).doesNotExist();
        } finally {
            removeAll(data);
            removeAll(home);
        }
    }

    private static void assertWhereTheClusterLives(Path data, EmbeddedDatabase server) throws Exception {
        Path link = data.resolve("postgres");
        assertThat(server.relocated()).isEqualTo(ROOT);
        assertThat(EmbeddedDatabase.relocated(data)).isEqualTo(ROOT);
        if (ROOT) {
            Path relocatedHome = server.cluster().getParent();
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(link.toRealPath()).isEqualTo(server.cluster());
            assertThat(relocatedHome.getParent()).isEqualTo(Path.of("/var/lib/pacioli/clusters"));
            assertThat(Files.readString(relocatedHome.resolve("data-directory")).trim())
                    .isEqualTo(data.toRealPath().toString());
            assertThat(Files.getOwner(server.cluster()).getName()).isEqualTo("nobody");
            assertThat(modes(server.cluster())).isEqualTo(Map.of(server.cluster(), "rwx------"));
            assertThat(modes(relocatedHome)).isEqualTo(Map.of(relocatedHome, "rwxr-xr-x"));
        } else {
            assertThat(Files.isSymbolicLink(link)).isFalse();
            assertThat(server.cluster()).isEqualTo(link.toRealPath());
        }
        try (Connection connection = connect(server)) {
            assertThat(query(connection, "show data_directory"))
                    .isEqualTo(server.cluster().toString());
        }
    }

    /**
     * A moved data directory takes its cluster along. A copy never shares the original's cluster: in
     * place, {@code cp -a} copied the cluster itself; relocated, it copied the link, and is refused.
     */
    @Test
    void aMovedDataDirectoryKeepsItsClusterAndACopyDoesNotShareIt() throws Exception {
        Path home = Files.createTempDirectory("pacioli-private-");
        Path original = home.resolve("data");
        Path moved = home.resolve("moved");
        Path copy = home.resolve("copy");
        try {
            EmbeddedDatabase first = EmbeddedDatabase.start(original);
            execute(first, "create table kept (value text)", "insert into kept values ('moved along')");
            first.close();
            Files.move(original, moved);
            EmbeddedDatabase afterMove = EmbeddedDatabase.start(moved);
            try (Connection connection = connect(afterMove)) {
                assertThat(query(connection, "select value from kept")).isEqualTo("moved along");
            } finally {
                afterMove.close();
            }

            Process cp = new ProcessBuilder("cp", "-a", moved.toString(), copy.toString())
                    .inheritIO()
                    .start();
            assertThat(cp.waitFor(60, TimeUnit.SECONDS) && cp.exitValue() == 0).isTrue();
            if (ROOT) {
                assertThatThrownBy(() -> EmbeddedDatabase.start(copy))
                        .hasMessageContaining("is a copy of " + moved.toRealPath())
                        .hasMessageContaining("must not share");
            } else {
                EmbeddedDatabase ofTheCopy = EmbeddedDatabase.start(copy);
                assertThat(ofTheCopy.cluster()).isNotEqualTo(afterMove.cluster());
                ofTheCopy.close();
            }
        } finally {
            removeAll(moved);
            if (!ROOT) {
                removeAll(copy);
            }
            removeAll(home);
        }
    }

    /** As root where nobody cannot enter, a shared root that cannot be created is a clear error. */
    @Test
    void aSharedRootThatCannotBeCreatedIsAClearError() throws Exception {
        Path home = Files.createTempDirectory("pacioli-private-");
        Path notADirectory = Files.writeString(home.resolve("a-file"), "");
        Path data = home.resolve("data");
        try {
            if (ROOT) {
                assertThatThrownBy(() -> EmbeddedDatabase.start(data, notADirectory.resolve("pacioli")))
                        .hasMessageContaining("cannot enter " + data.toRealPath())
                        .hasMessageContaining("could not be created")
                        .hasMessageContaining("run Pacioli as a normal user");
                assertThat(data.resolve("postgres")).doesNotExist();
            } else {
                // Not root: nothing is relocated, so the shared root is never used.
                EmbeddedDatabase.start(data, notADirectory.resolve("pacioli")).close();
            }
        } finally {
            removeAll(data);
            removeAll(home);
        }
    }

    /** The cluster, wherever it lives, then the directory. */
    private static void removeAll(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        EmbeddedDatabase.removeCluster(directory);
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Map<Path, String> modes(Path... paths) throws IOException {
        Map<Path, String> modes = new LinkedHashMap<>();
        for (Path path : List.of(paths)) {
            modes.put(path, PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
        return modes;
    }
}
