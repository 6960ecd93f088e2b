package dev.pacioli.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the service on one database, each cycling every second (PACIOLI_TREASURY_CYCLE=1s),
 * while operators ask both for cycles too, for {@value #RUN_SECONDS} seconds (a minute, on each
 * database; it runs beside the sequential classes, as it mostly waits). Every cycle decides once: no
 * two cycles of the ledger overlap
 * in time, each decides each buffer exactly once, every conversion belongs to exactly one decision, and
 * no buffer ever has a second conversion before its first ended.
 *
 * <p>Instance A writes the ledger (it made it, so it holds the ledger's writer lease); the operators'
 * requests to B are forwarded to it. Instance B races through the scheduled cycle job, which either runner may claim at
 * each tick. A conversion job B claims is deferred there (it does not write the ledger) until A takes
 * it, which is how any job of a ledger behaves on an instance that does not write it.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
@Execution(value = ExecutionMode.CONCURRENT, reason = "a minute of one-second cycles: it mostly waits")
class TwoInstancesCycleTest {
    static final int RUN_SECONDS = 60;
    static final int BUFFERS = 20;

    private final TestDatabases.TestDatabase shared;

    TwoInstancesCycleTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    @Test
    void everyCycleIsDecidedOnceAcrossTwoInstances() throws Exception {
        Database own = TestDatabases.ownSchema(shared.database(), "pacioli_treasury_two", 16);
        // The second instance's own pool and lock session on the same schema, as a second process has.
        Database second = shared.database().inSchema(own.schema(), 16);
        TestService.Running a;
        TestService.Running b;
        System.setProperty("pacioli.treasury.cycle", "1s");
        try {
            a = TestService.start("treasury-a", own, 0, 0);
            b = TestService.start("treasury-b", second, 0, 0);
        } finally {
            System.clearProperty("pacioli.treasury.cycle");
        }
        String ledger = TestService.uniqueName("two");
        String base = "/v1/ledgers/" + ledger;
        try {
            setUp(a.admin(), ledger);
            long end = System.nanoTime() + RUN_SECONDS * 1_000_000_000L;
            for (int request = 0; System.nanoTime() < end; request++) {
                // Operators ask either instance: B forwards to A, which writes the ledger.
                HttpTester operator = request % 2 == 0 ? a.admin() : b.admin();
                assertThat(operator.post(base + "/treasury/cycles", null).status())
                        .isEqualTo(201);
                Thread.sleep(700);
            }
        } finally {
            b.service().close();
            a.service().close();
            second.close();
        }
        try {
            check(own, ledger);
        } finally {
            TestDatabases.drop(own);
        }
    }

    private static void setUp(HttpTester admin, String ledger) {
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.put("/v1/assets/USDC", "{\"scale\": 2}").status()).isIn(200, 201);
        assertThat(admin.post(
                                base + "/accounts",
                                "{\"id\": \"usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}")
                        .status())
                .isEqualTo(201);
        assertThat(admin.post(base + "/transactions", """
                        {"id": "fund", "postings": [{"from": "usd", "to": "world", "amount": 100000000,
                         "asset": "USD"}]}""").status()).isEqualTo(201);
        String fx = TestService.uniqueName("two-fx");
        assertThat(admin.post("/v1/connectors", """
                        {"id": "%s", "kind": "simulator", "assets": {"USD": "providers:%s:USD",
                         "USDC": "providers:%s:USDC"}, "config": {"rates": {"USD/USDC": "1.0000", "USDC/USD": "1.0000"}}}""".formatted(fx, fx, fx)).status())
                .isEqualTo(201);
        for (int i = 0; i < BUFFERS; i++) {
            String account = "float-" + i;
            assertThat(admin.post(
                                    base + "/accounts",
                                    "{\"id\": \"" + account + "\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(admin.put(base + "/treasury/buffers/" + account, """
                            {"min": 500, "target": 1000, "max": 5000, "top_up_from": "usd", "sweep_to": "usd",
                             "providers": ["%s"], "conversion_timeout_seconds": 600}""".formatted(fx))
                            .status())
                    .isEqualTo(201);
        }
    }

    private static void check(Database own, String ledger) throws Exception {
        List<long[]> spans = new ArrayList<>();
        Map<String, String> decidedConversions = new HashMap<>();
        Set<String> runners = new HashSet<>();
        int full = 0;
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        select id, runner, trigger, (extract(epoch from started_at) * 1000000)::bigint,
                               (extract(epoch from finished_at) * 1000000)::bigint, decisions::text
                          from treasury_cycles where ledger = ? order by started_at, id""")) {
            select.setString(1, ledger);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    runners.add(rows.getString(3) + ":" + rows.getString(2));
                    spans.add(new long[] {rows.getLong(4), rows.getLong(5)});
                    JsonNode decisions = RequestReader.MAPPER.readTree(rows.getString(6));
                    Set<String> buffers = new HashSet<>();
                    for (JsonNode decision : decisions) {
                        assertThat(buffers.add(decision.path("buffer").stringValue()))
                                .as("cycle %s decides each buffer once", rows.getString(1))
                                .isTrue();
                        String conversion = decision.path("conversion").stringValue(null);
                        if (conversion != null
                                && decision.path("action").stringValue().equals("conversion")) {
                            assertThat(decidedConversions.put(conversion, rows.getString(1)))
                                    .as("conversion %s decided twice", conversion)
                                    .isNull();
                        }
                    }
                    // Cycles during the set-up see the buffers made so far.
                    assertThat(buffers.size()).isLessThanOrEqualTo(BUFFERS);
                    full += buffers.size() == BUFFERS ? 1 : 0;
                }
            }
        }
        assertThat(full).as("cycles over every buffer (%s)", runners).isGreaterThanOrEqualTo(RUN_SECONDS);
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0])
                    .as("cycle %d starts after cycle %d finished", i, i - 1)
                    .isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
        }
        checkOneJobPerBuffer(own, ledger, decidedConversions);
    }

    /** Every conversion came from one decision, and a buffer's next one was made only after its last ended. */
    private static void checkOneJobPerBuffer(Database own, String ledger, Map<String, String> decided)
            throws Exception {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        select c.id, c.buffer, c.created_at,
                               (select max(h.at) from treasury_conversion_history h
                                 where h.ledger = c.ledger and h.conversion = c.id
                                   and h.to_status in ('completed', 'failed')) as ended
                          from treasury_conversions c where c.ledger = ? order by c.buffer, c.created_at""")) {
            select.setString(1, ledger);
            String lastBuffer = null;
            Timestamp lastEnded = null;
            int conversions = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    conversions++;
                    assertThat(decided).as("conversions a cycle decided").containsKey(rows.getString(1));
                    if (rows.getString(2).equals(lastBuffer)) {
                        assertThat(lastEnded)
                                .as("%s's previous conversion ended before %s", lastBuffer, rows.getString(1))
                                .isNotNull();
                        assertThat(rows.getTimestamp(3)).isAfterOrEqualTo(lastEnded);
                    }
                    lastBuffer = rows.getString(2);
                    lastEnded = rows.getTimestamp(4);
                }
            }
            assertThat(conversions).isEqualTo(decided.size()).isGreaterThanOrEqualTo(BUFFERS);
        }
    }
}
