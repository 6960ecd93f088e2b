package dev.pacioli.ledger;

/**
 * The answer to a usage question: {@link ResultCode#OK} with the usage, or {@link
 * ResultCode#LIMIT_NOT_FOUND}, {@link ResultCode#ACCOUNT_NOT_FOUND}, {@link
 * ResultCode#LIMIT_NOT_APPLICABLE} (the limit does not cover the account), or a writer's failure.
 */
public record LimitUsageResult(ResultCode code, LimitUsage usage) {}
