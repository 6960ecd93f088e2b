package dev.pacioli.custody;

import java.math.BigInteger;

/**
 * A chain transaction: an intent to send from a wallet ({@code intent}), or a zero-value self-transfer
 * that fills a nonce no intent can use any more ({@code filler}). Its {@code id} is its idempotency key.
 *
 * @param nonce null until signed
 * @param hash and {@code raw}: the latest signed attempt (a replacement changes them)
 * @param minedHash the attempt a receipt was found for, once mined
 */
record ChainTransaction(
        String id,
        long sequence,
        String walletId,
        String chain,
        String address,
        String kind,
        String to,
        BigInteger valueWei,
        byte[] data,
        ChainStatus status,
        String holdReason,
        Long nonce,
        Long gasLimit,
        BigInteger maxFeePerGas,
        BigInteger maxPriorityFeePerGas,
        String hash,
        byte[] raw,
        int replacements,
        Long sentAtMicros,
        String minedHash,
        Long blockNumber,
        String failureReason,
        LedgerPosting ledgerPosting,
        String reserveId,
        String createdBy,
        long createdAtMicros,
        long updatedAtMicros) {
    static final String INTENT = "intent";
    static final String FILLER = "filler";

    /** The ledger transaction reserved at creation, posted on confirmation, voided on failure. */
    record LedgerPosting(String ledger, String from, String to, long amount, String asset) {}

    /** One signed attempt: the first, or a replacement with raised fees. */
    record Attempt(
            int attempt,
            String hash,
            BigInteger maxFeePerGas,
            BigInteger maxPriorityFeePerGas,
            String reason,
            int broadcasts,
            long createdAtMicros) {}
}
