package dev.pacioli.operations;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The {@code pacioli serve} instances a drill starts itself because it kills one (worker-crash,
 * writer-failover) or must choose their settings (rpc-slow): child processes of the running command's
 * own Java and classpath with a clean environment (no PACIOLI_* or DATABASE_URL of the operator's
 * shell), on a scratch database created beside the operator's on the same server, listening on
 * loopback only, driven with an admin key of their own.
 *
 * <p>{@link #close} ends every process this started (by its handle, never by name), drops the scratch
 * database and deletes the scratch directory (the children's data directory and log). Killing is
 * SIGKILL ({@link Process#destroyForcibly()}): no shutdown hook runs, as in a crash.
 */
final class DrillInstances implements AutoCloseable {
    /** How long a child may take to answer 200 on /health/ready: a cold JVM on a loaded machine. */
    static final Duration READY_MAX = Duration.ofSeconds(120);

    private static final Duration EXIT_MAX = Duration.ofSeconds(30);
    /** How long {@link #send(int, String, String, String)} asks again after a 503 or no answer. */
    static final Duration RETRY_MAX = Duration.ofSeconds(15);

    private static final int BIND_ATTEMPTS_MAX = 3;

    private final Database operator;
    private final String database;
    private final String databaseUrl;
    private final Path directory;
    private final Path log;
    private final String adminKey;
    private final Map<String, String> settings;
    private final List<Process> started = new ArrayList<>();
    private final List<Process> current = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DrillInstances(
            Database operator, String database, String databaseUrl, Path directory, Map<String, String> settings) {
        this.operator = operator;
        this.database = database;
        this.databaseUrl = databaseUrl;
        this.directory = directory;
        this.log = directory.resolve("serve.log");
        this.adminKey = "pacioli_drill_admin_" + HexFormat.of().formatHex(randomBytes());
        this.settings = Map.copyOf(settings);
    }

    private static HikariDataSource pool(Database operator) {
        if (!(operator.dataSource() instanceof HikariDataSource pool)) {
            throw new IllegalStateException("the database is not a connection pool: " + operator.describe());
        }
        return pool;
    }

    /** A scratch database beside the operator's, no instance started yet; {@code settings} go to every child. */
    static DrillInstances create(Database operator, String drill, Map<String, String> settings) throws Exception {
        String database = "pacioli_drill_" + drill.replace('-', '_') + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection connection = operator.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + database);
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("pacioli-drill-");
        } catch (IOException e) {
            dropDatabase(operator, database);
            throw e;
        }
        return new DrillInstances(operator, database, childUrl(pool(operator), database), directory, settings);
    }

    /**
     * The scratch database as the children's DATABASE_URL: {@code postgres://user:password@host:port/db}
     * with the operator's parameters, so the password is never printed (DatabaseUrl hides it) and never
     * on a command line (the environment only).
     */
    private static String childUrl(HikariDataSource pool, String database) {
        String jdbc = pool.getJdbcUrl();
        int hostStart = jdbc.indexOf("//") + 2;
        int pathStart = jdbc.indexOf('/', hostStart);
        int queryStart = jdbc.indexOf('?', pathStart);
        StringBuilder url = new StringBuilder("postgres://");
        if (pool.getUsername() != null) {
            url.append(URLEncoder.encode(pool.getUsername(), StandardCharsets.UTF_8));
            if (pool.getPassword() != null) {
                url.append(':').append(URLEncoder.encode(pool.getPassword(), StandardCharsets.UTF_8));
            }
            url.append('@');
        }
        url.append(jdbc, hostStart, pathStart).append('/').append(database);
        if (queryStart >= 0) {
            url.append(jdbc.substring(queryStart));
        }
        return url.toString();
    }

    /** Starts one more instance and waits until it is ready; answers its index (the first is 0). */
    int start() throws Exception {
        current.add(null);
        ports.add(0);
        launch(current.size() - 1);
        return current.size() - 1;
    }

    /** Where instance {@code index} listens. */
    URI url(int index) {
        return URI.create("http://127.0.0.1:" + ports.get(index));
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill(int index) throws Exception {
        Process process = current.get(index);
        process.destroyForcibly();
        if (!process.waitFor(EXIT_MAX.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("instance " + index + " still runs " + EXIT_MAX + " after SIGKILL");
        }
    }

    /** Starts instance {@code index} again after {@link #kill}, on the same database, and waits until it is ready. */
    void restart(int index) throws Exception {
        if (current.get(index).isAlive()) {
            throw new IllegalStateException("instance " + index + " still runs");
        }
        launch(index);
    }

    /** Runs {@code sql} on the scratch database and answers its first column of its first row. */
    String query(String sql) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
                Statement statement = connection.createStatement()) {
            connection.setSchema(Database.DEFAULT_SCHEMA); // where serve keeps its tables
            try (ResultSet row = statement.executeQuery(sql)) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** An answer of an instance; status 0 when none came (killed, not listening, timed out). */
    record Answer(int status, String body) {
        JsonNode json() {
            return RequestReader.MAPPER.readTree(body);
        }

        Answer expect(int... statuses) throws IOException {
            for (int expected : statuses) {
                if (status == expected) {
                    return this;
                }
            }
            throw new IOException("answered " + status + ": " + body);
        }
    }

    /** A call with this instances' admin key, at most {@code timeout}; never throws for want of an answer. */
    Answer send(URI base, String method, String path, String body, Duration timeout) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + adminKey);
        request = body == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(answer.statusCode(), answer.body());
        } catch (IOException e) {
            return new Answer(0, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Opens {@code ledger} through instance {@code index}: USD, a debit-normal {@code world} and a
     * {@code wallet} with {@code walletFields} (JSON members, or empty). Answers its base path.
     */
    String openLedger(int index, String ledger, String walletFields) throws Exception {
        String base = "/v1/ledgers/" + ledger;
        send(index, "PUT", "/v1/assets/USD", "{\"scale\": 2}").expect(200, 201);
        send(index, "POST", "/v1/ledgers", "{\"name\": \"" + ledger + "\"}").expect(201);
        send(
                        index,
                        "POST",
                        base + "/accounts",
                        "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}")
                .expect(201);
        send(index, "POST", base + "/accounts", "{\"id\": \"wallet\", \"asset\": \"USD\"" + walletFields + "}")
                .expect(201);
        return base;
    }

    /**
     * A call to instance {@code index}, asked again (the same request: the API's writes are idempotent by
     * their id) while it answers 503 or nothing, for at most {@link #RETRY_MAX}: a loaded machine's
     * instance may briefly not read its controls (503 storage_unavailable, "retry"), which is not what a
     * drill checks.
     */
    Answer send(int index, String method, String path, String body) throws InterruptedException {
        long deadline = System.nanoTime() + RETRY_MAX.toNanos();
        while (true) {
            Answer answer = send(url(index), method, path, body, Duration.ofSeconds(30));
            if ((answer.status() != 503 && answer.status() != 0) || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(200);
        }
    }

    /** The last lines of the children's log, for a failure's figures. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void launch(int index) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Process process = spawn(port);
            started.add(process);
            current.set(index, process);
            ports.set(index, port);
            if (awaitReady(process, port)) {
                return;
            }
            if (attempt == BIND_ATTEMPTS_MAX) {
                throw new IllegalStateException(
                        "instance " + index + " did not start (exit " + process.exitValue() + "): " + logTail(20));
            }
            // Most likely the port was taken between our probe and its bind: another port.
        }
    }

    private Process spawn(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1", // starts faster; a drill's instances live a minute
                "-cp",
                System.getProperty("java.class.path"),
                "dev.pacioli.app.Main",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--data-dir",
                directory.resolve("data").toString());
        Map<String, String> environment = builder.environment();
        Map<String, String> kept = new HashMap<>(environment);
        kept.keySet().removeIf(name -> name.startsWith("PACIOLI_") || name.equals("DATABASE_URL"));
        environment.clear();
        environment.putAll(kept);
        environment.put("PACIOLI_ADMIN_KEY", adminKey);
        environment.put("PACIOLI_ACCESS_LOG", "false");
        environment.put("DATABASE_URL", databaseUrl);
        environment.putAll(settings);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    /** True once the child answers 200 on /health/ready; false when it died first. */
    private boolean awaitReady(Process child, int port) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + READY_MAX.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                return false;
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("an instance (pid " + child.pid() + ", alive: " + child.isAlive()
                + ") was not ready within " + READY_MAX.toSeconds() + " s; its log: " + logTail(20));
    }

    /** A loopback port free now (the child binds it a moment later; a lost race is retried by {@link #launch}). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(EXIT_MAX.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        http.close();
        dropDatabase(operator, database);
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static void dropDatabase(Database operator, String database) {
        try (Connection connection = operator.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            // left behind, named pacioli_drill_*: harmless, and dropped by hand
        }
    }
}
