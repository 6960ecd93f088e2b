package dev.pacioli.ledger;

/**
 * A change of a limit that the writer is about to commit: {@code before} is the version in force (null
 * when the limit is created), {@code after} the new one ({@link Limit#deleted()} when it is deleted).
 */
public record LimitChange(Limit before, Limit after) {
    /** {@code created}, {@code replaced} or {@code deleted}: the verb of its audit action and event. */
    public String verb() {
        return before == null ? "created" : after.deleted() ? "deleted" : "replaced";
    }
}
