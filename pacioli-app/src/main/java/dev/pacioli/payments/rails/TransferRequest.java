package dev.pacioli.payments.rails;

import java.util.Map;

/**
 * A transfer as the rail protocol sends it: {@code POST {base_url}/transfers} with {@code
 * Idempotency-Key: <id>} and this as the body.
 *
 * @param id {@code {ledger}.{payout id}}
 * @param amount in the asset's smallest unit (the ledger's integer amount)
 * @param destination the payout's destination object as JSON text, passed through as it is
 * @param metadata the payout's metadata (the simulator reads {@code simulate})
 */
public record TransferRequest(String id, long amount, String asset, String destination, Map<String, String> metadata) {
    public TransferRequest {
        metadata = Map.copyOf(metadata);
    }
}
