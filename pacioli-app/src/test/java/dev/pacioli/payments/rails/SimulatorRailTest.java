package dev.pacioli.payments.rails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.RequestReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator, one behaviour per test, with the events it reports collected as the payments
 * capability would receive them. Returns come after a tenth of a second here (seconds by default); every
 * wait is on a condition, bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatorRailTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(10);
    private static final SimulatorRail.Settings FAST =
            new SimulatorRail.Settings(Duration.ZERO, Duration.ofMillis(100));

    private final List<InboundEvent> reported = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;
    private SimulatorRail simulator;

    @BeforeEach
    void start() {
        restart(FAST, reported::add);
    }

    /** A new simulator with its own scheduler, as after a restart; the previous one is closed. */
    private void restart(SimulatorRail.Settings settings, ProviderEvents events) {
        if (simulator != null) {
            simulator.close();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor();
        simulator = new SimulatorRail("sim", settings, events, scheduler);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private static TransferRequest transfer(String id, String simulate) {
        Map<String, String> metadata = simulate == null ? Map.of("order", "W-9") : Map.of("simulate", simulate);
        return new TransferRequest(id, 2500, "USDC", "{\"type\": \"external_id\", \"id\": \"x\"}", metadata);
    }

    @Test
    void byDefaultATransferIsPaidAndResubmittingItAnswersTheSameTransfer() throws Exception {
        TransferResult paid = simulator.submit(transfer("main.po_1", null));

        assertThat(paid.status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(paid.providerReference()).isEqualTo("sim_main.po_1");
        assertThat(simulator.submit(transfer("main.po_1", null))).isEqualTo(paid);
        assertThat(simulator.submit(transfer("main.po_1", "fail"))).isEqualTo(paid); // the id decides, not the ask
        assertThat(simulator.status("main.po_1")).contains(paid);
        assertThat(simulator.submit(transfer("main.po_2", "succeed")).status()).isEqualTo(TransferResult.Status.PAID);
    }

    @Test
    void failAnswersFailedWithAReason() throws Exception {
        TransferResult failed = simulator.submit(transfer("main.po_3", "fail"));

        assertThat(failed.status()).isEqualTo(TransferResult.Status.FAILED);
        assertThat(failed.failureReason()).contains("simulate=fail");
        assertThat(simulator.status("main.po_3")).contains(failed);
    }

    @Test
    void anUnknownSimulateValueFailsTheTransferRatherThanPayingIt() throws Exception {
        TransferResult failed = simulator.submit(transfer("main.po_4", "succed"));

        assertThat(failed.status()).isEqualTo(TransferResult.Status.FAILED);
        assertThat(failed.failureReason()).contains("'succed'");
    }

    @Test
    void timeoutThenSucceedLeavesTheFirstOutcomeUnknownAndTheStatusSaysPaid() throws Exception {
        assertThatThrownBy(() -> simulator.submit(transfer("main.po_5", "timeout_then_succeed")))
                .isInstanceOfSatisfying(
                        RailException.class, e -> assertThat(e.outcomeUnknown()).isTrue());

        assertThat(simulator.status("main.po_5").orElseThrow().status()).isEqualTo(TransferResult.Status.PAID);
        assertThat(simulator
                        .submit(transfer("main.po_5", "timeout_then_succeed"))
                        .status())
                .isEqualTo(TransferResult.Status.PAID);
    }

    @Test
    void stuckIsAcceptedAndStaysPending() throws Exception {
        assertThat(simulator.submit(transfer("main.po_6", "stuck")).status()).isEqualTo(TransferResult.Status.PENDING);
        assertThat(simulator.status("main.po_6").orElseThrow().status()).isEqualTo(TransferResult.Status.PENDING);
        assertThat(reported).isEmpty();
    }

    @Test
    void returnIsPaidThenReportedReturnedOnceALittleLater() throws Exception {
        TransferResult paid = simulator.submit(transfer("main.po_7", "return"));
        assertThat(paid.status()).isEqualTo(TransferResult.Status.PAID);
        simulator.submit(transfer("main.po_7", "return")); // a resubmission schedules no second return

        Await.until("the return reported", WAIT_MAX, () -> !reported.isEmpty());
        InboundEvent returned = reported.getFirst();
        assertThat(returned.kind()).isEqualTo(InboundEvent.Kind.PAYOUT_RETURNED);
        assertThat(returned.providerType()).isEqualTo("transfer.returned");
        assertThat(returned.providerEventId()).isEqualTo("transfer.returned:main.po_7");
        assertThat(returned.transferId()).isEqualTo("main.po_7");
        assertThat(returned.providerReference()).isEqualTo(paid.providerReference());
        assertThat(returned.metadata()).containsEntry("simulate", "return");
        assertThat(returned.amount()).isNull();

        scheduler.schedule(() -> {}, 300, TimeUnit.MILLISECONDS).get(); // past a second return's due time
        assertThat(reported).hasSize(1);
    }

    @Test
    void aReturnTheHandlerRefusesIsReportedAgainAsTheSameEvent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<InboundEvent> handled = new CopyOnWriteArrayList<>();
        restart(FAST, event -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the database is away");
            }
            handled.add(event);
        });

        simulator.submit(transfer("main.po_8", "return"));

        Await.until("the return handled on the second report", WAIT_MAX, () -> !handled.isEmpty());
        assertThat(calls.get()).isEqualTo(2);
        assertThat(handled.getFirst().providerEventId()).isEqualTo("transfer.returned:main.po_8");
    }

    @Test
    void closingStopsTheSchedulerAndAReturnNotYetDueIsNeverReported() throws Exception {
        restart(new SimulatorRail.Settings(Duration.ZERO, Duration.ofMillis(200)), reported::add);
        simulator.submit(transfer("main.po_9", "return"));
        simulator.close();

        assertThat(scheduler.isShutdown()).isTrue();
        assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(reported).isEmpty();
    }

    @Test
    void latencyDelaysEveryAnswer() throws Exception {
        restart(new SimulatorRail.Settings(Duration.ofMillis(150), Duration.ofSeconds(5)), reported::add);

        long started = System.nanoTime();
        simulator.submit(transfer("main.po_10", null));
        simulator.status("main.po_10");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRestartForgetsEveryTransferSoTheStatusIsEmpty() throws Exception {
        simulator.submit(transfer("main.po_11", null));
        restart(FAST, reported::add);

        assertThat(simulator.status("main.po_11")).isEmpty();
        assertThat(simulator.status("main.po_never")).isEmpty();
    }

    @Test
    void concurrentSubmissionsOfOneIdMakeOneTransferAndOneReturn() throws Exception {
        List<Future<TransferResult>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                results.add(threads.submit(() -> simulator.submit(transfer("main.po_12", "return"))));
            }
        }
        for (Future<TransferResult> result : results) {
            assertThat(result.get().status()).isEqualTo(TransferResult.Status.PAID);
        }
        Await.until("the return reported", WAIT_MAX, () -> !reported.isEmpty());
        scheduler.schedule(() -> {}, 300, TimeUnit.MILLISECONDS).get();
        assertThat(reported).hasSize(1);
    }

    @Test
    void aSimulatedDepositIsReportedAsAProviderWebhookWould() {
        InboundEvent event = simulator.simulateDeposit("main", "dep_1", "users:42:wallet", 10_000, "USDC");

        assertThat(reported).containsExactly(event);
        assertThat(event.kind()).isEqualTo(InboundEvent.Kind.DEPOSIT_SUCCEEDED);
        assertThat(event.providerType()).isEqualTo("deposit.succeeded");
        assertThat(event.providerEventId()).isEqualTo("deposit.succeeded:main.dep_1");
        assertThat(event.metadata())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "pacioli_ledger", "main", "pacioli_account", "users:42:wallet", "pacioli_deposit", "dep_1"));
        assertThat(event.amount()).isEqualTo(new InboundEvent.Amount("10000", true, "USDC"));
        assertThat(event.amount().atScale(6)).hasValue(10_000);
        assertThat(event.transferId()).isNull();

        // The same deposit again is the same event (the inbound store keeps one), as a resent webhook is.
        assertThat(simulator.simulateDeposit("main", "dep_1", "users:42:wallet", 10_000, "USDC"))
                .isEqualTo(event);
        assertThatThrownBy(() -> simulator.simulateDeposit("main", "dep_2", "users:42:wallet", 0, "USDC"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> simulator.simulateDeposit("main", "dep 2", "users:42:wallet", 5, "USDC"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConfigurationNamesWhatIsWrong() {
        assertThat(SimulatorRail.Settings.fromConfig(RequestReader.MAPPER.readTree("{}")))
                .isEqualTo(SimulatorRail.Settings.DEFAULTS);
        assertThat(SimulatorRail.Settings.fromConfig(
                        RequestReader.MAPPER.readTree("{\"latency_ms\": 250, \"return_delay_ms\": 1000}")))
                .isEqualTo(new SimulatorRail.Settings(Duration.ofMillis(250), Duration.ofSeconds(1)));
        for (String bad : List.of(
                "{\"latency_ms\": -1}",
                "{\"latency_ms\": 1.5}",
                "{\"latency_ms\": \"250\"}",
                "{\"latency_ms\": 60001}",
                "{\"return_delay_ms\": 0}")) {
            assertThatThrownBy(() -> SimulatorRail.Settings.fromConfig(RequestReader.MAPPER.readTree(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("config.");
        }
    }
}
