package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Limits;

/**
 * The writer's limits. Their relations are checked once, here, at startup.
 *
 * @param queueCapacity requests waiting for the writer; when full, new requests are answered
 *     {@code overloaded} at once
 * @param batchOperationsMax transactions (plus other requests, one each) the writer executes and
 *     commits together; a single request larger than this still runs, alone
 * @param accountCacheMax accounts kept in memory between batches
 * @param expiriesPerBatchMax pending transactions expired per batch, so a backlog of expiries cannot
 *     starve client requests
 * @param idlePollMillis how long the idle writer waits before it looks for due expiries
 */
public record EngineConfig(
        int queueCapacity, int batchOperationsMax, int accountCacheMax, int expiriesPerBatchMax, long idlePollMillis) {
    public static final EngineConfig DEFAULTS = new EngineConfig(16_384, 8_192, 1_000_000, 1_024, 100);

    public EngineConfig {
        require(queueCapacity >= 1, "queueCapacity must be at least 1");
        require(batchOperationsMax >= 1, "batchOperationsMax must be at least 1");
        require(expiriesPerBatchMax >= 1, "expiriesPerBatchMax must be at least 1");
        require(idlePollMillis >= 1 && idlePollMillis <= 60_000, "idlePollMillis must be 1..60000");
        // Every account one full batch can touch must fit in the cache while the batch runs.
        long accountsPerBatchMax = (long) Math.max(batchOperationsMax, Limits.TRANSACTIONS_PER_BATCH_MAX)
                * Limits.POSTINGS_PER_TRANSACTION_MAX
                * 2;
        require(
                accountCacheMax >= Math.min(accountsPerBatchMax, 100_000),
                "accountCacheMax must hold the accounts of a full batch (at least "
                        + Math.min(accountsPerBatchMax, 100_000) + ")");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
