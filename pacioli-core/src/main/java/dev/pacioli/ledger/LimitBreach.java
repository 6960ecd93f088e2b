package dev.pacioli.ledger;

/**
 * Why a transaction answered {@link ResultCode#LIMIT_EXCEEDED}: the first limit it would break, the
 * account, and the largest amount one transaction could still move on that side of the account under
 * that limit now (0 when its count is used up).
 */
public record LimitBreach(String limitId, String accountId, long remaining) {}
