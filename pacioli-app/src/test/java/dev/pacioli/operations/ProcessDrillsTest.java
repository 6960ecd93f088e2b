package dev.pacioli.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The drills that start {@code pacioli serve} instances of their own (worker-crash, writer-failover,
 * rpc-slow) on a scratch database beside the test database: each passes on a healthy build, and
 * writer-failover fails when the takeover is broken (no stand-by tries within the bound).
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
        return drills.run(Drills.byName().get(name)).getValue();
    }

    @Test
    void workerCrash() {
        Drills.Result result = run(drills(), "worker-crash");
        assertThat(result.passed()).as("%s", result.figures()).isTrue();
        assertThat(result.figures()).anyMatch(figure -> figure.equals("transfers submitted more than once: 0"));
    }
}
