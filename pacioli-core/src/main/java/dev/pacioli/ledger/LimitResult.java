package dev.pacioli.ledger;

/**
 * The answer to a change of a limit: {@link ResultCode#CREATED}, {@link ResultCode#OK} (replaced or
 * deleted), {@link ResultCode#EXISTS} (the identical limit is in force; nothing changed), or a failure.
 * {@code limit} is the version now in force (for a deletion, the one deleted); null on a failure.
 */
public record LimitResult(ResultCode code, Limit limit) {}
