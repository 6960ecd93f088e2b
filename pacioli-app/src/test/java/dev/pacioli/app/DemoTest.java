package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.postgres.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The newcomer's first command, run as the command line runs it: it starts the service, drives the
 * payments story through HTTP, and ends with verify ok. Runs on the test PostgreSQL (schema
 * {@code pacioli} of the embedded server under target/), so it needs no cluster of its own.
 */
class DemoTest {
    @Test
    void theDemoTellsTheWholeStoryAndVerifies() {
        HikariDataSource pool =
                (HikariDataSource) TestDatabases.all().getFirst().database().dataSource();
        URI jdbc = URI.create(pool.getJdbcUrl().substring("jdbc:".length()));
        String url = "postgres://" + pool.getUsername() + "@127.0.0.1:" + jdbc.getPort() + jdbc.getPath();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            exit = Main.run(List.of("demo", "--database-url", url, "--data-dir", "target/demo-data"), out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed)
                .contains("$ curl -s -X POST \"$PACIOLI_URL/v1/ledgers/demo-")
                .contains("-> 201 transaction pay-8812 posted")
                .contains("-> 200 transaction pay-8812 posted")
                .contains("-> 422 insufficient_funds")
                .containsPattern("users:alice:wallet +88\\.00 +88\\.00")
                .contains("-> 200 received evt-bank-1 (a duplicate: no second effect)")
                .contains("-> 403 approver_is_creator")
                .containsPattern("payout po-1 paid, approvals 2/2")
                .containsPattern("payout po-2 failed")
                .contains("$BANK_SECRET")
                .contains("ok: true")
                // No secret appears in what it prints: not the demo's keys, not the bank's webhook secret.
                .doesNotContainPattern("pacioli_[A-Za-z0-9_-]{30,}");
    }
}
