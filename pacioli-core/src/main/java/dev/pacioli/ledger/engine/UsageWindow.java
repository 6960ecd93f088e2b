package dev.pacioli.ledger.engine;

/**
 * One account's movements on one side (debits or credits) within the longest window of the limits
 * that count them: a ring of (commit time, amount) in commit order, one element per transaction, kept
 * as two primitive arrays so recording a movement allocates nothing once the ring has grown.
 *
 * <p>Elements are named by absolute indices that only grow ({@code head} ≤ i < {@code tail}), so a
 * limit's cursor into the ring stays valid while older elements are dropped. Times strictly increase:
 * each transaction is one journal record, and a ledger's record timestamps strictly increase.
 */
final class UsageWindow {
    private long[] times = new long[4];
    private long[] amounts = new long[4];
    long head;
    long tail;

    private int slot(long index) {
        return (int) (index & (times.length - 1));
    }

    long time(long index) {
        return times[slot(index)];
    }

    long amount(long index) {
        return amounts[slot(index)];
    }

    void setAmount(long index, long amount) {
        amounts[slot(index)] = amount;
    }

    void append(long time, long amount) {
        if (tail - head == times.length) {
            grow();
        }
        times[slot(tail)] = time;
        amounts[slot(tail)] = amount;
        tail++;
    }

    void removeLast() {
        tail--;
        head = Math.min(head, tail);
    }

    /** Forgets the elements before {@code index}: no limit counts them any more. */
    void dropBefore(long index) {
        head = Math.max(head, Math.min(index, tail));
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** The index of the element committed at {@code time}, or -1 when the ring no longer holds it. */
    long find(long time) {
        long low = head;
        long high = tail - 1;
        while (low <= high) {
            long middle = (low + high) >>> 1;
            long found = time(middle);
            if (found < time) {
                low = middle + 1;
            } else if (found > time) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -1;
    }

    private void grow() {
        int capacity = times.length * 2;
        long[] newTimes = new long[capacity];
        long[] newAmounts = new long[capacity];
        for (long i = head; i < tail; i++) {
            newTimes[(int) (i & (capacity - 1))] = time(i);
            newAmounts[(int) (i & (capacity - 1))] = amount(i);
        }
        times = newTimes;
        amounts = newAmounts;
    }
}
