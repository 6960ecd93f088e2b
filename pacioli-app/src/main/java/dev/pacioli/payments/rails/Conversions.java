package dev.pacioli.payments.rails;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The conversion part of the open rail protocol (treasury.md): a rail that also converts between
 * assets. As for transfers, the id is the provider's idempotency key, an unknown outcome is a {@link
 * RailException} with {@code outcomeUnknown}, and the caller asks {@link #conversionStatus} before it
 * sends anything again.
 */
public interface Conversions {
    /** Digits after the point of a rate worked out here (an estimate from two amounts). */
    int RATE_DIGITS = 18;

    /** Whether this provider converts {@code fromAsset} into {@code toAsset}. */
    boolean converts(String fromAsset, String toAsset);

    /**
     * The effective rate this provider would convert at now (minor units of {@code toAsset} per minor unit
     * of {@code fromAsset}, fees taken), when it can say so without a call; empty when it cannot (the open
     * rail protocol has no quote call: a provider's rate is known from its answers).
     */
    default Optional<BigDecimal> quote(String fromAsset, String toAsset) {
        return Optional.empty();
    }

    ConversionResult convert(ConversionRequest request) throws RailException, InterruptedException;

    /** What the provider knows of a conversion; empty when it never received it. */
    Optional<ConversionResult> conversionStatus(String id) throws RailException, InterruptedException;
}
