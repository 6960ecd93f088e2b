package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.AccountColumns;
import dev.pacioli.ledger.EntryColumns;
import dev.pacioli.ledger.JournalColumns;
import dev.pacioli.ledger.Transaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The columns one batch writes into and its {@link BatchWrite} carries to the commit. Reused: the
 * writer fills them, a commit thread reads them, and they come back with {@link BatchExecutor#reclaim}.
 */
final class BatchColumns {
    final JournalColumns journal = new JournalColumns();
    final AccountColumns accountsCreated = new AccountColumns();
    final AccountColumns accountsUpdated = new AccountColumns();
    final EntryColumns entries = new EntryColumns(journal);
    final ArrayList<Transaction> transactionsCreated = new ArrayList<>();
    final ArrayList<Transaction> transactionsUpdated = new ArrayList<>();
    final List<Transaction> transactionsCreatedView = Collections.unmodifiableList(transactionsCreated);
    final List<Transaction> transactionsUpdatedView = Collections.unmodifiableList(transactionsUpdated);

    void start(byte[] previousHash) {
        journal.start(previousHash);
        accountsCreated.reset();
        accountsUpdated.reset();
        entries.clear();
        transactionsCreated.clear();
        transactionsUpdated.clear();
    }
}
