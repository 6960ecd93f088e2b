package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.Metadata;
import java.util.List;

/**
 * A payout as stored and shown (payments.md, Payouts).
 *
 * @param destination the destination object as JSON text, exactly as given
 * @param feeAmount null for no fee (then {@code feeAccount} is null too)
 * @param heldFrom the status a held payout returns to on release; null unless held
 * @param payloadHash SHA-256 (hex) of the canonical form of what decides where money goes ({@link
 *     PayoutRequest#payloadHash})
 * @param submittedVia the connector the worker sent it through (the payout's, or a fallback); null
 *     until submitted
 */
public record Payout(
        String ledger,
        String id,
        String source,
        long amount,
        String asset,
        String connector,
        String destination,
        Long feeAmount,
        String feeAccount,
        PayoutStatus status,
        String holdReason,
        PayoutStatus heldFrom,
        int approvalsRequired,
        List<Approval> approvals,
        Long approvalExpiresAtMicros,
        String payloadHash,
        String requestHash,
        String submittedVia,
        String providerReference,
        String failureReason,
        int attempts,
        String createdBy,
        Metadata metadata,
        String description,
        long createdAtMicros,
        long updatedAtMicros,
        long statusSinceMicros) {
    public Payout {
        approvals = List.copyOf(approvals);
    }

    /** One principal's approval. */
    public record Approval(String principal, long atMicros) {}

    /** The transfer id the provider sees, and its idempotency key: {@code {ledger}.{payout id}}. */
    public String transferId() {
        return transferId(ledger, id);
    }

    public static String transferId(String ledger, String id) {
        return ledger + "." + id;
    }

    /** The pending ledger transaction that holds the money while the payout runs. */
    public String reserveId() {
        return reserveId(id);
    }

    public static String reserveId(String id) {
        return "payout:" + id + ":reserve";
    }

    /** The ledger transaction that gives a returned payout's amount back to its source. */
    public String returnId() {
        return "payout:" + id + ":return";
    }

    /** The ids of the ledger transactions it has made so far, in order. */
    public List<String> ledgerTransactions() {
        return status == PayoutStatus.RETURNED ? List.of(reserveId(), returnId()) : List.of(reserveId());
    }

    public Payout with(PayoutStatus next) {
        return new Payout(
                ledger,
                id,
                source,
                amount,
                asset,
                connector,
                destination,
                feeAmount,
                feeAccount,
                next,
                holdReason,
                heldFrom,
                approvalsRequired,
                approvals,
                approvalExpiresAtMicros,
                payloadHash,
                requestHash,
                submittedVia,
                providerReference,
                failureReason,
                attempts,
                createdBy,
                metadata,
                description,
                createdAtMicros,
                updatedAtMicros,
                statusSinceMicros);
    }
}
