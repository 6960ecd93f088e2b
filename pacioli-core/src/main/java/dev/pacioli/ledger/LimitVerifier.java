package dev.pacioli.ledger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks from the journal and the limits' history that no committed transaction broke a limit in force
 * when it committed. Written apart from the engine's {@code LimitBook} on purpose, and as plainly as
 * possible: it keeps every movement of the longest window ever defined in lists and sums them for each
 * check, so an error of the book's cursors and rings shows up as a disagreement here.
 *
 * <p>A version is in force for the transactions whose sequence is greater than its {@link
 * Limit#afterSequence()}. A transaction counts, per account and side, the sum of its postings there, at
 * its commit time; a pending one counts in full until it is posted (then what was posted) or voided or
 * expired (then nothing). Memory: one small record per movement within the longest window, and one per
 * open pending transaction.
 */
public final class LimitVerifier {
    private final List<Limit> history;
    private int nextVersion;
    private final TreeMap<String, LimitSpec> inForce = new TreeMap<>();
    private final long longestWindowMicros;
    /** Per account and side ("account\u0000d" / "\u0000c"), its movements, oldest first. */
    private final Map<String, ArrayDeque<Movement>> movements = new HashMap<>();

    /** Open pending transactions: what they asked and the movements they made. */
    private final Map<String, Pending> pendings = new HashMap<>();

    private final List<String> failures = new ArrayList<>();
    private long checked;

    private static final class Movement {
        final long atMicros;
        long amount;

        Movement(long atMicros, long amount) {
            this.atMicros = atMicros;
            this.amount = amount;
        }
    }

    private record Pending(TransactionSpec spec, List<Movement> movements) {}

    /** What was checked: transactions checked against at least one limit, and the failures. */
    public record Result(long transactionsChecked, List<String> failures) {}

    private LimitVerifier(List<Limit> history) {
        this.history = history;
        long longest = 0;
        for (Limit version : history) {
            if (!version.deleted() && version.spec().windowSeconds() != null) {
                longest = Math.max(longest, version.spec().windowSeconds() * 1_000_000L);
            }
        }
        this.longestWindowMicros = longest;
    }

    /** @param history every version, ordered by {@link Limit#afterSequence()} (then id, version) */
    public static Result verify(List<Limit> history, Iterator<JournalRecord> journal) {
        LimitVerifier verifier = new LimitVerifier(history);
        while (journal.hasNext()) {
            verifier.replay(journal.next());
        }
        return new Result(verifier.checked, List.copyOf(verifier.failures));
    }

    private void replay(JournalRecord record) {
        while (nextVersion < history.size() && history.get(nextVersion).afterSequence() < record.sequence()) {
            Limit version = history.get(nextVersion++);
            if (version.deleted()) {
                inForce.remove(version.id());
            } else {
                inForce.put(version.id(), version.spec());
            }
        }
        JournalCodec.Decoded decoded = JournalCodec.decode(record.canonical());
        switch (decoded.change()) {
            case JournalCodec.TransactionCreated created -> created(record, created.spec());
            case JournalCodec.TransactionPosted posted -> settle(posted.transactionId(), posted.postedAmounts());
            case JournalCodec.TransactionVoided voided -> settle(voided.transactionId(), null);
            case JournalCodec.TransactionExpired expired -> settle(expired.transactionId(), null);
            default -> {}
        }
    }

    private void created(JournalRecord record, TransactionSpec spec) {
        long at = record.timestampMicros();
        // Per account and side, the transaction's amount; and the asset of each account.
        Map<String, Long> amounts = new LinkedHashMap<>();
        Map<String, String> assets = new HashMap<>();
        for (Posting posting : spec.postings()) {
            amounts.merge(key(posting.from(), LimitDirection.DEBIT), posting.amount(), Long::sum);
            amounts.merge(key(posting.to(), LimitDirection.CREDIT), posting.amount(), Long::sum);
            assets.put(posting.from(), posting.asset());
            assets.put(posting.to(), posting.asset());
        }
        boolean counted = false;
        for (Map.Entry<String, Long> side : amounts.entrySet()) {
            String account = side.getKey().substring(0, side.getKey().length() - 2);
            LimitDirection direction = side.getKey().endsWith("d") ? LimitDirection.DEBIT : LimitDirection.CREDIT;
            for (LimitSpec limit : inForce.values()) {
                if (limit.direction() == direction
                        && limit.asset().equals(assets.get(account))
                        && limit.covers(account)) {
                    counted = true;
                    check(record, spec.id(), account, limit, side.getValue(), side.getKey(), at);
                }
            }
        }
        checked += counted ? 1 : 0;
        List<Movement> made = new ArrayList<>();
        for (Map.Entry<String, Long> side : amounts.entrySet()) {
            ArrayDeque<Movement> list = movements.computeIfAbsent(side.getKey(), key -> new ArrayDeque<>());
            while (!list.isEmpty() && list.peekFirst().atMicros <= at - longestWindowMicros) {
                list.removeFirst();
            }
            Movement movement = new Movement(at, side.getValue());
            list.addLast(movement);
            made.add(movement);
        }
        if (spec.pending()) {
            pendings.put(spec.id(), new Pending(spec, made));
        }
    }

    private void check(
            JournalRecord record,
            String transactionId,
            String account,
            LimitSpec limit,
            long amount,
            String key,
            long at) {
        Long perTransaction = limit.maxAmountPerTransaction();
        boolean broken = perTransaction != null && amount > perTransaction;
        if (limit.windowSeconds() != null) {
            long used = 0;
            long count = 0;
            for (Movement movement : movements.getOrDefault(key, new ArrayDeque<>())) {
                if (movement.atMicros > at - limit.windowSeconds() * 1_000_000L && movement.amount > 0) {
                    used += movement.amount;
                    count++;
                }
            }
            broken |= limit.maxAmountPerWindow() != null && used + amount > limit.maxAmountPerWindow();
            broken |= limit.maxCountPerWindow() != null && count + 1 > limit.maxCountPerWindow();
        }
        if (broken && failures.size() < LedgerVerifier.FAILURES_MAX) {
            failures.add("sequence " + record.sequence() + ": transaction " + transactionId + " broke limit "
                    + limit.id() + " on account " + account);
        }
    }

    /** A pending transaction ended: each of its movements now counts what was posted of it, or nothing. */
    private void settle(String transactionId, long[] postedAmounts) {
        Pending pending = pendings.remove(transactionId);
        if (pending == null) {
            return; // the journal has no such pending: LedgerVerifier reports that
        }
        // The movements were made in the order of the sides' first postings; the posted sums follow it.
        Map<String, Long> posted = new LinkedHashMap<>();
        List<Posting> postings = pending.spec().postings();
        for (int i = 0; i < postings.size(); i++) {
            long amount = postedAmounts == null ? 0 : postedAmounts[i];
            posted.merge(key(postings.get(i).from(), LimitDirection.DEBIT), amount, Long::sum);
            posted.merge(key(postings.get(i).to(), LimitDirection.CREDIT), amount, Long::sum);
        }
        int i = 0;
        for (long amount : posted.values()) {
            pending.movements().get(i++).amount = amount;
        }
    }

    private static String key(String account, LimitDirection direction) {
        return account + (direction == LimitDirection.DEBIT ? "\u0000d" : "\u0000c");
    }
}
