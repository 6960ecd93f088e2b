package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a batch reads before it executes: the transactions its requests and the deadlines due name, the
 * accounts they touch, the assets of accounts it opens. The writer's prefetch loads whichever of these
 * memory lacks (mutable sets: it removes what it finds in memory).
 */
record BatchReads(Set<String> transactionIds, Set<String> accountIds, Set<String> assets) {
    static BatchReads of(List<Command> batch, List<PendingDeadline> due) {
        BatchReads reads = new BatchReads(new HashSet<>(), new HashSet<>(), new HashSet<>());
        for (PendingDeadline deadline : due) {
            reads.transactionIds.add(deadline.transactionId());
        }
        for (Command command : batch) {
            switch (command) {
                case Command.CreateAccount create -> {
                    reads.accountIds.add(create.spec.id());
                    reads.assets.add(create.spec.asset());
                }
                case Command.CloseAccount close -> reads.accountIds.add(close.accountId);
                case Command.CreateTransactions create -> {
                    for (TransactionSpec spec : create.specs) {
                        reads.transactionIds.add(spec.id());
                        addAccounts(spec, reads.accountIds);
                    }
                }
                case Command.Resolve resolve ->
                    resolve.prefetch(reads.transactionIds, spec -> addAccounts(spec, reads.accountIds));
                case Command.Reverse reverse -> {
                    reads.transactionIds.add(reverse.originalId);
                    reads.transactionIds.add(reverse.reversalId);
                }
                case Command.LimitCommand limit -> {}
            }
        }
        return reads;
    }

    static void addAccounts(TransactionSpec spec, Set<String> accountIds) {
        for (Posting posting : spec.postings()) {
            accountIds.add(posting.from());
            accountIds.add(posting.to());
        }
    }
}
