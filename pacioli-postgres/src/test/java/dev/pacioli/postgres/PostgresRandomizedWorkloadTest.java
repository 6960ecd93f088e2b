package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.ledger.testing.RandomWorkload;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core's seeded randomized workload, against the reference model, committed to real PostgreSQL;
 * then verify replays the stored journal. The long runs are in the core module on the in-memory
 * store; this one proves the storage keeps what the engine answered.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class PostgresRandomizedWorkloadTest {
    private static final int REQUESTS = 3_000;

    private final TestDatabase database;

    PostgresRandomizedWorkloadTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void randomWorkloadAgreesWithTheModelAndVerifies() {
        Catalog catalog = database.database().catalog();
        Ledger ledger = catalog.createLedger(
                        "random-" + UUID.randomUUID().toString().substring(0, 8), Metadata.EMPTY)
                .ledger();
        for (long seed : RandomWorkload.seeds(0x5EED_0101L)) {
            new RandomWorkload(
                            database.database().store(),
                            ledger.id(),
                            ledger.name(),
                            code -> catalog.putAsset(new Asset(code, 2)),
                            seed)
                    .run(REQUESTS);
        }
        VerifyReport report = database.database().verification().verify(ledger);
        assertThat(report.failures()).isEmpty();
        assertThat(report.checked().get("journal_records")).isPositive();
    }
}
