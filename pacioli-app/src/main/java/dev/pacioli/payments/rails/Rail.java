package dev.pacioli.payments.rails;

import java.util.Optional;

/**
 * A way money leaves: one payment connector of kind {@code simulator} or {@code http} as the execution
 * worker sees it. A transfer's id is {@code {ledger}.{payout id}} and is the provider's idempotency key:
 * submitting the same id again must never move money twice.
 *
 * <p>An implementation never decides what a payout becomes; it says what the provider answered, or
 * that it cannot know ({@link RailException#outcomeUnknown()}), in which case the worker asks
 * {@link #status} before anything else.
 */
public interface Rail {
    /**
     * Sends a new transfer.
     *
     * @throws RailException when there is no answer to act on: refused before sending (breaker open,
     *     outbound policy; outcome known: nothing was sent), or sent without a usable answer (timeout,
     *     reset, 5xx: outcome unknown)
     */
    TransferResult submit(TransferRequest request) throws RailException, InterruptedException;

    /**
     * What the provider knows of a transfer; empty when it has none by that id (it never received it).
     *
     * @throws RailException when the provider could not be asked
     */
    Optional<TransferResult> status(String transferId) throws RailException, InterruptedException;
}
