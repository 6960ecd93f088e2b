package dev.pacioli.custody;

import java.nio.charset.StandardCharsets;

/** What a wallet's ciphertext is bound to: {@code wallet_id|chain|address}, its associated data. */
public record WalletIdentity(String id, String chain, String address) {
    public byte[] associatedData() {
        return (id + "|" + chain + "|" + address).getBytes(StandardCharsets.UTF_8);
    }
}
