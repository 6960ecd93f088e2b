package dev.pacioli.payments.connectors;

import dev.pacioli.payments.inbound.InboundConfig;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A payment connector (payments.md, Connectors): a rail money leaves through, a provider whose
 * webhooks come in, or both.
 *
 * @param assets each asset it moves → the provider account on the ledger that stands for the money
 *     held at the provider (debit-normal, created on every ledger that uses it)
 * @param config the kind's settings ({@code base_url}, {@code latency_ms}): no secret
 * @param inbound how its webhooks are verified and what they are; null when it takes none
 * @param priority lower values are tried first when a payout is routed to a fallback
 */
public record PaymentConnector(
        String id,
        Kind kind,
        Map<String, String> assets,
        JsonNode config,
        InboundConfig inbound,
        int priority,
        long createdAtMicros,
        long updatedAtMicros) {
    public PaymentConnector {
        assets = Map.copyOf(assets);
    }

    public enum Kind {
        SIMULATOR,
        HTTP,
        INBOUND,
        /** A chain node's JSON-RPC (custody.md): no money leaves through it here; custody sends through it. */
        EVM_RPC;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Map<String, Kind> byCode() {
            return Map.of("simulator", SIMULATOR, "http", HTTP, "inbound", INBOUND, "evm_rpc", EVM_RPC);
        }

        /** Whether money can leave through it. */
        public boolean sends() {
            return this != INBOUND && this != EVM_RPC;
        }
    }

    /** The provider account of an asset on every ledger, or null when it does not move the asset. */
    public String providerAccount(String asset) {
        return assets.get(asset);
    }
}
