package dev.pacioli.payments.payouts;

import dev.pacioli.controls.Controls;
import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.controls.screening.Hit;
import dev.pacioli.controls.screening.Screening;
import dev.pacioli.controls.screening.ScreeningCase;
import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.connectors.ProviderAccounts;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules of payouts: creation with its reserve, and every change an API call asks for (approve,
 * reject, cancel, release, resolve), refused with the contract's codes. The worker's changes are in
 * {@code payments.execution}; both go through {@link PayoutStore}, which holds the state table.
 */
public final class Payouts {
    /** The object type of a payout's screening cases. */
    public static final String OBJECT_TYPE = "payout";

    private final PayoutStore store;
    private final PolicyStore policies;
    private final PaymentRails rails;
    private final LedgerPort ledgers;
    private final Jobs jobs;
    private final PayoutMetrics metrics;
    private final Controls controls;
    private final Screening screening;
    private final PayoutHolds holds;

    public Payouts(
            PayoutStore store,
            PolicyStore policies,
            PaymentRails rails,
            LedgerPort ledgers,
            Jobs jobs,
            PayoutMetrics metrics,
            Controls controls,
            Screening screening) {
        this.controls = controls;
        this.screening = screening;
        this.holds = new PayoutHolds(this::releaseHeld);
        screening.handlers().register(OBJECT_TYPE, (transaction, decided, decision) -> {
            boolean clear = decision == ScreeningCase.Decision.CLEAR;
            // Several hits open several cases: a clear releases the payout once none is left open; a
            // confirm rejects it at once, and the cases decided after find it rejected and change nothing.
            if (clear && screening.openCases(transaction, OBJECT_TYPE, decided.ledger(), decided.objectId()) > 0) {
                return;
            }
            store.screened(
                    transaction, decided.ledger(), decided.objectId(), clear, decided.decidedBy(), decided.reason());
        });
        this.store = store;
        this.policies = policies;
        this.rails = rails;
        this.ledgers = ledgers;
        this.jobs = jobs;
        this.metrics = metrics;
    }

    public PayoutStore store() {
        return store;
    }

    public PolicyStore policies() {
        return policies;
    }

    /** A created or replayed payout: 201 for the call that made it, 200 for a replay. */
    public record Created(int status, Payout payout) {}

    /**
     * Creates the payout with its reserve, or answers the one a previous identical request made. The
     * payout's row is committed by the ledger's writer with the reserve, so a refusal of the reserve
     * (422 {@code insufficient_funds}, …) stores nothing at all.
     */
    public Created create(PayoutRequest request, String principal) {
        if (Payout.transferId(request.ledger(), request.id()).length() > PayoutStore.TRANSFER_ID_LENGTH_MAX) {
            throw new ApiException(
                    400,
                    "validation_failed",
                    "the ledger's name and the payout id together are longer" + " than "
                            + (PayoutStore.TRANSFER_ID_LENGTH_MAX - 1) + " characters");
        }
        var existing = store.find(request.ledger(), request.id());
        if (existing.isPresent()) {
            return replay(existing.get(), request);
        }
        PaymentConnector connector = rails.connector(request.connector())
                .filter(found -> found.kind().sends())
                .orElseThrow(() -> new ApiException(
                        422, "unknown_connector", "no connector '" + request.connector() + "' that sends money"));
        String providerAccount = connector.providerAccount(request.asset());
        if (providerAccount == null) {
            throw new ApiException(
                    422, "asset_not_supported", "connector '" + connector.id() + "' does not move " + request.asset());
        }
        ProviderAccounts.open(ledgers, request.ledger(), providerAccount, request.asset());
        ApprovalPolicy policy = policies.get(request.ledger());
        int approvals = policy.approvalsFor(request.asset(), request.amount());
        PayoutStatus status = approvals > 0 ? PayoutStatus.REQUIRES_APPROVAL : PayoutStatus.APPROVED;
        Long window = approvals > 0 ? policy.approvalWindowSeconds() : null;
        PayoutStore.Hold hold = hold(request, principal, status);
        TransactionResult reserve = Engines.await(ledgers.submit(
                request.ledger(),
                reserve(request, providerAccount),
                store.creation(request, principal, status, approvals, window, hold)));
        return switch (reserve.code()) {
            case CREATED -> {
                jobs.wake();
                Payout created = found(request.ledger(), request.id());
                metrics.created(connector.id(), created.status());
                yield new Created(201, created);
            }
            case EXISTS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS ->
                replay(store.find(request.ledger(), request.id()).orElseThrow(() -> idTaken(request)), request);
            default -> throw Outcomes.failure(reserve);
        };
    }

    /**
     * Whether a new payout is held at creation: a sanctions hit on its destination holds it (whatever
     * the approvals), with a case per hit opened in the reserve's commit; else, under an emergency stop,
     * an approved one is held (one needing approvals waits for them, and the worker holds it when it
     * would be sent). Null when it is not held.
     */
    private PayoutStore.Hold hold(PayoutRequest request, String principal, PayoutStatus status) {
        Map<String, String> destination = request.destination();
        String address = destination.getOrDefault(
                "address", destination.getOrDefault("iban", destination.get("account_number")));
        List<Hit> hits = screening.screen(new Subject(destination.get("name"), destination.get("country"), address));
        if (!hits.isEmpty()) {
            return new PayoutStore.Hold(PayoutStore.SCREENING, status, connection -> {
                for (Hit hit : hits) {
                    screening.openCase(connection, OBJECT_TYPE, request.ledger(), request.id(), principal, hit);
                }
            });
        }
        String heldBy = holds.reasonFor(request.ledger());
        if (heldBy != null) {
            return new PayoutStore.Hold(heldBy, status, null);
        }
        if (status == PayoutStatus.APPROVED && controls.holdsNewPayouts()) {
            return new PayoutStore.Hold(
                    SubmissionGate.Refusal.EMERGENCY_STOP.holdReason(), PayoutStatus.APPROVED, null);
        }
        return null;
    }

    /** The holds later capabilities place on new payouts (reconciliation's drift). */
    public PayoutHolds holds() {
        return holds;
    }

    /** Releases, one by one, every payout of the ledger held for {@code holdReason}. */
    private int releaseHeld(String ledger, String holdReason, Actor actor, String reason) {
        int released = 0;
        Long before = null;
        while (true) {
            Page<PayoutStore.Listed> page =
                    store.list(ledger, PayoutStatus.HELD, null, null, Map.of(), before, Page.LIMIT_MAX);
            for (PayoutStore.Listed listed : page.items()) {
                if (holdReason.equals(listed.payout().holdReason())) {
                    release(
                            ledger,
                            listed.payout().id(),
                            holdReason,
                            false,
                            new PayoutStore.Audit(actor, AuditAction.PAYOUT_RELEASED, reason));
                    released++;
                }
                before = listed.sequence();
            }
            if (!page.hasMore()) {
                return released;
            }
        }
    }

    private Created replay(Payout payout, PayoutRequest request) {
        if (!payout.requestHash().equals(request.requestHash())) {
            throw idTaken(request);
        }
        return new Created(200, payout);
    }

    private static ApiException idTaken(PayoutRequest request) {
        return new ApiException(
                409,
                "payout_exists_with_different_fields",
                "a payout '" + request.id()
                        + "' exists with other fields (or a ledger transaction has its reserve's id); ids are idempotency keys");
    }

    /**
     * The reserve: the source's balance falls by amount + fee, the provider account's by amount, the
     * fee account's rises by the fee; pending until the payout is paid (posted) or ends otherwise
     * (voided). It never expires by itself: the payout decides.
     */
    static TransactionSpec reserve(PayoutRequest request, String providerAccount) {
        List<Posting> postings = new ArrayList<>();
        postings.add(new Posting(request.source(), providerAccount, request.amount(), request.asset()));
        if (request.feeAmount() != null) {
            postings.add(new Posting(request.source(), request.feeAccount(), request.feeAmount(), request.asset()));
        }
        return new TransactionSpec(
                Payout.reserveId(request.id()),
                postings,
                true,
                null,
                Metadata.of("payout", request.id(), "step", "reserve"),
                null);
    }

    private Payout found(String ledger, String id) {
        return store.find(ledger, id).orElseThrow(() -> notFound(id));
    }

    public static ApiException notFound(String id) {
        return ApiException.notFound("payout_not_found", "no payout '" + id + "'");
    }

    // ---- Changes asked for through the API -----------------------------------------------------------

    /**
     * One approval by the caller's principal, bound to the payload hash it reviewed. The principal is
     * the API key's, never a header or a field.
     */
    public Payout approve(String ledger, String id, Actor actor, String payloadHash) {
        PayoutStore.ApprovalOutcome outcome = store.approve(ledger, id, actor, current -> {
            if (current.createdBy().equals(actor.principal())) {
                return "approver_is_creator";
            }
            return current.payloadHash().equals(payloadHash) ? null : "payload_hash_mismatch";
        });
        return switch (outcome) {
            case PayoutStore.ApprovalOutcome.Approved approved -> approved.payout();
            case PayoutStore.ApprovalOutcome.AlreadyApproved ignored ->
                throw new ApiException(
                        409,
                        "already_approved_by_principal",
                        "principal " + actor.principal() + " approved it already");
            case PayoutStore.ApprovalOutcome.Refused refused ->
                throw refusal(refused.payout(), refused.code(), PayoutStatus.APPROVED);
            case PayoutStore.ApprovalOutcome.Missing ignored -> throw notFound(id);
        };
    }

    /**
     * Releases a held payout to the state it was held from. {@code holdReason}, when not null, must be
     * its hold's; a screening hold needs the compliance flag.
     */
    public Payout release(String ledger, String id, String holdReason, boolean compliance, PayoutStore.Audit audit) {
        Payout held = found(ledger, id);
        if (held.status() != PayoutStatus.HELD) {
            throw refusal(held, PayoutStore.INVALID_STATE_TRANSITION, held.status());
        }
        return change(
                ledger,
                id,
                held.heldFrom(),
                current -> current.status() != PayoutStatus.HELD
                        ? PayoutStore.INVALID_STATE_TRANSITION
                        : holdReason != null && !holdReason.equals(current.holdReason())
                                ? "hold_reason_mismatch"
                                : "screening".equals(current.holdReason()) && !compliance ? "needs_compliance" : null,
                PayoutStore.Change.NONE,
                audit);
    }

    /** A change the API asks for: moved, or refused with why (the state table, or the guard's code). */
    public Payout change(
            String ledger,
            String id,
            PayoutStatus to,
            PayoutStore.Guard guard,
            PayoutStore.Change change,
            PayoutStore.Audit audit) {
        PayoutStore.Outcome outcome =
                store.transition(ledger, id, to, guard, change, audit.actor().principal(), audit);
        return switch (outcome) {
            case PayoutStore.Outcome.Moved moved -> {
                metrics.status(moved.payout().connector(), to);
                if (to == PayoutStatus.APPROVED) {
                    jobs.wake();
                }
                yield moved.payout();
            }
            case PayoutStore.Outcome.Refused refused -> throw refusal(refused.payout(), refused.code(), to);
            case PayoutStore.Outcome.Missing ignored -> throw notFound(id);
        };
    }

    private ApiException refusal(Payout payout, String code, PayoutStatus to) {
        return switch (code) {
            case PayoutStore.INVALID_STATE_TRANSITION -> {
                metrics.illegalTransition("api");
                yield new ApiException(
                        409,
                        code,
                        "payout " + payout.id() + " is " + payout.status().code() + "; it cannot become " + to.code());
            }
            case "approver_is_creator" ->
                new ApiException(403, code, "the principal that created the payout cannot approve it");
            case "payload_hash_mismatch" ->
                new ApiException(409, code, "payload_hash is not the payout's: approve exactly what you reviewed");
            case "not_creator" ->
                new ApiException(403, "forbidden", "only an operator or the payout's creator may cancel it");
            case "hold_reason_mismatch" ->
                new ApiException(409, code, "payout " + payout.id() + " is held for " + payout.holdReason());
            case "needs_compliance" ->
                new ApiException(403, "forbidden", "a screening hold is released by a key with the compliance flag");
            default -> new ApiException(409, code, "payout " + payout.id() + " cannot change now");
        };
    }
}
