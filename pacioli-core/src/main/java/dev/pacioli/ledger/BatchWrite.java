package dev.pacioli.ledger;

import java.util.List;

/**
 * Everything one writer batch commits, in one database transaction. Rows are final states: an account
 * created and then moved within the batch appears once, in {@code accountsCreated}, as it stands at the
 * end of the batch.
 *
 * @param previousSequence the head this batch was executed against; the store refuses the commit if the
 *     stored head is not this one (a fencing check against a second writer)
 * @param head the head after this batch
 */
public record BatchWrite(
        long ledgerId,
        long previousSequence,
        LedgerHead head,
        List<JournalRecord> journal,
        List<Account> accountsCreated,
        List<Account> accountsUpdated,
        List<Transaction> transactionsCreated,
        List<Transaction> transactionsUpdated,
        List<Entry> entries) {
    public boolean isEmpty() {
        return journal.isEmpty();
    }
}
