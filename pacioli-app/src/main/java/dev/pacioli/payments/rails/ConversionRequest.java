package dev.pacioli.payments.rails;

/**
 * A conversion asked of a provider (the open rail protocol's {@code POST /conversions}): {@code id} is
 * {@code {ledger}.{conversion id}}, also the {@code Idempotency-Key}; {@code fromAmount} in the minor
 * units of {@code fromAsset}.
 */
public record ConversionRequest(String id, String fromAsset, String toAsset, long fromAmount) {
    public ConversionRequest {
        if (fromAmount <= 0) {
            throw new IllegalArgumentException("a conversion's from_amount is positive");
        }
    }
}
