package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.pacioli.app.MainAccess;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.EmbeddedDatabase;
import dev.pacioli.postgres.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backup taken while 16 clients write transfers over loopback HTTP to the real service (on a schema
 * of its own), restored into a target that holds nothing: a new embedded data directory for the
 * embedded server, a new schema on the external one. Every transfer acknowledged before the manifest's
 * {@code snapshot_at} is in the restore, every ledger verifies with the manifest's head, every table
 * holds the manifest's rows, the restored database serves (its sequences set: new rows get new ids),
 * and a target that is not empty is refused with nothing changed.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class BackupRestoreTest {
    private static final int CLIENTS = 16;
    /** Each client stops after this many transfers at the latest, so the load is bounded. */
    private static final int TRANSFERS_PER_CLIENT_MAX = 400;
    /** Acknowledged transfers before the backup starts, and after it ends, so it runs under load. */
    private static final int ACKNOWLEDGED_AROUND_BACKUP = 160;

    private final TestDatabases.TestDatabase shared;
    private final Database own;
    private final TestService.Running service;
    private final HttpTester admin;

    /** A transfer the service answered 201 for, and when the answer arrived. */
    private record Acknowledged(String ledger, String id, Instant at) {}

    BackupRestoreTest(TestDatabases.TestDatabase database) {
        this.shared = database;
        this.own = TestDatabases.ownSchema(database.database(), "pacioli_backup", 24);
        this.service = TestService.start("backup", own, 0, 0);
        this.admin = service.admin();
    }

    @AfterEach
    void stop() {
        service.service().close();
        TestDatabases.drop(own);
    }

    @Test
    void aBackupUnderWriteLoadRestoresEverythingAcknowledgedBeforeItsSnapshot(@TempDir Path directory)
            throws Exception {
        List<String> ledgers = List.of(TestService.uniqueName("backup-a"), TestService.uniqueName("backup-b"));
        ledgers.forEach(admin::openLedgerWithWorldAndWallet);
        Path file = directory.resolve("pacioli.backup");
        ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
        BackupManifest manifest = backUpUnderLoad(ledgers, file, acknowledged);

        Instant snapshot = manifest.snapshotAt();
        List<Acknowledged> before =
                acknowledged.stream().filter(ack -> ack.at().isBefore(snapshot)).toList();
        assertThat(before).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_AROUND_BACKUP);
        assertThat(acknowledged.size() - before.size())
                .as("written after the snapshot")
                .isPositive();
        assertThat(manifest.ledgers())
                .extracting(BackupManifest.LedgerHead::name)
                .containsAll(ledgers);

        encryptedUnderTheKek(directory.resolve("encrypted.backup"));
        ontoTheOtherServer(file, manifest);
        if (shared.name().equals("embedded")) {
            Path dataDirectory = directory.resolve("restored");
            try {
                try (Database target = Database.embedded(dataDirectory, 4)) {
                    checkRestore(target, file, manifest, before, acknowledged);
                    checkCommandLine(dataDirectory, file, directory, manifest);
                }
            } finally {
                EmbeddedDatabase.removeCluster(dataDirectory);
            }
        } else {
            Database target = shared.database()
                    .inSchema(TestService.uniqueName("restored").replace('-', '_'), 4);
            try {
                checkRestore(target, file, manifest, before, acknowledged);
            } finally {
                TestDatabases.drop(target);
            }
        }
    }

    /**
     * Onto the other test server, when there is one (the embedded PostgreSQL 18 and the external one
     * differ in major version): restored there when it is as new or newer, refused when it is older.
     */
    private void ontoTheOtherServer(Path file, BackupManifest manifest) throws Exception {
        for (TestDatabases.TestDatabase other : TestDatabases.all()) {
            if (other.name().equals(shared.name())) {
                continue;
            }
            Database target =
                    other.database().inSchema(TestService.uniqueName("across").replace('-', '_'), 4);
            try {
                int sourceMajor = Integer.parseInt(manifest.serverVersion().replaceAll("^(\\d+).*", "$1"));
                if (major(target) >= sourceMajor) {
                    Restore.Result result = Restore.fromFile(target, file);
                    assertThat(result.ledgers())
                            .extracting(Restore.RestoredLedger::head)
                            .isEqualTo(manifest.ledgers());
                    assertThat(result.ledgers())
                            .allSatisfy(
                                    ledger -> assertThat(ledger.report().ok()).isTrue());
                } else {
                    assertThatThrownBy(() -> Restore.fromFile(target, file))
                            .hasMessageContaining("restore refused: the backup was taken on PostgreSQL");
                    try (Connection connection = target.dataSource().getConnection()) {
                        assertThat(SchemaTables.relations(connection, target.schema()))
                                .isEmpty();
                    }
                }
            } finally {
                TestDatabases.drop(target);
            }
        }
    }

    private static int major(Database database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("show server_version_num");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return Integer.parseInt(row.getString(1)) / 10_000;
        }
    }

    /**
     * Encrypted under a KEK: the file is no zip, a wrong KEK is refused before the target is touched, a
     * changed byte is refused, and the right KEK restores it with the manifest's heads.
     */
    private void encryptedUnderTheKek(Path file) throws Exception {
        Aead kek = aead();
        BackupManifest manifest = Backup.toFile(own.dataSource(), own.schema(), file, kek);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(bytes, BackupEncryption.MAGIC.length)).isEqualTo(BackupEncryption.MAGIC);
        Database target =
                shared.database().inSchema(TestService.uniqueName("encrypted").replace('-', '_'), 4);
        try {
            assertThatThrownBy(() -> Restore.fromFile(target, file, BackupRestoreTest::aead))
                    .hasMessageContaining("encrypted under another KEK");
            assertThatThrownBy(() -> Restore.fromFile(target, file))
                    .hasMessageContaining("is encrypted and no KEK was given");
            Path changed = file.resolveSibling("changed.backup");
            bytes[bytes.length / 2] ^= 1;
            Files.write(changed, bytes);
            // The file is one segment: the change is found before anything is loaded.
            assertThatThrownBy(() -> Restore.fromFile(target, changed, () -> kek))
                    .hasMessageContaining("could not read the backup");
            try (Connection connection = target.dataSource().getConnection()) {
                assertThat(SchemaTables.relations(connection, target.schema())).isEmpty();
            }
            Restore.Result result = Restore.fromFile(target, file, () -> kek);
            assertThat(result.ledgers())
                    .extracting(Restore.RestoredLedger::head)
                    .isEqualTo(manifest.ledgers());
            assertThat(result.ledgers())
                    .allSatisfy(ledger -> assertThat(ledger.report().ok()).isTrue());
        } finally {
            TestDatabases.drop(target);
        }
    }

    /** A development KEK file's content: a Tink AES-256-GCM keyset in JSON. */
    private static String kekFile() throws java.security.GeneralSecurityException {
        AeadConfig.register();
        return com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get()),
                RegistryConfiguration.get(),
                com.google.crypto.tink.InsecureSecretKeyAccess.get());
    }

    /** A KEK as the development file holds: a Tink AES-256-GCM keyset. */
    private static Aead aead() {
        try {
            AeadConfig.register();
            return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 16 clients write until the backup is taken and as many transfers again are acknowledged. */
    private BackupManifest backUpUnderLoad(List<String> ledgers, Path file, ConcurrentLinkedQueue<Acknowledged> out)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> clients = new ArrayList<>();
        BackupManifest manifest;
        try (ExecutorService threads = Executors.newFixedThreadPool(CLIENTS)) {
            for (int client = 0; client < CLIENTS; client++) {
                String ledger = ledgers.get(client % ledgers.size());
                String prefix = "c" + client + "-";
                clients.add(threads.submit(() -> {
                    for (int n = 0; n < TRANSFERS_PER_CLIENT_MAX && !stop.get(); n++) {
                        String id = prefix + n;
                        HttpTester.Response answer =
                                admin.post("/v1/ledgers/" + ledger + "/transactions", transfer(id));
                        if (answer.status() == 201) {
                            out.add(new Acknowledged(ledger, id, Instant.now()));
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            Await.until(
                    "transfers before the backup",
                    Duration.ofSeconds(30),
                    () -> out.size() >= ACKNOWLEDGED_AROUND_BACKUP);
            manifest = Backup.toFile(own.dataSource(), own.schema(), file);
            int after = out.size();
            Await.until(
                    "transfers after the backup",
                    Duration.ofSeconds(30),
                    () -> out.size() >= after + ACKNOWLEDGED_AROUND_BACKUP
                            || clients.stream().allMatch(Future::isDone));
            stop.set(true);
            for (Future<?> client : clients) {
                client.get();
            }
        }
        assertThat(refused.get()).as("transfers refused").isZero();
        return manifest;
    }

    private static String transfer(String id) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": 1,"
                + " \"asset\": \"USD\"}]}";
    }

    private void checkRestore(
            Database target,
            Path file,
            BackupManifest manifest,
            List<Acknowledged> before,
            ConcurrentLinkedQueue<Acknowledged> acknowledged)
            throws Exception {
        // A damaged archive (cut short after its manifest): refused while loading, the target empty again.
        Path damaged = file.resolveSibling("damaged.backup");
        byte[] whole = Files.readAllBytes(file);
        Files.write(damaged, Arrays.copyOf(whole, whole.length * 3 / 4));
        assertThatThrownBy(() -> Restore.fromFile(target, damaged))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the target is empty again");
        try (Connection connection = target.dataSource().getConnection()) {
            assertThat(SchemaTables.relations(connection, target.schema())).isEmpty();
        }
        Restore.Result result = Restore.fromFile(target, file);
        assertThat(result.ledgers()).extracting(Restore.RestoredLedger::head).isEqualTo(manifest.ledgers());
        assertThat(result.ledgers())
                .allSatisfy(ledger -> assertThat(ledger.report().ok())
                        .as(ledger.report().failures().toString())
                        .isTrue());
        try (Connection connection = target.dataSource().getConnection()) {
            assertThat(Backup.heads(connection, target.schema())).isEqualTo(manifest.ledgers());
            for (BackupManifest.TableContent table : manifest.tables()) {
                assertThat(count(connection, target.schema(), table.name()))
                        .as(table.name())
                        .isEqualTo(table.rows());
            }
            Map<String, List<String>> missing = new TreeMap<>();
            for (Acknowledged ack : before) {
                if (!present(connection, ack)) {
                    missing.computeIfAbsent(ack.ledger(), name -> new ArrayList<>())
                            .add(ack.id());
                }
            }
            assertThat(missing).as("acknowledged before the snapshot, missing").isEmpty();
            // Every transfer in the restore is one a client sent: nothing invented, nothing from elsewhere.
            assertThat(transferIds(connection))
                    .isSubsetOf(acknowledged.stream()
                            .map(ack -> ack.ledger() + "/" + ack.id())
                            .toList());
        }
        servesAfterRestore(target, manifest, before.get(0));
        List<BackupManifest.LedgerHead> heads;
        try (Connection connection = target.dataSource().getConnection()) {
            heads = Backup.heads(connection, target.schema());
        }
        assertThatThrownBy(() -> Restore.fromFile(target, file))
                .isInstanceOf(Restore.TargetNotEmpty.class)
                .hasMessageContaining("is not empty")
                .hasMessageContaining(manifest.ledgers().get(0).name())
                .hasMessageContaining("nothing was changed");
        try (Connection connection = target.dataSource().getConnection()) {
            assertThat(Backup.heads(connection, target.schema())).isEqualTo(heads);
        }
    }

    /** The restored database runs the service: reads find old transfers, new writes take new ids. */
    private static void servesAfterRestore(Database target, BackupManifest manifest, Acknowledged old) {
        TestService.Running restored = TestService.startAsInstalled("restored", target, TestService.options(0, 0));
        try {
            HttpTester client = restored.admin();
            String base = "/v1/ledgers/" + old.ledger();
            assertThat(client.get(base + "/transactions/" + old.id()).status()).isEqualTo(200);
            assertThat(client.post(base + "/transactions", transfer("after-restore"))
                            .status())
                    .isEqualTo(201);
            assertThat(client.post("/v1/ledgers", "{\"name\": \"" + TestService.uniqueName("new") + "\"}")
                            .status())
                    .isEqualTo(201);
            for (BackupManifest.LedgerHead head : manifest.ledgers()) {
                assertThat(client.post("/v1/ledgers/" + head.name() + "/verify", "{}")
                                .json()
                                .path("ok")
                                .booleanValue())
                        .as(head.name())
                        .isTrue();
            }
        } finally {
            restored.service().close();
        }
    }

    /** The command line: a backup beside a running server leaves it running; a restore onto it is refused. */
    private static void checkCommandLine(Path dataDirectory, Path file, Path directory, BackupManifest manifest)
            throws Exception {
        Path second = directory.resolve("second.backup");
        assertThat(MainAccess.run("backup", "--to", second.toString(), "--data-dir", dataDirectory.toString()))
                .isZero();
        assertThat(Files.size(second)).isPositive();
        assertThat(MainAccess.run("restore", "--from", file.toString(), "--data-dir", dataDirectory.toString()))
                .isEqualTo(1);
        // Encrypted under the data directory's KEK file; without it, refused before any target is made.
        Path encrypted = directory.resolve("encrypted.zip.aead");
        assertThat(MainAccess.run(
                        "backup", "--to", encrypted.toString(), "--encrypt", "--data-dir", dataDirectory.toString()))
                .as("no KEK file yet")
                .isEqualTo(1);
        Files.writeString(dataDirectory.resolve("custody-kek.json"), kekFile());
        assertThat(MainAccess.run(
                        "backup", "--to", encrypted.toString(), "--encrypt", "--data-dir", dataDirectory.toString()))
                .isZero();
        assertThat(Restore.isEncrypted(encrypted)).isTrue();
        Path elsewhere = directory.resolve("elsewhere");
        assertThat(MainAccess.run("restore", "--from", encrypted.toString(), "--data-dir", elsewhere.toString()))
                .isEqualTo(1);
        assertThat(elsewhere).doesNotExist();
        assertThat(MainAccess.run("restore", "--from", "--data-dir", dataDirectory.toString()))
                .isEqualTo(2);
    }

    private static boolean present(Connection connection, Acknowledged ack) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select 1 from transactions t"
                + " join ledgers l on l.id = t.ledger_id where l.name = ? and t.id = ?")) {
            statement.setString(1, ack.ledger());
            statement.setString(2, ack.id());
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private static List<String> transferIds(Connection connection) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                        "select l.name || '/' || t.id from" + " transactions t join ledgers l on l.id = t.ledger_id");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private static long count(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement statement =
                        connection.prepareStatement("select count(*) from " + SchemaTables.qualified(schema, table));
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
