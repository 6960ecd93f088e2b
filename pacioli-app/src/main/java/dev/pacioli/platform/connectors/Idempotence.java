package dev.pacioli.platform.connectors;

/**
 * What a caller declares about a call: only an {@link #IDEMPOTENT} call is retried by its connector,
 * since sending it twice has the effect of sending it once. A call that moves money outside is
 * idempotent only when it carries an idempotency key the other end honours.
 */
public enum Idempotence {
    IDEMPOTENT,
    NOT_IDEMPOTENT
}
