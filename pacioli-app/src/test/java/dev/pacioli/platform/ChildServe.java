package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.DatabaseUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@code pacioli serve} in a child JVM, for the tests that kill or stop the process (SIGTERM,
 * SIGKILL) and start it again on the same data: the test's own classpath and Java, a clean environment
 * (no PACIOLI_* or DATABASE_URL leaks in from the developer's shell), its output appended to a log.
 */
public final class ChildServe {
    private static final long READY_SECONDS_MAX = 180;

    private ChildServe() {}

    /**
     * Starts {@code serve} on {@code port}. {@code databaseUrl} null: the embedded PostgreSQL under
     * {@code dataDirectory}. {@code settings} are extra environment variables (PACIOLI_WEBHOOK_*, …).
     */
    public static Process start(
            Path dataDirectory, String databaseUrl, int port, String adminKey, Map<String, String> settings, Path log)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1", // starts faster; these tests measure nothing
                "-cp",
                System.getProperty("java.class.path"),
                "dev.pacioli.app.Main",
                "serve",
                "--port",
                Integer.toString(port),
                "--data-dir",
                dataDirectory.toString());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PACIOLI_") || name.equals("DATABASE_URL"));
        environment.put("PACIOLI_ADMIN_KEY", adminKey);
        environment.put("PACIOLI_ACCESS_LOG", "false");
        environment.putAll(settings);
        if (databaseUrl != null) {
            environment.put("DATABASE_URL", databaseUrl);
        }
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    /** Waits, at most {@value #READY_SECONDS_MAX} s, until the child answers 200 on /health/ready. */
    public static void awaitReady(Process child, int port, Path log) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS_MAX);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive())
                    .as("the child died before it was ready; log:%n%s", tail(log))
                    .isTrue();
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child was not ready within " + READY_SECONDS_MAX + " s; log:\n" + tail(log));
    }

    /**
     * A loopback port for a child to listen on later, never handed out twice in this JVM. Ports come
     * from below the kernel's ephemeral range (32768 and up), so neither a concurrent test's
     * {@code bind(0)} (an embedded PostgreSQL, an in-process server) nor an outgoing connection can
     * take one between this call and the child's bind, and a crashed child's port stays its own for its
     * restart. (With {@code bind(0)} here, a concurrent test once restarted its child on the port just
     * handed out, and this test's readiness probe was answered by the other service.)
     */
    public static int freePort() throws IOException {
        while (true) {
            int port = NEXT_PORT.getAndIncrement();
            if (port >= PORTS_END) {
                throw new IOException("no free loopback port left in [" + PORTS_START + ", " + PORTS_END + ")");
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // held by something outside this JVM; try the next
            }
        }
    }

    private static final int PORTS_START = 20_000;
    private static final int PORTS_END = 32_000;
    /** A random start per JVM, so two test runs on one machine rarely walk the same ports. */
    private static final AtomicInteger NEXT_PORT =
            new AtomicInteger(PORTS_START + ThreadLocalRandom.current().nextInt(10_000));

    /** The last 40 lines of a child's log, for failure messages. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A fresh database {@code name} on the external server; answers its URL in the same form. */
    public static String createDatabase(String externalUrl, String name) throws SQLException {
        try (Connection connection = connect(externalUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        }
        String trimmed = externalUrl.trim();
        String prefix = trimmed.startsWith("jdbc:") ? "jdbc:" : "";
        URI url = URI.create(trimmed.substring(prefix.length()));
        return prefix + url.getScheme() + "://" + (url.getRawUserInfo() == null ? "" : url.getRawUserInfo() + "@")
                + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort()) + "/" + name
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    /** Best effort: a leftover test database is harmless. */
    public static void dropDatabase(String externalUrl, String name) {
        try (Connection connection = connect(externalUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException ignored) {
            // left for the next run's "drop database if exists"
        }
    }

    private static Connection connect(String url) throws SQLException {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        return DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
    }
}
