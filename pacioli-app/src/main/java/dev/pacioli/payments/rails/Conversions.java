package dev.pacioli.payments.rails;

import java.util.Optional;

/**
 * The conversion part of the open rail protocol (treasury.md): a rail that also converts between
 * assets. As for transfers, the id is the provider's idempotency key, an unknown outcome is a {@link
 * RailException} with {@code outcomeUnknown}, and the caller asks {@link #conversionStatus} before it
 * sends anything again.
 */
public interface Conversions {
    /** Whether this provider converts {@code fromAsset} into {@code toAsset}. */
    boolean converts(String fromAsset, String toAsset);

    ConversionResult convert(ConversionRequest request) throws RailException, InterruptedException;

    /** What the provider knows of a conversion; empty when it never received it. */
    Optional<ConversionResult> conversionStatus(String id) throws RailException, InterruptedException;
}
