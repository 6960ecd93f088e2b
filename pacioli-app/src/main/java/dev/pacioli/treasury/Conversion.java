package dev.pacioli.treasury;

import java.util.List;

/**
 * A conversion between two assets through a provider (treasury.md, Conversions), or the row of a
 * one-off. Amounts in minor units; {@code rate} the provider's exact decimal string.
 *
 * @param buffer the buffer it serves, null for a one-off
 * @param purpose {@code top_up}, {@code sweep} or {@code one_off}
 * @param providers the candidates, in the order they are tried (priority, then the buffer's list)
 * @param tried providers that failed it, in order
 * @param provider the provider it is with (submitted), or was last with; null before the first
 * @param reserveTransaction the pending ledger transaction holding {@code from_amount}, once made
 */
public record Conversion(
        String ledger,
        String id,
        String buffer,
        String cycle,
        String purpose,
        String fromAccount,
        String toAccount,
        String fromAsset,
        String toAsset,
        long fromAmount,
        Long toAmount,
        String rate,
        List<String> providers,
        List<String> tried,
        String provider,
        String reserveTransaction,
        ConversionStatus status,
        String holdReason,
        String failureReason,
        int timeoutSeconds,
        Long deadlineMicros,
        String createdBy,
        long createdAtMicros,
        long updatedAtMicros) {
    public Conversion {
        providers = List.copyOf(providers);
        tried = List.copyOf(tried);
    }

    /** The id a provider knows it by, and its idempotency key: {@code {ledger}.{id}}. */
    public String providerId() {
        return ledger + "." + id;
    }

    /** The reserve's id for the n-th provider: {@code conversion:{id}:reserve}, then {@code …:reserve.2}. */
    public String reserveIdFor(int attempt) {
        return "conversion:" + id + ":reserve" + (attempt <= 1 ? "" : "." + attempt);
    }

    public String deliverId() {
        return "conversion:" + id + ":deliver";
    }

    /** One step of a conversion's history. */
    public record Step(
            long atMicros,
            String actor,
            String kind,
            String fromStatus,
            String toStatus,
            String provider,
            String reason,
            List<String> transactions) {}
}
