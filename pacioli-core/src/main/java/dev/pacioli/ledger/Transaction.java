package dev.pacioli.ledger;

import java.util.List;

/**
 * A committed transaction as it stands now. Immutable: a post, void, expiry or reversal makes a new
 * instance.
 *
 * @param reverses the id of the transaction this one reverses, or null
 * @param sequence the journal sequence of its creation
 * @param committedAtMicros when it was created, microseconds since the epoch
 * @param hash the journal hash of its creation record
 * @param expiresAtMicros when a pending transaction expires, or 0 for never
 * @param postedAmounts for a pending transaction that was posted, the amount posted per posting;
 *     otherwise null
 * @param reversedBy the id of the transaction that reversed this one, or null
 */
public record Transaction(
        TransactionSpec spec,
        String reverses,
        TransactionStatus status,
        long sequence,
        long committedAtMicros,
        byte[] hash,
        long expiresAtMicros,
        List<Long> postedAmounts,
        String reversedBy) {
    public String id() {
        return spec.id();
    }

    public Transaction withStatus(TransactionStatus newStatus, List<Long> newPostedAmounts) {
        return new Transaction(
                spec,
                reverses,
                newStatus,
                sequence,
                committedAtMicros,
                hash,
                expiresAtMicros,
                newPostedAmounts,
                reversedBy);
    }

    public Transaction withReversedBy(String reversalId) {
        return new Transaction(
                spec, reverses, status, sequence, committedAtMicros, hash, expiresAtMicros, postedAmounts, reversalId);
    }

    /** The amount that moved on the posted side for posting {@code index}. */
    public long postedAmount(int index) {
        if (postedAmounts != null) {
            return postedAmounts.get(index);
        }
        return status == TransactionStatus.POSTED ? spec.postings().get(index).amount() : 0;
    }
}
