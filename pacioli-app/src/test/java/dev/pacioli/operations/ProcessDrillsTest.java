package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The drills that start {@code pacioli serve} instances of their own (worker-crash, writer-failover,
 * rpc-slow) on a scratch database beside the test database: each passes on a healthy build, and
 * writer-failover fails when the takeover is broken (no stand-by tries within the bound).
 *
 * <p>The class runs beside the others; its drills one after another, so that no more than two child
 * instances start at once on a small machine.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "the drills' child serve instances; mostly waits on them")
class ProcessDrillsTest {
    /** Run here rather than in DrillsTest's sequential pass over every drill. */
    static final Set<String> NAMES = Set.of("worker-crash", "rpc-slow", "writer-failover");

    private static Drills drills() {
        // The external PostgreSQL when one is configured (the last test database), else the embedded one.
        Database database = TestDatabases.all().getLast().database();
        return new Drills(database, URI.create("http://127.0.0.1:1"), "unused-by-these-drills");
    }

    private static Drills.Result run(Drills drills, String name) {
        Drills.Result result = drills.run(Drills.byName().get(name)).getValue();
        DrillsTest.record(name, result);
        return result;
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void workerCrash() {
        Drills.Result result = run(drills(), "worker-crash");
        assertThat(result.passed()).as("%s", result.figures()).isTrue();
        assertThat(result.figures()).anyMatch(figure -> figure.equals("transfers submitted more than once: 0"));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void rpcSlow() {
        Drills.Result result = run(drills(), "rpc-slow");
        assertThat(result.passed()).as("%s", result.figures()).isTrue();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void writerFailover() {
        Drills.Result result = run(drills(), "writer-failover");
        assertThat(result.passed()).as("%s", result.figures()).isTrue();
        assertThat(result.figures()).anyMatch(figure -> figure.startsWith("taken over: first transfer acknowledged"));
    }

    /**
     * The behaviour broken, not the drill: the stand-by tries to take writers over only once an hour,
     * so the holder's death leaves the ledger unwritable past the drill's wait, and the drill says FAIL.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void writerFailoverFailsWhenNoStandbyTakesOverInTime() {
        Drills.Result result = run(
                drills().withInstanceSettings(Map.of("PACIOLI_WRITER_TAKEOVER_EVERY", "3600000")), "writer-failover");
        assertThat(result.passed()).as("%s", result.figures()).isFalse();
        assertThat(result.figures()).anyMatch(figure -> figure.startsWith("no transfer acknowledged within"));
    }
}
