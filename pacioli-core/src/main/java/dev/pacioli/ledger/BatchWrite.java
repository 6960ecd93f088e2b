package dev.pacioli.ledger;

import java.util.List;

/**
 * Everything one writer batch commits, in one database transaction. Rows are final states: an account
 * created and then moved within the batch appears once, in {@code accountsCreated}, as it stands at the
 * end of the batch.
 *
 * <p>The journal, entries and accounts are columns ({@link JournalColumns}, {@link EntryColumns},
 * {@link AccountColumns}) that the writer reuses for a later batch once this one's commit has
 * finished, so a store reads them during {@link LedgerStore#commit} and keeps nothing of them after it
 * returns (it copies out what it keeps). The transactions are immutable values; the lists holding them
 * are read-only and reused the same way.
 *
 * @param previousSequence the head this batch was executed against; the store refuses the commit if the
 *     stored head is not this one (a fencing check against a second writer)
 * @param head the head after this batch
 * @param attachments what the requests that took effect asked to commit with them ({@link
 *     CommitAttachment}), in request order; empty for nearly every batch
 */
public record BatchWrite(
        long ledgerId,
        long previousSequence,
        LedgerHead head,
        JournalColumns journal,
        AccountColumns accountsCreated,
        AccountColumns accountsUpdated,
        List<Transaction> transactionsCreated,
        List<Transaction> transactionsUpdated,
        EntryColumns entries,
        List<CommitAttachment> attachments) {
    /** A batch without attachments. */
    public BatchWrite(
            long ledgerId,
            long previousSequence,
            LedgerHead head,
            JournalColumns journal,
            AccountColumns accountsCreated,
            AccountColumns accountsUpdated,
            List<Transaction> transactionsCreated,
            List<Transaction> transactionsUpdated,
            EntryColumns entries) {
        this(
                ledgerId,
                previousSequence,
                head,
                journal,
                accountsCreated,
                accountsUpdated,
                transactionsCreated,
                transactionsUpdated,
                entries,
                List.of());
    }

    public boolean isEmpty() {
        return journal.isEmpty();
    }
}
