package dev.pacioli.postgres;

import dev.pacioli.ledger.TransactionStatus;
import java.util.Map;

/**
 * Which transactions a list holds; every condition given must hold, a null one holds for all.
 *
 * @param account an account that one of the transaction's postings moves money from or to
 * @param metadata keys and values the transaction's metadata must all contain
 */
public record TransactionFilter(String account, TransactionStatus status, Map<String, String> metadata) {
    public static final TransactionFilter ALL = new TransactionFilter(null, null, Map.of());

    public TransactionFilter {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
