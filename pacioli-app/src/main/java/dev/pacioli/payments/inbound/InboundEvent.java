package dev.pacioli.payments.inbound;

import dev.pacioli.controls.screening.Subject;
import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A verified provider event, mapped to what it means here. Every event is stored by {@code (connector,
 * providerEventId)} first, so a duplicate has no second effect; {@link Kind#UNKNOWN} is stored and has
 * none.
 *
 * @param providerEventId the provider's id of the event (Stripe {@code evt_…}, a Standard Webhooks
 *     {@code webhook-id}, …): the deduplication key
 * @param providerType the provider's own type ({@code payout.paid}, {@code charge:confirmed}, …)
 * @param kind what it means here
 * @param transferId for a payout's event: the transfer id {@code {ledger}.{payout id}} when the provider
 *     echoes it (the http protocol, Circle's idempotency key), else null
 * @param payoutId for a payout's event: the payout's id when the provider carries it in metadata
 *     ({@code pacioli_payout}), else null
 * @param amount for a deposit: the amount (see {@link Amount}); null otherwise
 * @param providerReference the provider's id of the object (transfer, payment intent, charge)
 * @param failureReason for a failure, the provider's reason
 * @param metadata the object's metadata as the provider sent it: {@code pacioli_ledger}, {@code
 *     pacioli_account}, {@code pacioli_deposit}, {@code commission_plan}, {@code party}, …
 * @param routingReference for a deposit: an address or reference a deposit route may match (a wallet
 *     address, a virtual account number), else null
 * @param originator for a deposit: who sent it, when the provider names them (screened), else null
 */
public record InboundEvent(
        String providerEventId,
        String providerType,
        Kind kind,
        String transferId,
        String payoutId,
        Amount amount,
        String providerReference,
        String failureReason,
        Map<String, String> metadata,
        String routingReference,
        Subject originator) {
    public InboundEvent {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public enum Kind {
        PAYOUT_PAID,
        PAYOUT_FAILED,
        PAYOUT_RETURNED,
        DEPOSIT_PENDING,
        DEPOSIT_SUCCEEDED,
        DEPOSIT_FAILED,
        UNKNOWN
    }

    /**
     * An amount as the provider gave it: either already in the asset's smallest unit (Stripe, the http
     * protocol: {@code minorUnits} true, {@code value} an integer) or a decimal in major units (Circle
     * {@code "3.14"}, Coinbase Commerce); the currency or asset code as the provider names it.
     */
    public record Amount(String value, boolean minorUnits, String currency) {
        /**
         * The ledger's integer amount for an asset of this scale; empty when it is not exact (a decimal
         * with more places than the scale) or not positive.
         */
        public OptionalLong atScale(int scale) {
            try {
                BigDecimal decimal = new BigDecimal(value);
                BigDecimal units = minorUnits ? decimal : decimal.movePointRight(scale);
                long exact = units.longValueExact();
                return exact > 0 ? OptionalLong.of(exact) : OptionalLong.empty();
            } catch (NumberFormatException | ArithmeticException e) {
                return OptionalLong.empty();
            }
        }
    }
}
