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
 * <p>More instances on the same data ({@link #startAnother}) stand for the instances of a deployment
 * on one database; each has its port and is addressed by its index (the first is 0).
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
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> current = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private boolean stoppedGracefully;

    private ChildService(String name, String adminKey, Map<String, String> settings, boolean embedded)
            throws Exception {
        long pid = ProcessHandle.current().pid();
        String external = embedded ? null : System.getenv("PACIOLI_TEST_DATABASE_URL");
        this.adminKey = adminKey;
        this.settings = Map.copyOf(settings);
        this.externalUrl = external == null || external.isBlank() ? null : external;
        this.databaseName = "pacioli_" + name.replace('-', '_') + "_" + pid;
        this.databaseUrl = externalUrl == null ? null : ChildServe.createDatabase(externalUrl, databaseName);
        this.dataDirectory = Path.of("target", name + "-" + pid).toAbsolutePath();
        this.log = Files.createDirectories(Path.of("target")).resolve(name + "-" + pid + ".log");
        this.ports.add(ChildServe.freePort());
        this.current.add(null);
    }

    /** Starts the first child and waits until it is ready; {@code settings} are extra environment variables. */
    public static ChildService start(String name, String adminKey, Map<String, String> settings) throws Exception {
        return start(new ChildService(name, adminKey, settings, false));
    }

    /**
     * As {@link #start}, always on the embedded PostgreSQL under {@link #dataDirectory}, even when the
     * suite runs against an external server: for the tests that stop and start the database itself.
     */
    public static ChildService startEmbedded(String name, String adminKey, Map<String, String> settings)
            throws Exception {
        return start(new ChildService(name, adminKey, settings, true));
    }

    private static ChildService start(ChildService service) throws Exception {
        try {
            service.launch(0);
            return service;
        } catch (Exception | AssertionError e) {
            try (service) {
                throw e;
            }
        }
    }

    /** Starts one more instance on the same data, on a port of its own; answers its index. */
    public int startAnother() throws Exception {
        ports.add(ChildServe.freePort());
        current.add(null);
        launch(ports.size() - 1);
        return ports.size() - 1;
    }

    /** An admin client of the first instance; it keeps working across restarts (same port). */
    public HttpTester admin() {
        return admin(0);
    }

    public HttpTester admin(int instance) {
        return new HttpTester(URI.create("http://127.0.0.1:" + ports.get(instance)), adminKey);
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left running for the next child to adopt. */
    public void kill() throws InterruptedException {
        kill(0);
    }

    public void kill(int instance) throws InterruptedException {
        Process process = current.get(instance);
        process.destroyForcibly();
        assertThat(process.waitFor(KILL_SECONDS_MAX, TimeUnit.SECONDS))
                .as("the child exits on SIGKILL")
                .isTrue();
    }

    /** SIGSTOP: the instance is frozen as a long pause would (its sockets stay open); {@link #resume} ends it. */
    public void pause(int instance) throws Exception {
        signal(instance, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int instance) throws Exception {
        signal(instance, "CONT");
    }

    private void signal(int instance, String signal) throws Exception {
        Process kill = new ProcessBuilder(
                        "kill",
                        "-" + signal,
                        Long.toString(current.get(instance).pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -%s", signal)
                .isTrue();
    }

    /** Starts a new child on the same data and port, after {@link #kill}, and waits until it is ready. */
    public void restart() throws Exception {
        restart(0);
    }

    public void restart(int instance) throws Exception {
        assertThat(current.get(instance).isAlive()).as("restart follows kill").isFalse();
        launch(instance);
    }

    public void killAndRestart() throws Exception {
        kill();
        restart();
    }

    /** SIGTERM to every instance alive: the graceful stop, which also stops the embedded PostgreSQL. */
    public void stop() throws InterruptedException {
        for (int instance = current.size() - 1; instance >= 0; instance--) {
            Process process = current.get(instance);
            if (!process.isAlive()) {
                continue;
            }
            process.destroy();
            assertThat(process.waitFor(STOP_SECONDS_MAX, TimeUnit.SECONDS))
                    .as("the child exits within %d s of SIGTERM; log:%n%s", STOP_SECONDS_MAX, ChildServe.tail(log))
                    .isTrue();
        }
        stoppedGracefully = true;
    }

    /** The process of an instance: the same one for as long as it was neither killed nor restarted. */
    public ProcessHandle process(int instance) {
        return current.get(instance).toHandle();
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

    private void launch(int instance) throws Exception {
        Process process = ChildServe.start(dataDirectory, databaseUrl, ports.get(instance), adminKey, settings, log);
        current.set(instance, process);
        started.add(process);
        ChildServe.awaitReady(process, ports.get(instance), log);
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
