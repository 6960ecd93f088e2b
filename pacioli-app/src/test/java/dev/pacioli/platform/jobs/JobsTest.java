package dev.pacioli.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import dev.pacioli.postgres.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs service on the real PostgreSQL of the test JVM, in a schema of its own (so only the runners
 * made here claim its jobs): enqueue on a caller's transaction, dedupe, leases that run out, fencing,
 * backoff, dead jobs kept, and two runners with their own pools running every job once.
 */
class JobsTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(60);
    private static final JobSettings FAST = new JobSettings(Duration.ofMillis(50), Duration.ofDays(1));

    private static Database database;
    private static String schema;
    private static final List<Database> extraPools = new ArrayList<>();

    @BeforeAll
    static void ownSchema() throws SQLException {
        Database shared = TestDatabases.all().getFirst().database();
        HikariDataSource pool = (HikariDataSource) shared.dataSource();
        schema = "pacioli_jobs_" + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        database = connect(pool, 8);
        database.migrate();
        execute("create table job_effects (key text not null, runner text not null)");
    }

    private static Database connect(HikariDataSource pool, int size) {
        return Database.connect(
                new DatabaseUrl(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword()), schema, size);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        extraPools.forEach(Database::close);
        execute("drop schema if exists " + schema + " cascade");
        database.close();
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Jobs jobs(Database on) {
        return new Jobs(on.dataSource(), FAST, new ServiceMetrics());
    }

    @Test
    void anEnqueueRolledBackWithItsCallerLeavesNoJobAndKeysDedupe() throws SQLException {
        Jobs jobs = jobs(database);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            assertThat(jobs.enqueue(connection, "test.outbox", "po_1")).isTrue();
            assertThat(jobs.enqueue(connection, "test.outbox", "po_1"))
                    .as("same key")
                    .isFalse();
            connection.rollback();
        }
        assertThat(jobs.find("test.outbox", "po_1"))
                .as("rolled back with its caller")
                .isEmpty();

        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            assertThat(jobs.enqueue(connection, "test.outbox", "po_1")).isTrue();
            connection.commit();
        }
        Job job = jobs.find("test.outbox", "po_1").orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.attempts()).isZero();
        try (Connection connection = database.dataSource().getConnection()) {
            assertThat(jobs.enqueue(connection, "test.outbox", "po_1"))
                    .as("committed: the key is taken")
                    .isFalse();
            assertThat(jobs.enqueue(connection, "test.outbox", List.of("po_1", "po_2", "po_2"), Duration.ZERO))
                    .isEqualTo(1);
        }
        assertThat(jobs.find("test.outbox", "po_1").orElseThrow().id()).isEqualTo(job.id());
    }

    @Test
    void aLeaseThatRunsOutIsClaimedAgainAndTheLateRunnerRecordsNothing() throws SQLException {
        JobStore store = new JobStore(database.dataSource());
        enqueue("test.lease", "lease-1");
        Claim first = store.claim("test.lease", 10, 0.5, "runner-a").getFirst();
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(store.claim("test.lease", 10, 0.5, "runner-b")).as("leased").isEmpty();

        List<Claim> second = new ArrayList<>();
        await("the lease runs out and runner-b claims the job", () -> {
            second.addAll(store.claim("test.lease", 10, 30, "runner-b"));
            return !second.isEmpty();
        });
        assertThat(second.getFirst().id()).isEqualTo(first.id());
        assertThat(second.getFirst().attempt()).isEqualTo(2);

        assertThat(store.succeed(first, connection -> effect(connection, "lease-1", "runner-a")))
                .as("runner-a lost its lease: fenced")
                .isFalse();
        assertThat(store.fail(first, "late", 1.0, (connection, retry) -> effect(connection, "lease-1", "runner-a")))
                .isFalse();
        Job running = store.find("test.lease", "lease-1").orElseThrow();
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.runner()).isEqualTo("runner-b");
        assertThat(store.succeed(second.getFirst(), connection -> effect(connection, "lease-1", "runner-b")))
                .isTrue();
        Job done = store.find("test.lease", "lease-1").orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.finishedAtMicros()).isNotNull();
        assertThat(effects("lease-1")).containsExactly("runner-b");
    }

    @Test
    void aJobThatAlwaysFailsBacksOffLongerEachTimeThenFailsForGoodAndStaysVisible() throws Exception {
        ConcurrentLinkedQueue<Long> attempts = new ConcurrentLinkedQueue<>();
        try (Jobs jobs = jobs(database)) {
            jobs.register(new JobType(
                    "test.always_fails",
                    2,
                    Duration.ofSeconds(5),
                    4,
                    Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(10), 0),
                    claim -> {
                        attempts.add(System.nanoTime());
                        throw new IllegalStateException("the rail is down (attempt " + claim.attempt() + ")");
                    }));
            jobs.start();
            enqueue("test.always_fails", "x");
            jobs.wake();
            await(
                    "the job fails for good",
                    () -> jobs.find("test.always_fails", "x")
                            .orElseThrow()
                            .state()
                            .equals(JobState.FAILED));
            Job dead = jobs.find("test.always_fails", "x").orElseThrow();
            assertThat(dead.attempts()).isEqualTo(4);
            assertThat(dead.lastError()).contains("the rail is down (attempt 4)");
            assertThat(dead.runAtMicros()).isNull();
            assertThat(jobs.list(JobState.FAILED, "test.always_fails", null, 10).items())
                    .extracting(Job::key)
                    .containsExactly("x");
        }
        List<Long> at = List.copyOf(attempts);
        assertThat(at).hasSize(4);
        // 200 ms, then 400, then 800: each wait at least its step of the curve, and longer than the last.
        for (int i = 1; i < at.size(); i++) {
            long waitedMillis = (at.get(i) - at.get(i - 1)) / 1_000_000;
            assertThat(waitedMillis).as("wait %d", i).isGreaterThanOrEqualTo(200L << (i - 1));
        }
    }

    @Test
    void backoffFollowsItsScheduleWithinTheJitterAndItsCurveUpToTheCap() {
        Backoff schedule = Backoff.schedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5)), 0.1);
        for (int i = 0; i < 1_000; i++) {
            assertThat(schedule.waitSeconds(1)).isBetween(4.5, 5.5);
            assertThat(schedule.waitSeconds(2)).isBetween(270.0, 330.0);
            assertThat(schedule.waitSeconds(7)).as("the last wait repeats").isBetween(270.0, 330.0);
        }
        Backoff curve = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0);
        assertThat(IntStream.rangeClosed(1, 9).mapToDouble(curve::waitSeconds).toArray())
                .containsExactly(1, 2, 4, 8, 16, 32, 60, 60, 60);
    }

    /**
     * Two runners, each with its own pool and threads as two service instances would have, on one
     * database: every job runs once. Each success writes an effect row in the job's own transaction,
     * so a job run twice would show as two rows.
     */
    @Test
    void twoRunnersOnOneDatabaseRunEachJobOnce() throws Exception {
        int count = 300;
        HikariDataSource pool = (HikariDataSource) database.dataSource();
        Database other = connect(pool, 8);
        extraPools.add(other);
        try (Jobs first = jobs(database);
                Jobs second = jobs(other)) {
            for (Jobs jobs : List.of(first, second)) {
                String runner = jobs.runnerId();
                jobs.register(new JobType(
                        "test.once",
                        4,
                        Duration.ofSeconds(10),
                        3,
                        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0.1),
                        claim -> {
                            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                            return new JobOutcome.Succeeded(connection -> effect(connection, claim.key(), runner));
                        }));
                jobs.start();
            }
            List<String> keys = IntStream.range(0, count).mapToObj(i -> "k" + i).toList();
            try (Connection connection = database.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                assertThat(first.enqueue(connection, "test.once", keys, Duration.ZERO))
                        .isEqualTo(count);
                connection.commit();
            }
            first.wake();
            second.wake();
            await(
                    "every job succeeded",
                    () -> countOf("select count(*) from jobs where type = 'test.once'" + " and state = 'succeeded'")
                            == count);
            assertThat(countOf("select count(*) from job_effects where key like 'k%'"))
                    .as("one effect per job")
                    .isEqualTo(count);
            assertThat(countOf("select count(distinct key) from job_effects where key like 'k%'"))
                    .isEqualTo(count);
            assertThat(countOf("select count(*) from jobs where type = 'test.once' and attempts <> 1"))
                    .as("no job claimed twice")
                    .isZero();
            Map<String, Long> byRunner = new TreeMap<>();
            try (Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "select runner, count(*) from job_effects where key like 'k%' group by runner")) {
                while (rows.next()) {
                    byRunner.put(rows.getString(1), rows.getLong(2));
                }
            }
            assertThat(byRunner).as("both runners took part").hasSize(2);
        }
    }

    @Test
    void aDeferredJobIsNotCountedAsAnAttemptAndWakesWhenWoken() throws Exception {
        ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
        try (Jobs jobs = jobs(database)) {
            jobs.register(new JobType(
                    "test.deferred",
                    1,
                    Duration.ofSeconds(5),
                    2,
                    Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0),
                    claim -> {
                        seen.add(claim.attempt());
                        return seen.size() == 1
                                ? new JobOutcome.Deferred(Duration.ofHours(1), connection -> true)
                                : JobOutcome.succeeded();
                    }));
            jobs.start();
            enqueue("test.deferred", "d");
            jobs.wake();
            await(
                    "the job is deferred",
                    () -> !seen.isEmpty()
                            && jobs.find("test.deferred", "d").orElseThrow().state() == JobState.QUEUED);
            Job deferred = jobs.find("test.deferred", "d").orElseThrow();
            assertThat(deferred.attempts()).as("a deferral is not an attempt").isZero();
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(jobs.wake(connection, "test.deferred", List.of("d"))).isEqualTo(1);
            }
            jobs.wake();
            await(
                    "the woken job succeeds",
                    () -> jobs.find("test.deferred", "d").orElseThrow().state().equals(JobState.SUCCEEDED));
            assertThat(seen).containsExactly(1, 1);
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(jobs.requeue(connection, "test.deferred", "d")).isTrue();
            }
            Job requeued = jobs.find("test.deferred", "d").orElseThrow();
            assertThat(requeued.id()).isEqualTo(deferred.id());
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private static void enqueue(String type, String key) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            assertThat(JobStore.enqueue(connection, type, List.of(key), 0)).isEqualTo(1);
        }
    }

    private static void effect(Connection connection, String key, String runner) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("insert into job_effects (key, runner) values (?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, runner);
            insert.executeUpdate();
        }
    }

    private static List<String> effects(String key) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement select =
                        connection.prepareStatement("select runner from job_effects where key = ?")) {
            select.setString(1, key);
            List<String> runners = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    runners.add(rows.getString(1));
                }
            }
            return runners;
        }
    }

    private static long countOf(String sql) {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
