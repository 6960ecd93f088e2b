package dev.pacioli.platform.audit;

/**
 * One record of the audit log as stored. {@code action} is the stored code, so a record reads back
 * even if it names an action this version does not know.
 *
 * @param atMicros when it was appended (microseconds since the epoch); never before the record before
 */
public record AuditRecord(
        long sequence,
        String id,
        long atMicros,
        String principal,
        String keyId,
        String action,
        String objectType,
        String objectId,
        String ledger,
        String requestId,
        String sourceIp,
        String reason,
        String before,
        String after,
        byte[] hash) {
    public static String idOf(long sequence) {
        return "aud_" + sequence;
    }
}
