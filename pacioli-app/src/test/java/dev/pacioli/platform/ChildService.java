package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.EmbeddedDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code pacioli serve} in a child JVM with data of its own, for the crash tests: SIGKILL it, start
 * it again on the same data and port, stop it with SIGTERM. Its data is the embedded PostgreSQL under
 * {@code target/NAME-PID}, or a database of its own on the external server when
 * {@code PACIOLI_TEST_DATABASE_URL} is set.
 *
 * <p>{@link #close} ends every child still alive, drops the external database, and deletes the
 * embedded data when the last child stopped gracefully; after a failure it only stops the orphaned
 * PostgreSQL, leaving the data directory and {@link #log} for inspection.
 */
public final class ChildService implements AutoCloseable {
    private static final long KILL_SECONDS_MAX = 30;
    private static final long STOP_SECONDS_MAX = 60;

    private final String adminKey;
    private final Map<String, String> settings;
    private final String externalUrl;
    private final String databaseName;
    private final String databaseUrl;
    private final Path dataDirectory;
    private final Path log;
    private final int port;
    private final List<Process> started = new ArrayList<>();
    private Process current;
    private boolean stoppedGracefully;

    private ChildService(String name, String adminKey, Map<String, String> settings) throws Exception {
        long pid = ProcessHandle.current().pid();
        String external = System.getenv("PACIOLI_TEST_DATABASE_URL");
        this.adminKey = adminKey;
        this.settings = Map.copyOf(settings);
        this.externalUrl = external == null || external.isBlank() ? null : external;
        this.databaseName = "pacioli_" + name.replace('-', '_') + "_" + pid;
        this.databaseUrl = externalUrl == null ? null : ChildServe.createDatabase(externalUrl, databaseName);
        this.dataDirectory = Path.of("target", name + "-" + pid).toAbsolutePath();
        this.log = Files.createDirectories(Path.of("target")).resolve(name + "-" + pid + ".log");
        this.port = ChildServe.freePort();
    }

    /** Starts the first child and waits until it is ready; {@code settings} are extra environment variables. */
    public static ChildService start(String name, String adminKey, Map<String, String> settings) throws Exception {
        ChildService service = new ChildService(name, adminKey, settings);
        try {
            service.launch();
            return service;
        } catch (Exception | AssertionError e) {
            try (service) {
                throw e;
            }
        }
    }

    /** An admin client of the child; it keeps working across restarts (same port). */
    public HttpTester admin() {
        return new HttpTester(URI.create("http://127.0.0.1:" + port), adminKey);
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left running for the next child to adopt. */
    public void kill() throws InterruptedException {
        current.destroyForcibly();
        assertThat(current.waitFor(KILL_SECONDS_MAX, TimeUnit.SECONDS))
                .as("the child exits on SIGKILL")
                .isTrue();
    }

    /** Starts a new child on the same data and port, after {@link #kill}, and waits until it is ready. */
    public void restart() throws Exception {
        assertThat(current.isAlive()).as("restart follows kill").isFalse();
        launch();
    }

    public void killAndRestart() throws Exception {
        kill();
        restart();
    }

    /** SIGTERM: the graceful stop, which also stops the embedded PostgreSQL; asserts the child exits. */
    public void stop() throws InterruptedException {
        current.destroy();
        assertThat(current.waitFor(STOP_SECONDS_MAX, TimeUnit.SECONDS))
                .as("the child exits within %d s of SIGTERM; log:%n%s", STOP_SECONDS_MAX, ChildServe.tail(log))
                .isTrue();
        stoppedGracefully = true;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The external database's URL, or null for the embedded PostgreSQL under {@link #dataDirectory}. */
    public String databaseUrl() {
        return databaseUrl;
    }

    public Path log() {
        return log;
    }

    private void launch() throws Exception {
        current = ChildServe.start(dataDirectory, databaseUrl, port, adminKey, settings, log);
        started.add(current);
        ChildServe.awaitReady(current, port, log);
    }

    @Override
    public void close() throws IOException {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(KILL_SECONDS_MAX, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (externalUrl != null) {
            ChildServe.dropDatabase(externalUrl, databaseName);
        } else if (stoppedGracefully) {
            EmbeddedDatabase.removeCluster(dataDirectory); // it may be relocated, outside the directory
            delete(dataDirectory);
        } else if (Files.exists(dataDirectory.resolve("postgres"))) {
            EmbeddedDatabase.start(dataDirectory).close(); // adopt the orphaned server and stop it
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
