package dev.pacioli.payments.rails;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.Limits;
import dev.pacioli.payments.inbound.InboundEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The built-in connector of kind {@code simulator}: a provider in memory, for the quickstart, the demo,
 * tests and drills. What it does with a transfer is chosen by the transfer's metadata {@code simulate}
 * ({@link Behaviour}); a value it does not know fails the transfer with a reason rather than paying it
 * (a typo must not turn into money sent).
 *
 * <p>Like a real provider it is idempotent by transfer id: submitting an id it already holds answers
 * that transfer's current state and creates nothing. Its events (a return, a deposit) carry provider
 * event ids derived from the object ({@code transfer.returned:<transfer id>}, {@code
 * deposit.<status>:<ledger>.<deposit id>}), so a report made twice is the same event twice, which the
 * inbound store deduplicates, exactly as with a provider's webhook resent.
 *
 * <p>State is in memory only. A restart forgets every transfer: the worker's status query for a
 * transfer submitted before the restart then answers empty ("never received"), and the worker submits
 * it again as new, a second transfer as far as the simulator knows (no money is real here, but a drill
 * should expect it). Returns not yet reported when it stops are never reported.
 *
 * <p>Concurrency: any number of callers; one transfer per id is decided atomically in a concurrent map.
 * Returns are reported on the scheduler it is given, which {@link #close()} stops. Limits: {@link
 * #TRANSFERS_MAX} transfers held; beyond, submissions are refused (outcome known, nothing accepted).
 */
public final class SimulatorRail implements Rail, Conversions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatorRail.class);

    /** The connector kind this rail serves. */
    public static final String KIND = "simulator";

    /** The metadata key that chooses a transfer's behaviour. */
    public static final String SIMULATE = "simulate";

    /** Transfers held in memory at most: a drill running for days must not exhaust the heap. */
    public static final int TRANSFERS_MAX = 100_000;

    /** Attempts at reporting a return when the handler fails, {@link Settings#returnDelay} apart. */
    static final int REPORT_ATTEMPTS_MAX = 5;

    /** What the simulator does with a transfer, by {@code metadata.simulate}. */
    public enum Behaviour {
        /** The default: answers paid. */
        SUCCEED("succeed"),
        /** Answers failed, with a reason. */
        FAIL("fail"),
        /** Accepts and pays the transfer, but the first submission ends in an unknown outcome. */
        TIMEOUT_THEN_SUCCEED("timeout_then_succeed"),
        /** Accepted, pending forever. */
        STUCK("stuck"),
        /** Paid, then returned by a {@code PAYOUT_RETURNED} event after {@link Settings#returnDelay}. */
        RETURN("return");

        public final String code;

        Behaviour(String code) {
            this.code = code;
        }

        /** The behaviour a {@code simulate} value names; empty for one it does not know. */
        public static Optional<Behaviour> of(String code) {
            for (Behaviour behaviour : values()) {
                if (behaviour.code.equals(code)) {
                    return Optional.of(behaviour);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A simulator's configuration.
     *
     * @param latency how long every answer of {@link #submit} and {@link #status} takes
     * @param returnDelay how long after payment a {@code return} transfer is reported returned
     */
    public record Settings(Duration latency, Duration returnDelay) {
        public static final Duration LATENCY_MAX = Duration.ofMinutes(1);
        public static final Duration RETURN_DELAY_MAX = Duration.ofHours(1);
        public static final Settings DEFAULTS = new Settings(Duration.ZERO, Duration.ofSeconds(5));

        public Settings {
            if (latency == null || latency.isNegative() || latency.compareTo(LATENCY_MAX) > 0) {
                throw new IllegalArgumentException("config.latency_ms must be 0 to " + LATENCY_MAX.toMillis());
            }
            if (returnDelay == null
                    || returnDelay.isNegative()
                    || returnDelay.isZero()
                    || returnDelay.compareTo(RETURN_DELAY_MAX) > 0) {
                throw new IllegalArgumentException(
                        "config.return_delay_ms must be 1 to " + RETURN_DELAY_MAX.toMillis());
            }
        }

        /**
         * From a connector's {@code config}: {@code latency_ms} (optional, 0) and {@code
         * return_delay_ms} (optional, 5000), whole numbers of milliseconds.
         *
         * @throws IllegalArgumentException naming the field and what is wrong with it
         */
        public static Settings fromConfig(JsonNode config) {
            return new Settings(
                    millis(config, "latency_ms", DEFAULTS.latency),
                    millis(config, "return_delay_ms", DEFAULTS.returnDelay));
        }

        private static Duration millis(JsonNode config, String name, Duration absent) {
            JsonNode value = config == null ? null : config.get(name);
            if (value == null || value.isNull()) {
                return absent;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new IllegalArgumentException("config." + name + " must be a whole number of milliseconds");
            }
            return Duration.ofMillis(Math.max(-1, value.longValue()));
        }
    }

    /** One transfer held: what it answers, what was asked, and its behaviour (null: an unknown one). */
    private record Held(TransferResult result, TransferRequest request, Behaviour behaviour) {}

    private final String name;
    private final Settings settings;
    private final ProviderEvents events;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Held> transfers = new ConcurrentHashMap<>();
    private final ConversionSettings conversionSettings;
    private final Map<String, ConversionResult> conversions = new ConcurrentHashMap<>();

    /**
     * @param name the connector's id, for logs and references
     * @param events where returns and deposits are reported, as a verified provider webhook would be
     * @param scheduler runs the reports of returns; owned from now on: {@link #close()} stops it
     */
    public SimulatorRail(String name, Settings settings, ProviderEvents events, ScheduledExecutorService scheduler) {
        this(name, settings, ConversionSettings.fromConfig(null), events, scheduler);
    }

    public SimulatorRail(
            String name,
            Settings settings,
            ConversionSettings conversionSettings,
            ProviderEvents events,
            ScheduledExecutorService scheduler) {
        this.conversionSettings = conversionSettings;
        this.name = name;
        this.settings = settings;
        this.events = events;
        this.scheduler = scheduler;
    }

    /** A simulator with its own scheduler: one daemon thread. */
    public static SimulatorRail start(String name, Settings settings, ProviderEvents events) {
        return start(name, settings, ConversionSettings.fromConfig(null), events);
    }

    /** A simulator that also converts, at {@code config.rates} less {@code config.fee_bps}. */
    public static SimulatorRail start(
            String name, Settings settings, ConversionSettings conversions, ProviderEvents events) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("pacioli-simulator-" + name).factory());
        return new SimulatorRail(name, settings, conversions, events, scheduler);
    }

    @Override
    public boolean converts(String fromAsset, String toAsset) {
        return conversionSettings.converts(fromAsset, toAsset);
    }

    @Override
    public Optional<BigDecimal> quote(String fromAsset, String toAsset) {
        return conversionSettings.converts(fromAsset, toAsset)
                ? Optional.of(conversionSettings.effectiveRate(fromAsset, toAsset))
                : Optional.empty();
    }

    /**
     * Converts at the configured rate less the fee, rounded down, idempotent by id; {@code
     * config.conversion_behaviour} chooses the failure mode as {@code simulate} does for payouts.
     */
    @Override
    public ConversionResult convert(ConversionRequest request) throws RailException, InterruptedException {
        answerLatency();
        if (!converts(request.fromAsset(), request.toAsset())) {
            return new ConversionResult(
                    request.id(),
                    ConversionResult.Status.FAILED,
                    null,
                    null,
                    "simulator " + name + " does not convert " + request.fromAsset() + "/" + request.toAsset());
        }
        if (conversions.size() >= TRANSFERS_MAX && !conversions.containsKey(request.id())) {
            throw new RailException("simulator " + name + " holds too many conversions", false, null);
        }
        long toAmount = conversionSettings.toAmount(request.fromAsset(), request.toAsset(), request.fromAmount());
        String rate = conversionSettings.rate(request.fromAsset(), request.toAsset());
        ConversionResult created = switch (conversionSettings.behaviour()) {
            case SUCCEED, TIMEOUT_THEN_SUCCEED, RETURN ->
                new ConversionResult(request.id(), ConversionResult.Status.COMPLETED, toAmount, rate, null);
            case FAIL ->
                new ConversionResult(request.id(), ConversionResult.Status.FAILED, null, null, "simulated failure");
            case STUCK -> new ConversionResult(request.id(), ConversionResult.Status.PENDING, null, null, null);
        };
        ConversionResult held = conversions.putIfAbsent(request.id(), created);
        if (held != null) {
            return held;
        }
        if (conversionSettings.behaviour() == Behaviour.TIMEOUT_THEN_SUCCEED) {
            throw new RailException("simulated timeout: " + request.id() + " accepted but not answered", true, null);
        }
        return created;
    }

    @Override
    public Optional<ConversionResult> conversionStatus(String id) throws InterruptedException {
        answerLatency();
        return Optional.ofNullable(conversions.get(id));
    }

    /** How many conversions of that id it received: one, or none (a test's check for duplicates). */
    public int conversionsReceived(String id) {
        return conversions.containsKey(id) ? 1 : 0;
    }

    @Override
    public TransferResult submit(TransferRequest request) throws RailException, InterruptedException {
        answerLatency();
        Held existing = transfers.get(request.id());
        if (existing != null) {
            return existing.result();
        }
        // Checked before the insert, so concurrent first submissions may pass it together: the bound
        // holds within the number of callers, which is what it is for.
        if (transfers.size() >= TRANSFERS_MAX) {
            throw new RailException(
                    "simulator " + name + " holds " + TRANSFERS_MAX + " transfers already: nothing accepted",
                    false,
                    null);
        }
        Held created = created(request);
        Held held = transfers.putIfAbsent(request.id(), created);
        if (held != null) {
            return held.result(); // a concurrent submission of the same id created it first
        }
        if (created.behaviour() == Behaviour.TIMEOUT_THEN_SUCCEED) {
            throw new RailException(
                    "simulated timeout: simulator " + name + " accepted " + request.id() + " but did not answer",
                    true,
                    null);
        }
        if (created.behaviour() == Behaviour.RETURN) {
            scheduleReturn(request.id(), 1);
        }
        return created.result();
    }

    /** A new transfer as its behaviour makes it; an unknown {@code simulate} value fails it. */
    private Held created(TransferRequest request) {
        String code = request.metadata().getOrDefault(SIMULATE, Behaviour.SUCCEED.code);
        Optional<Behaviour> behaviour = Behaviour.of(code);
        String reference = "sim_" + request.id();
        if (behaviour.isEmpty()) {
            return new Held(
                    new TransferResult(
                            request.id(),
                            TransferResult.Status.FAILED,
                            reference,
                            "metadata simulate '" + code + "' is not one of succeed, fail, timeout_then_succeed,"
                                    + " stuck, return"),
                    request,
                    null);
        }
        TransferResult result = switch (behaviour.get()) {
            case SUCCEED, TIMEOUT_THEN_SUCCEED, RETURN ->
                new TransferResult(request.id(), TransferResult.Status.PAID, reference, null);
            case FAIL ->
                new TransferResult(
                        request.id(),
                        TransferResult.Status.FAILED,
                        reference,
                        "simulated failure (metadata simulate=fail)");
            case STUCK -> new TransferResult(request.id(), TransferResult.Status.PENDING, reference, null);
        };
        return new Held(result, request, behaviour.get());
    }

    @Override
    public Optional<TransferResult> status(String transferId) throws InterruptedException {
        answerLatency();
        return Optional.ofNullable(transfers.get(transferId)).map(Held::result);
    }

    /** A succeeded deposit: {@link #simulateDeposit(String, String, String, long, String, InboundEvent.Kind, Subject)}. */
    public InboundEvent simulateDeposit(String ledger, String depositId, String account, long amount, String asset) {
        return simulateDeposit(ledger, depositId, account, amount, asset, InboundEvent.Kind.DEPOSIT_SUCCEEDED, null);
    }

    /**
     * Reports an incoming deposit exactly as a provider's {@code deposit.pending}, {@code
     * deposit.succeeded} or {@code deposit.failed} webhook would: an event of that kind whose metadata
     * names {@code pacioli_ledger}, {@code pacioli_account} and {@code pacioli_deposit}, and whose
     * provider reference is the same for each news of one deposit. The same news of the same deposit
     * twice is the same event id ({@code deposit.<status>:<ledger>.<deposit id>}).
     *
     * @param kind {@code DEPOSIT_PENDING}, {@code DEPOSIT_SUCCEEDED} or {@code DEPOSIT_FAILED}
     * @param originator who sent it, as a provider may name them; null for no one
     * @return the event reported
     */
    public InboundEvent simulateDeposit(
            String ledger,
            String depositId,
            String account,
            long amount,
            String asset,
            InboundEvent.Kind kind,
            Subject originator) {
        require(Limits.isIdentifier(ledger), "ledger", ledger);
        require(Limits.isIdentifier(depositId), "deposit_id", depositId);
        require(Limits.isIdentifier(account), "account", account);
        require(Limits.isAssetCode(asset), "asset", asset);
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        String type = switch (kind) {
            case DEPOSIT_PENDING -> "deposit.pending";
            case DEPOSIT_SUCCEEDED -> "deposit.succeeded";
            case DEPOSIT_FAILED -> "deposit.failed";
            default ->
                throw new IllegalArgumentException("a simulated deposit is pending, succeeded or failed: " + kind);
        };
        String id = ledger + "." + depositId;
        InboundEvent event = new InboundEvent(
                type + ":" + id,
                type,
                kind,
                null,
                null,
                new InboundEvent.Amount(Long.toString(amount), true, asset),
                "sim_dep_" + id,
                kind == InboundEvent.Kind.DEPOSIT_FAILED ? "simulated failure (status failed)" : null,
                Map.of("pacioli_ledger", ledger, "pacioli_account", account, "pacioli_deposit", depositId),
                null,
                originator);
        events.report(event);
        return event;
    }

    private static void require(boolean valid, String field, String value) {
        if (!valid) {
            throw new IllegalArgumentException(field + " is not valid: '" + value + "'");
        }
    }

    private void scheduleReturn(String transferId, int attempt) {
        try {
            scheduler.schedule(
                    () -> reportReturn(transferId, attempt), settings.returnDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.atWarn().log("simulator {} is closed: the return of {} is not reported", name, transferId);
        }
    }

    /** The return's event; a handler that fails is tried again, {@link #REPORT_ATTEMPTS_MAX} times in all. */
    private void reportReturn(String transferId, int attempt) {
        Held held = transfers.get(transferId);
        InboundEvent event = new InboundEvent(
                "transfer.returned:" + transferId,
                "transfer.returned",
                InboundEvent.Kind.PAYOUT_RETURNED,
                transferId,
                null,
                null,
                held.result().providerReference(),
                "returned by the simulator (metadata simulate=return)",
                held.request().metadata(),
                null,
                null);
        try {
            events.report(event);
        } catch (RuntimeException e) {
            if (attempt >= REPORT_ATTEMPTS_MAX) {
                LOG.atError()
                        .setCause(e)
                        .log(
                                "simulator {}: the return of {} was not handled after {} attempts",
                                name,
                                transferId,
                                attempt);
                return;
            }
            LOG.atWarn()
                    .setCause(e)
                    .log("simulator {}: the return of {} was not handled; trying again", name, transferId);
            scheduleReturn(transferId, attempt + 1);
        }
    }

    private void answerLatency() throws InterruptedException {
        if (!settings.latency.isZero()) {
            Thread.sleep(settings.latency);
        }
    }

    /** Stops the scheduler: returns not yet reported never are. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
