package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The drills built so far, against a service of its own (live, on a schema of its own): each passes on
 * a healthy service — emergency-stop, ledger-tamper, backup-restore, migration-rollback,
 * duplicate-instruction (an instructions connector and a simulator of the drill's own) and
 * connector-outage (a loopback provider of the drill's own behind an http connector) — and the two that
 * read the books (backup-restore, migration-rollback) fail when a ledger's stored rows were changed
 * behind its writer. dependency-outage cuts a whole database, every service on it, so it is not run
 * here on the database the JVM's other tests share: {@link DependencyOutageDrillTest} runs it on a
 * database of its own and sees it fail on a service that breaks the behaviour. Each drill's figures go
 * to target/drills/. The command lists every drill of the contract and refuses what it does not know.
 */
@Execution(
        value = ExecutionMode.CONCURRENT,
        reason =
                "a service of its own on a schema of its own; its drills mostly wait (a breaker's open wait, a backup)")
class DrillsTest {
    /** Drills that cut the whole database: tested on a database of their own (DependencyOutageDrillTest). */
    private static final Set<String> OWN_DATABASE = Set.of("dependency-outage");

    private static Database own;
    private static TestService.Running service;

    @BeforeAll
    static void start() {
        own = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_drills", 8);
        service = TestService.start("drills", own, 0, 0);
        String base = service.admin().openLedgerWithWorldAndWallet("drilled");
        assertThat(service.admin().post(base + "/transactions", """
                                {"id": "t-1", "postings": [{"from": "world", "to": "wallet", "amount": 5, "asset": "USD"}]}""").status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.service().close();
        }
        if (own != null) {
            TestDatabases.drop(own);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void everyBuiltDrillPassesOnAHealthyService() {
        Drills drills = drills();
        for (Drills.Drill drill : Drills.ALL) {
            if (drill.run() == null
                    || OWN_DATABASE.contains(drill.name())
                    || ProcessDrillsTest.NAMES.contains(drill.name())) {
                continue; // a database of its own (DependencyOutageDrillTest), or instances (ProcessDrillsTest)
            }
            Map.Entry<Drills.Drill, Drills.Result> result = drills.run(drill);
            record(drill.name(), result.getValue());
            assertThat(result.getValue().passed())
                    .as("%s: %s", drill.name(), result.getValue().figures())
                    .isTrue();
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void theBooksDrillsFailWhenALedgersRowsWereChanged() throws Exception {
        changeEntry(1);
        try {
            Drills drills = drills();
            for (String name : List.of("backup-restore", "migration-rollback")) {
                Drills.Result result = drills.run(Drills.byName().get(name)).getValue();
                assertThat(result.passed()).as("%s: %s", name, result.figures()).isFalse();
            }
        } finally {
            changeEntry(-1);
        }
        assertThat(service.admin()
                        .post("/v1/ledgers/drilled/verify", "{}")
                        .json()
                        .path("ok")
                        .booleanValue())
                .isTrue();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void theCommandListsEveryDrillAndRefusesWhatItDoesNotKnow() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        URI url = service.admin().base();
        assertThat(DrillCommand.run(List.of("list"), url, TestService.ADMIN_KEY, () -> own, printed, errors))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "emergency-stop",
                        "dependency-outage",
                        "duplicate-instruction",
                        "worker-crash",
                        "connector-outage",
                        "rpc-slow",
                        "writer-failover",
                        "backup-restore",
                        "migration-rollback",
                        "ledger-tamper");
        assertThat(DrillCommand.run(List.of("run", "no-such"), url, TestService.ADMIN_KEY, () -> own, printed, errors))
                .isEqualTo(2);
        assertThat(DrillCommand.run(
                        List.of("run", "emergency-stop", "--url", url.toString()),
                        url,
                        TestService.ADMIN_KEY,
                        () -> own.inSchema(own.schema(), 2),
                        printed,
                        errors))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("PASS  emergency-stop", "transfer under the stop: 423");
    }

    /** Writes a drill's outcome and figures under target/drills/, for the run's record. */
    static void record(String name, Drills.Result result) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "drills"));
            Files.writeString(
                    directory.resolve(name + ".txt"),
                    (result.passed() ? "PASS" : "FAIL") + "  " + name + "\n      "
                            + String.join("\n      ", result.figures()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Drills drills() {
        HttpTester admin = service.admin();
        return new Drills(own, admin.base(), TestService.ADMIN_KEY);
    }

    private static void changeEntry(long delta) throws Exception {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement update =
                        connection.prepareStatement("update entries set debit = debit + ? where ctid = (select ctid"
                                + " from entries where ledger_id = (select id from ledgers where name = 'drilled')"
                                + " and debit > 0 order by sequence, account_id limit 1)")) {
            update.setLong(1, delta);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
