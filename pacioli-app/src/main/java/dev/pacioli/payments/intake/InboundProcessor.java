package dev.pacioli.payments.intake;

import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.deposits.DepositRequest;
import dev.pacioli.payments.deposits.DepositStatus;
import dev.pacioli.payments.deposits.DepositStore;
import dev.pacioli.payments.deposits.Deposits;
import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.payments.payouts.Payout;
import dev.pacioli.payments.payouts.PayoutRequest;
import dev.pacioli.payments.payouts.PayoutStatus;
import dev.pacioli.payments.payouts.PayoutStore;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Applies a stored inbound event, as a durable job ({@value InboundEventStore#JOB}): a payout's paid,
 * failed or returned; a deposit's pending, succeeded or failed. An event that refers to no payout we
 * have, or a deposit that routes nowhere, is kept with the outcome {@code unmatched}, an alert and an
 * {@code inbound.unmatched} event: never dropped and never guessed. Effects are idempotent (payouts and
 * deposits move by their state tables, deposits are keyed by their id), so a repeat after a crash
 * changes nothing.
 */
public final class InboundProcessor {
    private static final String PRINCIPAL_PREFIX = "connector:";

    private final DataSource dataSource;
    private final InboundEventStore events;
    private final PayoutStore payouts;
    private final Deposits deposits;
    private final PaymentRails rails;
    private final Alerts alerts;

    public InboundProcessor(
            DataSource dataSource,
            InboundEventStore events,
            PayoutStore payouts,
            Deposits deposits,
            PaymentRails rails,
            Alerts alerts) {
        this.dataSource = dataSource;
        this.events = events;
        this.payouts = payouts;
        this.deposits = deposits;
        this.rails = rails;
        this.alerts = alerts;
    }

    public JobType type() {
        return new JobType(
                InboundEventStore.JOB,
                8,
                Duration.ofSeconds(30),
                30,
                Backoff.exponential(Duration.ofMillis(500), Duration.ofMinutes(5), 0.2),
                this::run);
    }

    private JobOutcome run(Claim job) {
        int slash = job.key().indexOf('/');
        String connector = job.key().substring(0, slash);
        String eventId = job.key().substring(slash + 1);
        Optional<InboundEvent> stored = events.find(connector, eventId);
        if (stored.isEmpty()) {
            return JobOutcome.succeeded();
        }
        String outcome = apply(connector, stored.get());
        events.processed(connector, eventId, outcome);
        return JobOutcome.succeeded();
    }

    private String apply(String connector, InboundEvent event) {
        return switch (event.kind()) {
            case PAYOUT_PAID -> payout(connector, event, PayoutStatus.PAID);
            case PAYOUT_FAILED -> payout(connector, event, PayoutStatus.FAILED);
            case PAYOUT_RETURNED -> payout(connector, event, PayoutStatus.RETURNED);
            case DEPOSIT_PENDING -> deposit(connector, event, DepositStatus.PENDING);
            case DEPOSIT_SUCCEEDED -> deposit(connector, event, DepositStatus.SUCCEEDED);
            case DEPOSIT_FAILED -> deposit(connector, event, DepositStatus.FAILED);
            case UNKNOWN -> "unknown";
        };
    }

    private String payout(String connector, InboundEvent event, PayoutStatus to) {
        Optional<Payout> payout = findPayout(connector, event);
        if (payout.isEmpty()) {
            return unmatched(
                    connector,
                    event,
                    null,
                    "it names no payout of ours ("
                            + (event.transferId() != null ? event.transferId() : event.payoutId()) + ")");
        }
        Payout found = payout.get();
        PayoutStore.Outcome outcome = payouts.transition(
                found.ledger(),
                found.id(),
                to,
                PayoutStore.Guard.NONE,
                new PayoutStore.Change(null, null, event.failureReason(), event.providerReference(), null, false),
                PRINCIPAL_PREFIX + connector,
                null);
        return outcome instanceof PayoutStore.Outcome.Moved ? "applied" : "unchanged";
    }

    /** By transfer id ({@code {ledger}.{id}}: a ledger's name may hold a dot, so each split is tried), or by id. */
    private Optional<Payout> findPayout(String connector, InboundEvent event) {
        String transfer = event.transferId();
        if (transfer != null) {
            for (int dot = transfer.indexOf('.'); dot > 0; dot = transfer.indexOf('.', dot + 1)) {
                Optional<Payout> found = payouts.find(transfer.substring(0, dot), transfer.substring(dot + 1));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        String ledger = ledgerOf(connector, event);
        if (event.payoutId() != null && ledger != null) {
            return payouts.find(ledger, event.payoutId());
        }
        return Optional.empty();
    }

    private String ledgerOf(String connector, InboundEvent event) {
        String named = event.metadata().get("pacioli_ledger");
        if (named != null) {
            return named;
        }
        return rails.connector(connector)
                .map(PaymentConnector::inbound)
                .map(inbound -> inbound.defaultLedger())
                .orElse(null);
    }

    /**
     * A deposit's news: pending, succeeded or failed. Routed and checked as far as the event allows,
     * whatever it says, so a pending deposit that would not post is unmatched at once, not later; a
     * failure that says too little to create a deposit still fails the one its pending event made.
     */
    private String deposit(String connector, InboundEvent event, DepositStatus to) {
        String ledger = ledgerOf(connector, event);
        String account = event.metadata().get("pacioli_account");
        if (account == null && event.routingReference() != null) {
            Optional<DepositStore.Route> route = deposits.store().route(connector, event.routingReference());
            if (route.isPresent()) {
                ledger = route.get().ledger();
                account = route.get().account();
            }
        }
        String id = depositId(connector, event);
        String principal = PRINCIPAL_PREFIX + connector;
        try {
            if (ledger == null || account == null || event.amount() == null) {
                if (to == DepositStatus.FAILED && ledger != null) {
                    Optional<Deposits.Outcome> failed = deposits.reportFailed(
                            ledger, id, principal, event.failureReason(), event.providerEventId());
                    if (failed.isPresent()) {
                        return outcome(failed.get());
                    }
                }
                return unmatched(
                        connector,
                        event,
                        ledger,
                        "no ledger and account to credit (no pacioli_ledger and"
                                + " pacioli_account in its metadata, no deposit route for its reference)");
            }
            String asset = event.amount().currency() == null
                    ? null
                    : event.amount().currency().toUpperCase(Locale.ROOT);
            Optional<Integer> scale = asset == null ? Optional.empty() : events.scale(asset);
            OptionalLong amount = scale.map(s -> event.amount().atScale(s)).orElse(OptionalLong.empty());
            if (amount.isEmpty()) {
                return unmatched(
                        connector,
                        event,
                        ledger,
                        "its amount " + event.amount().value() + " "
                                + event.amount().currency() + " is not an exact positive amount of a known asset");
            }
            DepositRequest request = new DepositRequest(
                    ledger,
                    id,
                    account,
                    amount.getAsLong(),
                    asset,
                    connector,
                    event.providerReference(),
                    event.providerEventId(),
                    Metadata.of(event.metadata()),
                    event.originator());
            return outcome(deposits.report(request, to, principal, event.failureReason(), Deposits.Source.SYSTEM));
        } catch (ApiException e) {
            return unmatched(connector, event, ledger, "the deposit was refused: " + e.code + ": " + e.getMessage());
        }
    }

    private static String outcome(Deposits.Outcome outcome) {
        return switch (outcome.kind()) {
            case CREATED, MOVED -> "applied";
            case UNCHANGED, REFUSED -> "unchanged";
        };
    }

    /**
     * The deposit's id: the one its metadata names, else one derived from the connector and the
     * provider's reference (the charge, transfer or payment intent, the same in each event of one
     * deposit, so its pending and final events find one deposit; the connector, so two providers' equal
     * references are two deposits).
     */
    static String depositId(String connector, InboundEvent event) {
        String named = event.metadata().get("pacioli_deposit");
        if (named != null && Limits.isIdentifier(named) && named.length() <= PayoutRequest.ID_LENGTH_MAX) {
            return named;
        }
        String reference = event.providerReference() != null ? event.providerReference() : event.providerEventId();
        return "dep_" + PayoutRequest.sha256(connector + "/" + reference).substring(0, 32);
    }

    private String unmatched(String connector, InboundEvent event, String ledger, String why) {
        String key = "inbound-unmatched:" + connector + "/" + event.providerEventId();
        alerts.raise(new Alerts.Raise(
                Severity.WARNING,
                "inbound.unmatched",
                key,
                "an event from " + connector + " matched nothing",
                why + "; event " + event.providerEventId(),
                "connector:" + connector));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("connector", connector);
        data.put("provider_event_id", event.providerEventId());
        data.put("provider_type", event.providerType());
        data.put("reason", why);
        Transactions.run(dataSource, "could not record an unmatched inbound event", connection -> {
            ServiceEvents.append(
                    connection,
                    "inbound.unmatched",
                    ledger,
                    RequestReader.MAPPER.writeValueAsString(data).getBytes(StandardCharsets.UTF_8));
            return null;
        });
        return "unmatched";
    }
}
