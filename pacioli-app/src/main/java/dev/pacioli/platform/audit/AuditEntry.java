package dev.pacioli.platform.audit;

import java.util.Objects;

/**
 * What an action did, for the audit log: the action, the object it acted on, the ledger when the
 * object belongs to one, why (when the caller said), and the object before and after as JSON objects
 * ({@link AuditJson}). Never a secret: before and after name that a secret changed, not what it is.
 *
 * @param before null for a creation
 * @param after null for a deletion
 */
public record AuditEntry(
        AuditAction action, String objectId, String ledger, String reason, String before, String after) {
    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(objectId, "objectId");
    }

    public static AuditEntry of(AuditAction action, String objectId, String before, String after) {
        return new AuditEntry(action, objectId, null, null, before, after);
    }

    public AuditEntry inLedger(String ledgerName) {
        return new AuditEntry(action, objectId, ledgerName, reason, before, after);
    }

    public AuditEntry because(String why) {
        return new AuditEntry(action, objectId, ledger, why, before, after);
    }
}
