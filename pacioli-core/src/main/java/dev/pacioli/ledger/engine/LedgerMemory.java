package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.PendingDeadline;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the writer of one ledger holds in memory between batches: the journal head, a bounded cache of
 * accounts, the assets known to exist, and the deadlines of every pending transaction that can expire.
 * Owned by the writer thread; nothing else reads or writes it.
 */
final class LedgerMemory {
    final long ledgerId;
    final String ledgerName;

    long sequence;
    /**
     * The head's hash between batches. While a batch executes, its journal carries the chain ({@link
     * dev.pacioli.ledger.JournalColumns}) and this is the hash the batch started from, until the batch is
     * written or finished.
     */
    byte[] hash;

    long timestampMicros;

    /** Access-ordered, so eviction after a batch drops the accounts used least recently. */
    final LinkedHashMap<String, AccountState> accounts = new LinkedHashMap<>(1024, 0.75f, true);

    final Set<String> assets = new HashSet<>();

    /** The limits in force and their usage; rebuilt from storage with the rest of memory. */
    final LimitBook limits = new LimitBook();

    final TreeSet<PendingDeadline> deadlines = new TreeSet<>(
            Comparator.comparingLong(PendingDeadline::expiresAtMicros).thenComparing(PendingDeadline::transactionId));

    LedgerMemory(long ledgerId, String ledgerName) {
        this.ledgerId = ledgerId;
        this.ledgerName = ledgerName;
    }

    void reset(LedgerHead head) {
        sequence = head.sequence();
        hash = head.hash();
        timestampMicros = head.timestampMicros();
        accounts.clear();
        deadlines.clear();
    }

    LedgerHead head() {
        return new LedgerHead(sequence, hash, timestampMicros);
    }

    /** Drops the least recently used accounts beyond {@code accountCacheMax}, except those in {@code keep}. */
    void evictAccountsBeyond(int accountCacheMax, Set<String> keep) {
        var iterator = accounts.keySet().iterator();
        while (accounts.size() > accountCacheMax && iterator.hasNext()) {
            if (!keep.contains(iterator.next())) {
                iterator.remove();
            }
        }
    }
}
