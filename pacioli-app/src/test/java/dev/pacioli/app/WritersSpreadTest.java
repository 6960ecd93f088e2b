package dev.pacioli.app;

import static dev.pacioli.platform.TransferClients.everyAcknowledgedTransferOnce;
import static dev.pacioli.platform.TransferClients.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The writers spread over the instances (operations.md, high availability): the first instance writes
 * the six ledgers it created; a second starts on the same database, and within seconds each writes three,
 * the first having handed its writers over one at a time. Writes through either instance reach every
 * ledger's writer throughout (retried by id through a handover's moment of 503), and every ledger
 * verifies with each acknowledged transfer there once.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "child serve instances on data of their own; mostly waits")
class WritersSpreadTest {
    private static final String ADMIN_KEY = "pacioli_spread_admin_0123456789abcdef";
    private static final int LEDGERS = 6;
    private static final Pattern RUNNING = Pattern.compile("pacioli_writer_running\\{ledger=\"([^\"]+)\"} 1(\\.0)?");

    @Test
    void aSecondInstanceTakesHalfTheWritersAndEveryWriteStillLands() throws Exception {
        try (ChildService service = ChildService.start("spread", ADMIN_KEY, Map.of())) {
            HttpTester first = service.admin(0);
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < LEDGERS; i++) {
                bases.add(first.openLedgerWithWorldAndWallet("spread-" + i));
            }
            assertThat(writing(first)).hasSize(LEDGERS);

            HttpTester second = service.admin(service.startAnother());
            Await.until(
                    "each instance writes half the ledgers",
                    Duration.ofSeconds(60),
                    () -> writing(first).size() == LEDGERS / 2
                            && writing(second).size() == LEDGERS / 2);
            assertThat(writing(first)).doesNotContainAnyElementsOf(writing(second));
            assertThat(Files.readString(service.log())).contains("over to spread the writers");

            List<HttpTester> instances = List.of(first, second);
            for (String base : bases) {
                for (int i = 0; i < instances.size(); i++) {
                    String id = "through-" + i;
                    assertThat(transfer(instances.get(i), base, id).status())
                            .as("%s through instance %d", base, i)
                            .isEqualTo(201);
                }
                everyAcknowledgedTransferOnce(second, base, Set.of("through-0", "through-1"), 0);
            }
            service.stop();
        }
    }

    /** The ledgers whose writer runs on the instance, from its metrics. */
    private static Set<String> writing(HttpTester instance) {
        Matcher running = RUNNING.matcher(instance.as(null).get("/metrics").text());
        Set<String> ledgers = new TreeSet<>();
        while (running.find()) {
            ledgers.add(running.group(1));
        }
        return ledgers;
    }
}
