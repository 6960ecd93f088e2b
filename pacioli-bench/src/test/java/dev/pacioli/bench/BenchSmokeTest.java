package dev.pacioli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps the harness working: every mode and the baseline run for about a second on the embedded
 * PostgreSQL, and each run's checks must pass — verify ok and acknowledged = committed for Pacioli,
 * balances summing to zero for the baseline. Timings are never asserted: performance is measured by
 * {@code ./pacioli-bench/run}, not by tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchSmokeTest {
    private static final int USERS = 1_000;
    private static Runs runs;

    @BeforeAll
    static void database() {
        Target target = new Target("embedded", TestDatabases.all().get(0).database());
        runs = new Runs(target, Path.of("target", "smoke"));
    }

    private static RunWindow window() {
        return new RunWindow(0.2, 0.6);
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void engine(Workload workload) throws Exception {
        Measurement engine = runs.engine(workload, USERS, window());
        assertCorrect(engine);
        // The writer's account: its batches, and the store's time for the statements every batch runs.
        assertThat(engine.writer()).containsPattern("^[1-9][0-9]* batches").contains("journal ", "entries ", "finish ");
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void baseline(Workload workload) throws Exception {
        Measurement baseline = runs.baseline(workload, USERS, window(), 4);
        assertCorrect(baseline);
        assertThat(baseline.check()).isEqualTo("ok"); // balances sum to zero, no bound broken
    }

    @Test
    void httpBatch() throws Exception {
        Measurement batch = runs.http(Workload.UNIFORM, USERS, new RunWindow(0.2, 1), true);
        assertCorrect(batch);
        assertThat(batch.writer())
                .containsPattern("^[0-9]+ commits per second of [1-9][0-9]* journal records each, committing ")
                .contains("journal ", "transactions created ");
    }

    @Test
    void httpSingle() throws Exception {
        Measurement single = runs.http(Workload.FEE_SPLIT, USERS, new RunWindow(0.2, 1), false);
        assertCorrect(single);
        assertThat(single.latency().requests()).isPositive();
    }

    @Test
    void payments() throws Exception {
        List<PaymentMeasurement> rows = runs.payments(new RunWindow(0.2, 1), new RunWindow(0.2, 1));
        assertThat(rows)
                .extracting(PaymentMeasurement::what)
                .containsExactly(
                        "payouts created (POST .../payouts → 201)",
                        "payouts paid through the simulator (latency: created → paid)",
                        "deposit webhooks accepted (POST /v1/inbound/… → 200)",
                        "deposits recorded by the job (wallet credited)");
        for (PaymentMeasurement row : rows) {
            assertThat(row.check()).as(Report.line(row)).isEqualTo("ok");
            assertThat(row.counted()).as(Report.line(row)).isPositive();
            assertThat(row.rejected()).as(Report.line(row)).isEmpty();
        }
        // Every payout paid, every accepted event a deposit: what was created is what was counted at the end.
        assertThat(rows.get(1).counted()).isEqualTo(rows.get(0).counted());
        assertThat(rows.get(3).counted()).isEqualTo(rows.get(2).counted());
        assertThat(rows.get(0).latency().requests()).isPositive();
        assertThat(rows.get(1).detail()).contains("reserves: ok");
    }

    private static void assertCorrect(Measurement measurement) {
        assertThat(measurement.check()).as(Report.line(measurement)).isEqualTo("ok");
        assertThat(measurement.acknowledged()).as("transfers acknowledged").isPositive();
        assertThat(measurement.committed()).as("committed = acknowledged").isEqualTo(measurement.acknowledged());
        assertThat(measurement.rejected()).as("answers other than a commit").isEmpty();
    }
}
