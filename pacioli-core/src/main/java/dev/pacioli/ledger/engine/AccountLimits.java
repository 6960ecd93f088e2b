package dev.pacioli.ledger.engine;

/**
 * The limits covering one account and what it has used of each: per rule, the sum and count of the
 * window's elements from its cursor on (those inside its window), over the account's {@link
 * UsageWindow} of that side. Rules are in limit id order, so a refusal names the same limit every time.
 */
final class AccountLimits {
    final LimitRule[] rules;
    /** By side: debits, credits; null for a side that no rule with a window counts. */
    final UsageWindow[] windows = new UsageWindow[2];

    final long[] sums;
    final long[] counts;
    final long[] cursors;
    /** Dropped from the book (swept or rebuilt): an account holding it must look again. */
    boolean detached;

    AccountLimits(LimitRule[] rules) {
        this.rules = rules;
        this.sums = new long[rules.length];
        this.counts = new long[rules.length];
        this.cursors = new long[rules.length];
        for (LimitRule rule : rules) {
            if (rule.windowMicros > 0 && windows[rule.side] == null) {
                windows[rule.side] = new UsageWindow();
            }
        }
    }

    /** Moves rule {@code r}'s cursor past the elements committed at or before {@code at} minus its window. */
    void advance(int r, long at) {
        LimitRule rule = rules[r];
        if (rule.windowMicros == 0) {
            return;
        }
        UsageWindow window = windows[rule.side];
        long cut = at - rule.windowMicros;
        long cursor = cursors[r];
        while (cursor < window.tail && window.time(cursor) <= cut) {
            long amount = window.amount(cursor);
            sums[r] -= amount;
            counts[r] -= amount > 0 ? 1 : 0;
            cursor++;
        }
        cursors[r] = cursor;
    }

    /** Records a movement on one side, counted by every rule with a window there. */
    void append(int side, long at, long amount) {
        windows[side].append(at, amount);
        for (int r = 0; r < rules.length; r++) {
            if (rules[r].side == side && rules[r].windowMicros > 0) {
                sums[r] += amount;
                counts[r]++;
            }
        }
    }

    /** Takes back the last movement of one side: an undo. */
    void removeLast(int side) {
        UsageWindow window = windows[side];
        long index = window.tail - 1;
        long amount = window.amount(index);
        for (int r = 0; r < rules.length; r++) {
            if (rules[r].side != side || rules[r].windowMicros == 0) {
                continue;
            }
            if (cursors[r] > index) {
                cursors[r] = index; // it had left this rule's window, taking its amount with it
            } else {
                sums[r] -= amount;
                counts[r] -= amount > 0 ? 1 : 0;
            }
        }
        window.removeLast();
    }

    /** Changes the amount of one movement (a pending posted in part, voided or expired, or an undo). */
    void setAmount(int side, long index, long amount) {
        UsageWindow window = windows[side];
        if (index < window.head) {
            return; // out of every window already
        }
        long previous = window.amount(index);
        for (int r = 0; r < rules.length; r++) {
            if (rules[r].side == side && rules[r].windowMicros > 0 && cursors[r] <= index) {
                sums[r] += amount - previous;
                counts[r] += (amount > 0 ? 1 : 0) - (previous > 0 ? 1 : 0);
            }
        }
        window.setAmount(index, amount);
    }

    /** Drops what every rule of that side has left behind. */
    void trim(int side) {
        long lowest = Long.MAX_VALUE;
        for (int r = 0; r < rules.length; r++) {
            if (rules[r].side == side && rules[r].windowMicros > 0) {
                lowest = Math.min(lowest, cursors[r]);
            }
        }
        windows[side].dropBefore(lowest);
    }

    /** Advances every rule to {@code at} and trims; true when nothing is left to count. */
    boolean settleTo(long at) {
        for (int r = 0; r < rules.length; r++) {
            advance(r, at);
        }
        boolean empty = true;
        for (int side = 0; side < 2; side++) {
            if (windows[side] != null) {
                trim(side);
                empty &= windows[side].isEmpty();
            }
        }
        return empty;
    }

    int indexOf(String limitId) {
        for (int r = 0; r < rules.length; r++) {
            if (rules[r].id.equals(limitId)) {
                return r;
            }
        }
        return -1;
    }
}
