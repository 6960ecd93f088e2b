package dev.pacioli.ledger;

/**
 * One version of a limit, as stored: the definitions' history, which {@code verify} reads to know which
 * version was in force when each transaction committed. A change takes effect between two journal
 * records, so a version is in force for the transactions whose sequence is greater than {@code
 * afterSequence}, until a later version of the same id replaces or deletes it.
 *
 * @param version 1, 2, 3… per id, deletions included
 * @param afterSequence the ledger's head when the change was made
 * @param changedAtMicros when it was made, microseconds since the epoch
 * @param spec what the limit says from then on; null for a deletion
 */
public record Limit(String id, long version, long afterSequence, long changedAtMicros, LimitSpec spec) {
    public Limit {
        if (version < 1 || afterSequence < 0 || (spec != null && !spec.id().equals(id))) {
            throw new IllegalArgumentException("not a limit version: " + id + " v" + version);
        }
    }

    public boolean deleted() {
        return spec == null;
    }
}
