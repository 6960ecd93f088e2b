package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.EmbeddedDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A newcomer for {@link NewcomerTest}: a user, a private home (mode 700, theirs), a copy of the
 * repository's tracked files in it, and the commands they type, run there as that user. Every command
 * is bounded in time; on overrun it and the processes it started are killed by pid. Closing stops any
 * embedded PostgreSQL left under the copy (through its postmaster.pid), removes its clusters wherever
 * they live, and deletes the home. Logs stay in {@code target/newcomer/<user>/}.
 */
final class Newcomer implements AutoCloseable {
    static final String NESTED_VARIABLE = "PACIOLI_NEWCOMER_NESTED";
    private static final List<String> AS_NOBODY =
            List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--");

    final String user;
    /** Whether this newcomer is root, whose cluster is relocated out of the private directory. */
    final boolean root;

    final Path home;
    final Path clone;
    private final List<String> runAs;
    private final Map<String, String> environment;
    private final Path logs;

    private Newcomer(String user, boolean root, Path home, List<String> runAs, Map<String, String> environment)
            throws IOException {
        this.user = user;
        this.root = root;
        this.home = home;
        this.clone = home.resolve("pacioli");
        this.runAs = runAs;
        this.environment = environment;
        this.logs = Files.createDirectories(Path.of("target", "newcomer", user).toAbsolutePath());
    }

    /** The user this JVM runs as (root in CI), with their own Maven cache. */
    static Newcomer thisUser(Path mavenRepository) throws IOException {
        Path home = Files.createTempDirectory("pacioli-newcomer-"); // mode 700
        Map<String, String> environment = cleanEnvironment();
        environment.put("MAVEN_ARGS", "-Dmaven.repo.local=" + mavenRepository);
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        return new Newcomer(System.getProperty("user.name"), root, home, List.of(), environment);
    }

    /**
     * {@code nobody}, whose home is a fresh mode-700 directory of its own. It cannot read root's Maven
     * cache (inside /root), so it reads a hard-linked mirror of it ({@code maven.repo.local.tail}, read
     * only) and writes to a repository in its home; the wrapper finds Maven in the mirror.
     */
    static Newcomer nobody(Path mirror) throws IOException {
        Path home = Files.createTempDirectory("pacioli-newcomer-");
        Map<String, String> environment = cleanEnvironment();
        environment.put("HOME", home.toString());
        environment.put("USER", "nobody");
        environment.put("LOGNAME", "nobody");
        environment.put("MAVEN_USER_HOME", mirror.toString());
        environment.put(
                "MAVEN_ARGS",
                "-Dmaven.repo.local=" + home.resolve(".m2").resolve("repository") + " -Dmaven.repo.local.tail="
                        + mirror.resolve("repository"));
        return new Newcomer("nobody", false, home, AS_NOBODY, environment);
    }

    /** The developer's shell leaks nothing in: no PACIOLI_*, DATABASE_URL or Maven settings. */
    private static Map<String, String> cleanEnvironment() {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment
                .keySet()
                .removeIf(name ->
                        name.startsWith("PACIOLI_") || name.startsWith("MAVEN_") || name.equals("DATABASE_URL"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put(NESTED_VARIABLE, "1");
        return environment;
    }

    /** Copies the tracked files (with their modes) into the clone and hands the home to the user. */
    void cloneFrom(Path repository, List<String> tracked) throws IOException, InterruptedException {
        for (String name : tracked) {
            Path source = repository.resolve(name);
            if (Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                Path target = clone.resolve(name);
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (!runAs.isEmpty()) {
            assertThat(run(Duration.ofSeconds(60), "chown", List.of("chown", "-R", "nobody:nogroup", home.toString()))
                            .exit())
                    .isZero();
        }
    }

    record Result(int exit, String output) {}

    /** Runs {@code command} in the clone as the user, at most {@code limit}, and answers its exit and output. */
    Result run(Duration limit, String step, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(List.of(command));
        return run(limit, step, full);
    }

    private Result run(Duration limit, String step, List<String> command) throws IOException, InterruptedException {
        Path log = logs.resolve(step + ".log");
        Process process = start(log, command);
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            kill(process);
            throw new AssertionError(step + " did not finish within " + limit + "; its log:\n" + tail(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Starts {@code command} in the clone as the user, its output in {@code <step>.log}. */
    Process start(String step, String... command) throws IOException {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(List.of(command));
        return start(logs.resolve(step + ".log"), full);
    }

    private Process start(Path log, List<String> command) throws IOException {
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Files.isDirectory(clone) ? clone.toFile() : home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    Path log(String step) {
        return logs.resolve(step + ".log");
    }

    /** Ends a process this test started and everything it started, by pid. */
    static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Every data directory under the clone that has a cluster or a link to one. */
    List<Path> dataDirectories() throws IOException {
        if (!Files.isDirectory(clone)) {
            return List.of();
        }
        try (var paths = Files.walk(clone)) {
            return paths.filter(path -> path.getFileName().toString().equals("postgres"))
                    .filter(path -> Files.isSymbolicLink(path) || Files.exists(path.resolve("PG_VERSION")))
                    .map(Path::getParent)
                    .toList();
        }
    }

    @Override
    public void close() throws IOException {
        for (Path data : dataDirectories()) {
            EmbeddedDatabase.removeCluster(data);
        }
        deleteRecursively(home);
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * A copy of root's Maven cache that {@code nobody} can read: directories created here (0755), files
     * hard-linked (no bytes copied, and nobody cannot write them: they stay root's, mode 644), or copied
     * when the cache is on another file system.
     */
    static Path mavenMirror(Path mavenRepository, Path wrapperDistributions) throws IOException {
        Path mirror = Files.createTempDirectory("pacioli-maven-mirror-");
        Files.setPosixFilePermissions(mirror, PosixFilePermissions.fromString("rwxr-xr-x"));
        mirrorTree(mavenRepository, mirror.resolve("repository"));
        Files.createDirectories(mirror.resolve("wrapper"));
        Files.setPosixFilePermissions(mirror.resolve("wrapper"), PosixFilePermissions.fromString("rwxr-xr-x"));
        mirrorTree(wrapperDistributions, mirror.resolve("wrapper").resolve("dists"));
        return mirror;
    }

    private static void mirrorTree(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        if (!Files.isDirectory(source)) {
            return;
        }
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createLink(copy, path);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}
