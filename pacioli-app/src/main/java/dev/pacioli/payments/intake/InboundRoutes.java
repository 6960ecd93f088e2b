package dev.pacioli.payments.intake;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.deposits.DepositRequest;
import dev.pacioli.payments.inbound.InboundConfig;
import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.payments.inbound.InboundHeaders;
import dev.pacioli.payments.inbound.InboundKind;
import dev.pacioli.payments.inbound.InboundMapper;
import dev.pacioli.payments.inbound.InboundVerifier;
import dev.pacioli.payments.inbound.Verification;
import dev.pacioli.payments.payouts.PayoutJson;
import dev.pacioli.payments.payouts.PayoutRequest;
import dev.pacioli.payments.payouts.PayoutRoutes;
import dev.pacioli.payments.payouts.Payouts;
import dev.pacioli.payments.rails.SimulatorRail;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.LedgerDirectory;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inbound provider webhooks (payments.md): {@code POST /v1/inbound/{connector}}, no API key. The
 * connector's scheme verifies the raw body first (401 {@code invalid_signature} or {@code
 * stale_timestamp}, nothing recorded but a counter); a verified event is stored by its provider id
 * and applied by a job, so a duplicate answers 200 and does nothing; an instruction creates its payout
 * at once, as the principal {@code connector:<id>}. Also the simulator's deposits, reported exactly as
 * a provider's webhook would be.
 */
public final class InboundRoutes {
    /** What {@code simulate/deposit}'s {@code status} may say, and the event the simulator reports for it. */
    private static final Map<String, InboundEvent.Kind> SIMULATED_STATUSES = Map.of(
            "pending", InboundEvent.Kind.DEPOSIT_PENDING,
            "succeeded", InboundEvent.Kind.DEPOSIT_SUCCEEDED,
            "failed", InboundEvent.Kind.DEPOSIT_FAILED);

    private final PaymentRails rails;
    private final LedgerDirectory ledgerDirectory;
    private final InboundEventStore events;
    private final Payouts payouts;
    private final MeterRegistry registry;
    private final Runnable wake;

    public InboundRoutes(
            PaymentRails rails,
            LedgerDirectory ledgerDirectory,
            InboundEventStore events,
            Payouts payouts,
            MeterRegistry registry,
            Runnable wake) {
        this.rails = rails;
        this.ledgerDirectory = ledgerDirectory;
        this.events = events;
        this.payouts = payouts;
        this.registry = registry;
        this.wake = wake;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/v1/inbound/{connector}", null, this::receive),
                Route.post("/v1/connectors/{id}/simulate/deposit", Role.OPERATOR, this::simulateDeposit));
    }

    private Reply receive(Call call) {
        String id = call.path("connector");
        PaymentConnector connector = rails.connector(id)
                .filter(found -> found.inbound() != null)
                .orElseThrow(
                        () -> ApiException.notFound("connector_not_found", "no connector '" + id + "' takes webhooks"));
        InboundConfig inbound = connector.inbound();
        Verification verification = InboundVerifier.verify(
                inbound.scheme(),
                inbound.secrets(),
                InboundHeaders.of(call.context.headerMap()),
                call.body,
                Instant.now());
        if (verification instanceof Verification.Refused refused) {
            count(id, refused.refusal().metricOutcome());
            throw new ApiException(refused.refusal().status(), refused.refusal().problemCode(), refused.detail());
        }
        Verification.Verified verified = (Verification.Verified) verification;
        if (inbound.kind() == InboundKind.INSTRUCTIONS) {
            return instruction(id, inbound, verified, call);
        }
        InboundEvent event = InboundMapper.map(verified, inbound.kind());
        boolean stored = accept(id, event, call.body);
        count(id, !stored ? "duplicate" : event.kind() == InboundEvent.Kind.UNKNOWN ? "unknown_type" : "accepted");
        return received(event.providerEventId(), !stored);
    }

    /** Stores an event (from a webhook or the simulator) and wakes its job; false for a duplicate. */
    public boolean accept(String connector, InboundEvent event, byte[] body) {
        boolean stored = events.store(connector, event, body);
        if (stored) {
            wake.run();
        }
        return stored;
    }

    private Reply instruction(String id, InboundConfig inbound, Verification.Verified verified, Call call) {
        RequestReader reader = new RequestReader();
        List<String> fields = new ArrayList<>(PayoutRequest.FIELDS);
        fields.add("ledger");
        RequestReader.Fields body = reader.body(verified.body(), fields.toArray(String[]::new));
        String ledger = body.has("ledger") ? body.identifier("ledger", true) : inbound.defaultLedger();
        if (ledger == null) {
            reader.add("ledger", FieldError.REQUIRED, "is required: the connector names no default ledger");
        }
        PayoutRequest request = PayoutRequest.read(ledger, body);
        reader.finish();
        count(id, "accepted");
        Payouts.Created created = payouts.create(request, "connector:" + id);
        if (created.status() == 200) {
            return PayoutRoutes.replayed(created.payout());
        }
        try (JsonOutput out = new JsonOutput()) {
            PayoutJson.write(out, created.payout());
            return Reply.json(201, out);
        }
    }

    private Reply simulateDeposit(Call call) {
        String id = call.path("id");
        PaymentConnector connector = rails.connector(id)
                .filter(found -> found.kind() == PaymentConnector.Kind.SIMULATOR)
                .orElseThrow(() -> ApiException.notFound("connector_not_found", "no simulator connector '" + id + "'"));
        RequestReader reader = new RequestReader();
        RequestReader.Fields body =
                call.body(reader, "ledger", "deposit_id", "account", "amount", "asset", "status", "originator");
        String ledger = body.identifier("ledger", true);
        String depositId = body.identifier("deposit_id", true);
        String account = body.identifier("account", true);
        long amount = body.amount("amount", true);
        String asset = body.assetCode("asset");
        InboundEvent.Kind kind = body.choice("status", SIMULATED_STATUSES, InboundEvent.Kind.DEPOSIT_SUCCEEDED);
        Subject originator = DepositRequest.originator(body);
        reader.finish();
        // The ledger is the body's, not the path's: the gate's checks are made here, one answer for both.
        if ((call.key.ledgers() != null && !call.key.ledgers().contains(ledger)) || !ledgerDirectory.exists(ledger)) {
            throw ApiException.notFound("ledger_not_found", "no ledger '" + ledger + "'");
        }
        SimulatorRail simulator = (SimulatorRail) rails.rail(connector.id()).orElseThrow();
        InboundEvent event = simulator.simulateDeposit(ledger, depositId, account, amount, asset, kind, originator);
        return received(event.providerEventId(), false, 202);
    }

    private void count(String connector, String outcome) {
        Counter.builder("pacioli_inbound_webhooks_total")
                .tag("connector", connector)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    private static Reply received(String eventId, boolean duplicate) {
        return received(eventId, duplicate, 200);
    }

    private static Reply received(String eventId, boolean duplicate, int status) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeBooleanProperty("received", true);
            out.string("provider_event_id", eventId);
            out.json.writeBooleanProperty("duplicate", duplicate);
            out.json.writeEndObject();
            return Reply.json(status, out);
        }
    }
}
