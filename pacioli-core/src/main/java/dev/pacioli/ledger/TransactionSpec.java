package dev.pacioli.ledger;

import java.util.List;
import java.util.Objects;

/**
 * What a client asks for when it creates a transaction. The id is the idempotency key: the same id
 * with an equal spec is a replay, with any other spec a conflict.
 */
public record TransactionSpec(
        String id,
        List<Posting> postings,
        boolean pending,
        Long timeoutSeconds,
        Metadata metadata,
        String description) {
    public TransactionSpec {
        Objects.requireNonNull(metadata, "metadata");
        if (!Limits.isIdentifier(id)) {
            throw new IllegalArgumentException("transaction id does not match the identifier pattern: " + id);
        }
        postings = List.copyOf(postings);
        if (postings.isEmpty() || postings.size() > Limits.POSTINGS_PER_TRANSACTION_MAX) {
            throw new IllegalArgumentException(
                    "a transaction has 1 to " + Limits.POSTINGS_PER_TRANSACTION_MAX + " postings");
        }
        if (timeoutSeconds != null) {
            if (!pending) {
                throw new IllegalArgumentException("timeout_seconds applies to pending transactions only");
            }
            if (timeoutSeconds <= 0 || timeoutSeconds > Limits.PENDING_TIMEOUT_SECONDS_MAX) {
                throw new IllegalArgumentException("timeout_seconds is 1 to " + Limits.PENDING_TIMEOUT_SECONDS_MAX);
            }
        }
        String problem = descriptionProblem(description);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why this is not an acceptable description, or null when it is (null is: there is none). */
    public static String descriptionProblem(String description) {
        if (description == null) {
            return null;
        }
        if (description.length() > Limits.DESCRIPTION_LENGTH_MAX) {
            return "description is at most " + Limits.DESCRIPTION_LENGTH_MAX + " characters";
        }
        return Limits.isStorableText(description) ? null : "description is well-formed text without U+0000";
    }

    public static TransactionSpec posted(String id, Posting... postings) {
        return new TransactionSpec(id, List.of(postings), false, null, Metadata.EMPTY, null);
    }

    public static TransactionSpec pending(String id, Long timeoutSeconds, Posting... postings) {
        return new TransactionSpec(id, List.of(postings), true, timeoutSeconds, Metadata.EMPTY, null);
    }
}
