package dev.pacioli.payments.commissions;

/**
 * A party of a ledger: someone commissions are paid to or for, and who referred them.
 *
 * @param referrer the party that referred this one, or null for none
 */
public record Party(String id, String referrer, long createdAtMicros, long updatedAtMicros) {}
