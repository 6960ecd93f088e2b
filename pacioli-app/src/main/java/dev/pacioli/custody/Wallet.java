package dev.pacioli.custody;

/**
 * A hot wallet: a secp256k1 key generated inside the service, sealed at rest, never returned.
 *
 * @param chain {@code evm:<chain id>}
 * @param address the EIP-55 checksummed address derived from the key
 * @param keyId the data key its private key is sealed under
 */
public record Wallet(
        String id, long sequence, String chain, String label, String address, String keyId, long createdAtMicros) {
    public WalletIdentity identity() {
        return new WalletIdentity(id, chain, address);
    }
}
