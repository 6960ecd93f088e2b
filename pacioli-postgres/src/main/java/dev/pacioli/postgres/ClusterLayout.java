package dev.pacioli.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a data directory's PostgreSQL cluster and binaries live, and as whom the server runs.
 *
 * <p>As a normal user, everything is under the data directory: {@code postgres/} (the cluster) and
 * {@code postgres-bin/} (the unpacked binaries). PostgreSQL refuses to run as root, so as root it runs
 * as {@code nobody}, which needs to enter the cluster's parent and the binaries. When root's data
 * directory is somewhere {@code nobody} cannot enter (a home directory, a container's /root, any
 * mode-700 directory on the way), we neither widen the user's directories nor give the server root's
 * powers: the cluster is <em>relocated</em> to {@code /var/lib/pacioli/clusters/<digest>/postgres}
 * (the digest is of the data directory's real path; parents 0755 root, the cluster 0700 nobody), the
 * binaries to {@code /var/lib/pacioli/postgres-bin/}, and the data directory keeps a symbolic link
 * {@code postgres -> /var/lib/pacioli/clusters/<digest>/postgres}. Everything that opens
 * {@code <data>/postgres} (restarts, {@code verify}, adoption of an orphaned server, a backup that
 * follows links) so finds the cluster again. Beside the cluster, the file {@code data-directory}
 * names the data directory it belongs to; that is how a moved data directory takes its cluster along
 * and a copied one is refused rather than sharing a cluster with its original.
 *
 * <p>Invariant: a cluster has exactly one data directory. Nothing here deletes a cluster except
 * {@link #remove}, which only tests and explicit clean-ups call.
 */
final class ClusterLayout {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLayout.class);
    /** Root-managed and persistent; not /tmp or /var/tmp, which are cleaned. */
    static final Path SHARED_ROOT = Path.of("/var/lib/pacioli");

    static final String UNPRIVILEGED_USER = "nobody";
    static final String CLUSTER = "postgres";
    static final String BINARIES = "postgres-bin";
    static final String OWNER_FILE = "data-directory";
    private static final long CHECK_SECONDS = 10;

    /**
     * @param cluster the cluster's real directory (relocated or not)
     * @param binaries where the binaries are unpacked, one directory per archive digest below it
     * @param runAs the command prefix that runs the server's commands as {@code nobody}; empty when not root
     * @param relocated whether the cluster lives under {@link #SHARED_ROOT}, linked from the data directory
     */
    record Layout(Path cluster, Path binaries, List<String> runAs, boolean relocated) {}

    private ClusterLayout() {}

    /** The layout for {@code data} (a real path that exists), creating the relocation and its link if needed. */
    static Layout of(Path data, Path sharedRoot) throws IOException {
        Path link = data.resolve(CLUSTER);
        if (!isRoot()) {
            return new Layout(link, data.resolve(BINARIES), List.of(), false);
        }
        List<String> runAs = runAsPrefix();
        boolean reachable = canEnter(runAs, data);
        Path binaries = reachable ? data.resolve(BINARIES) : sharedRoot.resolve(BINARIES);
        Path cluster;
        if (Files.isSymbolicLink(link)) {
            cluster = follow(data, link);
        } else if (reachable || Files.exists(link)) {
            cluster = link;
        } else {
            cluster = relocate(data, link, sharedRoot);
        }
        if (!canEnter(runAs, cluster.getParent())) {
            throw new IllegalStateException("running as root, the embedded PostgreSQL runs as user '"
                    + UNPRIVILEGED_USER + "', which cannot enter " + cluster.getParent()
                    + ", where its cluster is. Make that directory and its parents enterable by others"
                    + " (chmod o+x), or run Pacioli as a normal user");
        }
        if (!cluster.equals(link)) {
            LOG.info(
                    "the embedded PostgreSQL cluster for {} is {} (linked from {}): running as root, and user '{}'"
                            + " cannot enter {}",
                    data,
                    cluster,
                    link,
                    UNPRIVILEGED_USER,
                    data);
        }
        return new Layout(cluster, binaries, runAs, !cluster.equals(link));
    }

    /** Whether {@code data}'s cluster is a relocated one (a link to a cluster that names {@code data}). */
    static boolean relocated(Path data) throws IOException {
        Path link = data.resolve(CLUSTER);
        if (!Files.isSymbolicLink(link) || !Files.exists(link)) {
            return false;
        }
        Path owner = link.toRealPath().getParent().resolve(OWNER_FILE);
        return Files.exists(owner) && readOwner(owner).equals(data);
    }

    /**
     * Deletes {@code data}'s cluster (its server must be stopped): the relocated directory and the link,
     * or the cluster in place. Leaves the binaries, which are shared and reused.
     */
    static void remove(Path data) throws IOException {
        Path link = data.resolve(CLUSTER);
        if (relocated(data)) {
            deleteRecursively(link.toRealPath().getParent());
            Files.delete(link);
        } else if (Files.isSymbolicLink(link)) {
            Files.delete(link); // a link the user made, or one whose cluster is gone: not ours to follow
        } else if (Files.exists(link)) {
            deleteRecursively(link);
        }
    }

    /**
     * The relocated home of {@code data}'s cluster: created with its owner file, then linked. A home
     * that already names {@code data} (its link was lost: the data directory was emptied or recreated)
     * is linked again rather than replaced, so no ledger is silently started over.
     */
    private static Path relocate(Path data, Path link, Path sharedRoot) throws IOException {
        Path home = sharedRoot.resolve("clusters").resolve(digest(data.toString()));
        try {
            for (Path directory : List.of(sharedRoot, sharedRoot.resolve("clusters"), home)) {
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("running as root, and user '" + UNPRIVILEGED_USER + "' (as whom the"
                    + " embedded PostgreSQL runs) cannot enter " + data + ", so its cluster belongs in " + home
                    + ", which could not be created (" + e + "). Make " + sharedRoot + " writable, choose a data"
                    + " directory that others can enter (--data-dir), or run Pacioli as a normal user");
        }
        Path owner = home.resolve(OWNER_FILE);
        if (Files.exists(owner)) {
            if (!readOwner(owner).equals(data)) {
                throw new IllegalStateException(
                        home + " belongs to the data directory " + readOwner(owner) + ", not to " + data);
            }
            LOG.warn("{} had no link to its cluster; found it again in {}", data, home);
        } else {
            Files.writeString(owner, data + "\n", StandardCharsets.UTF_8);
        }
        Files.createSymbolicLink(link, home.resolve(CLUSTER));
        return home.resolve(CLUSTER);
    }

    /** Follows {@code <data>/postgres}; a moved data directory takes its cluster along, a copied one is refused. */
    private static Path follow(Path data, Path link) throws IOException {
        Path cluster;
        try {
            cluster = link.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(link + " links to the cluster " + Files.readSymbolicLink(link)
                    + ", which does not exist. Restore it from a backup; or, to start an empty ledger, delete"
                    + " the link");
        }
        Path owner = cluster.getParent().resolve(OWNER_FILE);
        if (!Files.exists(owner)) {
            return cluster; // a link the user made to a cluster of their own
        }
        Path named = readOwner(owner);
        if (!named.equals(data)) {
            if (sameCluster(named.resolve(CLUSTER), cluster)) {
                throw new IllegalStateException(data + " is a copy of " + named + ": both link to the cluster "
                        + cluster + ", and two services must not share one. Delete " + link
                        + " to give the copy an empty cluster of its own, or run Pacioli on " + named);
            }
            LOG.info("{} was moved from {}; its cluster {} moves with it", data, named, cluster);
            Files.writeString(owner, data + "\n", StandardCharsets.UTF_8);
        }
        return cluster;
    }

    private static boolean sameCluster(Path otherLink, Path cluster) {
        try {
            return Files.isSymbolicLink(otherLink) && otherLink.toRealPath().equals(cluster);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path readOwner(Path owner) throws IOException {
        return Path.of(Files.readString(owner, StandardCharsets.UTF_8).trim());
    }

    /** PostgreSQL refuses to run as root; as root we run its commands as {@code nobody}. */
    private static List<String> runAsPrefix() {
        String group = Commands.run(CHECK_SECONDS, List.of("id", "-gn", UNPRIVILEGED_USER));
        return List.of("setpriv", "--reuid=" + UNPRIVILEGED_USER, "--regid=" + group, "--clear-groups", "--");
    }

    /** Asks the system, as {@code nobody}, so modes, owners and ACLs all count. */
    private static boolean canEnter(List<String> runAs, Path directory) {
        List<String> command = new ArrayList<>(runAs);
        command.addAll(List.of("test", "-x", directory.toString()));
        return Commands.succeeds(CHECK_SECONDS, command);
    }

    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
