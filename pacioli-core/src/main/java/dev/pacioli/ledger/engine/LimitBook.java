package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitBreach;
import dev.pacioli.ledger.LimitUsage;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The limits of one ledger as its writer enforces them: the definitions in force and, per covered
 * account, the rolling usage of each (docs/limits.md).
 *
 * <p>Usage is exact, not sampled. Each covered account keeps, per side, a ring of its movements (one
 * per transaction: commit time and current amount) as far back as the longest window covering it;
 * each rule keeps a cursor into that ring and the running sum and count of the elements after it.
 * Checking a transaction moves the cursors of the rules it touches past what fell out of their windows
 * (amortized O(1)) and compares; recording appends one element per covered side. A pending transaction
 * counts in full from its creation; posting it in part, voiding it or letting it expire sets its
 * element to what was posted (0: it no longer counts, nor does its count), found by its commit time.
 *
 * <p>Every change a batch makes is logged here for undo ({@link #mark}, {@link #rollback}), as the
 * executor's own undo log does for balances, so dry runs and failed atomic batches leave no usage.
 * Definitions change only between batches, on the writer with nothing in flight, and then the usage is
 * rebuilt from storage ({@link #rebuild}, {@link #add}), the same way as at start.
 *
 * <p>Cost: a ledger without limits pays one field read per transaction. With limits, an account's
 * matching rules are found once per definitions' generation and cached on its {@link AccountState};
 * a transfer then costs O(rules covering its accounts) and allocates nothing once rings have grown.
 * Memory: one element (16 bytes) per covered transaction within the longest window, and accounts
 * whose windows emptied are swept every {@link #SWEEP_INTERVAL_MICROS}.
 *
 * <p>Writer thread only, but for {@link #published()}, which any thread may read.
 */
final class LimitBook {
    static final long SWEEP_INTERVAL_MICROS = 60_000_000L;
    private static final LimitRule[] NO_RULES = new LimitRule[0];

    private final TreeMap<String, Limit> inForce = new TreeMap<>();
    private final Map<String, Long> lastVersions = new HashMap<>();
    private volatile List<Limit> published = List.of();
    private LimitRule[] rules = NO_RULES;
    private long longestWindowMicros;
    /** Moves with every rebuild; an account's cached {@link AccountLimits} is good for one generation. */
    private long generation = 1;

    private final HashMap<String, AccountLimits> byAccount = new HashMap<>();
    private long nextSweepMicros;
    private LimitBreach breach;

    // The undo log: per change, the account, its side, the element's index (-1: appended) and amount before.
    private AccountLimits[] undoAccounts = new AccountLimits[16];
    private int[] undoSides = new int[16];
    private long[] undoIndexes = new long[16];
    private long[] undoAmounts = new long[16];
    private int undoSize;

    boolean isEmpty() {
        return rules.length == 0;
    }

    /** The limits in force, by id, as last committed; safe to read from any thread. */
    List<Limit> published() {
        return published;
    }

    Limit inForce(String id) {
        return inForce.get(id);
    }

    int count() {
        return inForce.size();
    }

    long lastVersion(String id) {
        return lastVersions.getOrDefault(id, 0L);
    }

    long longestWindowMicros() {
        return longestWindowMicros;
    }

    /**
     * Takes the definitions from their history (every version, in the order they were made) and forgets
     * all usage; {@link #add} then feeds it the transactions of the longest window.
     */
    void rebuild(List<Limit> history) {
        Assert.that(undoSize == 0, "limits are rebuilt between batches");
        inForce.clear();
        lastVersions.clear();
        for (Limit version : history) {
            Assert.that(version.version() == lastVersion(version.id()) + 1, "limit %s skips a version", version.id());
            lastVersions.put(version.id(), version.version());
            if (version.deleted()) {
                inForce.remove(version.id());
            } else {
                inForce.put(version.id(), version);
            }
        }
        List<LimitRule> compiled = new ArrayList<>(inForce.size());
        long longest = 0;
        for (Limit limit : inForce.values()) {
            LimitRule rule = new LimitRule(limit);
            compiled.add(rule);
            longest = Math.max(longest, rule.windowMicros);
        }
        rules = compiled.toArray(NO_RULES);
        longestWindowMicros = longest;
        byAccount.values().forEach(account -> account.detached = true);
        byAccount.clear();
        generation++;
        published = List.copyOf(inForce.values());
    }

    /** Counts a stored transaction, as it stands now, in the usage being rebuilt; in commit order. */
    void add(Transaction transaction) {
        List<Posting> postings = transaction.spec().postings();
        // Per account, its debits and credits in this transaction, as the executor's net effect has them,
        // and its asset (every posting naming an account is in the account's asset).
        Map<String, long[]> sides = new LinkedHashMap<>();
        Map<String, String> assets = new HashMap<>();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long amount =
                    transaction.status() == TransactionStatus.PENDING ? posting.amount() : transaction.postedAmount(i);
            sides.computeIfAbsent(posting.from(), id -> new long[2])[0] += amount;
            sides.computeIfAbsent(posting.to(), id -> new long[2])[1] += amount;
            assets.putIfAbsent(posting.from(), posting.asset());
            assets.putIfAbsent(posting.to(), posting.asset());
        }
        for (Map.Entry<String, long[]> side : sides.entrySet()) {
            AccountLimits account = byAccount.get(side.getKey());
            if (account == null) {
                account = create(side.getKey(), assets.get(side.getKey()));
            }
            for (int s = 0; account != null && s < 2; s++) {
                if (account.windows[s] != null && side.getValue()[s] > 0) {
                    account.append(s, transaction.committedAtMicros(), side.getValue()[s]);
                }
            }
        }
    }

    /** The covering limits of an account, looked up once per generation; null when none covers it. */
    private AccountLimits lookup(AccountState state) {
        AccountLimits account = state.limits;
        if (state.limitsGeneration == generation && (account == null || !account.detached)) {
            return account;
        }
        account = byAccount.get(state.spec.id());
        if (account == null) {
            account = create(state.spec.id(), state.spec.asset());
        }
        state.limits = account;
        state.limitsGeneration = generation;
        return account;
    }

    private AccountLimits create(String accountId, String asset) {
        int matching = 0;
        LimitRule[] found = new LimitRule[rules.length];
        for (LimitRule rule : rules) {
            if (rule.covers(accountId, asset)) {
                found[matching++] = rule;
            }
        }
        if (matching == 0) {
            return null;
        }
        AccountLimits account = new AccountLimits(Arrays.copyOf(found, matching));
        byAccount.put(accountId, account);
        return account;
    }

    /**
     * The first limit the transaction's net effect would break at {@code at} (its commit time), in the
     * order of its accounts and then of limit ids: {@link ResultCode#LIMIT_EXCEEDED}, with {@link
     * #breach()} saying which; or null.
     */
    ResultCode check(NetEffect net, long at) {
        for (int i = 0; i < net.count; i++) {
            AccountLimits account = lookup(net.accounts[i]);
            if (account == null) {
                continue;
            }
            for (int r = 0; r < account.rules.length; r++) {
                LimitRule rule = account.rules[r];
                long amount = rule.side == 0 ? net.debits[i] : net.credits[i];
                if (amount == 0) {
                    continue;
                }
                account.advance(r, at);
                if (rule.breaks(amount, account.sums[r], account.counts[r])) {
                    long remaining = rule.remaining(account.sums[r], account.counts[r]);
                    breach = new LimitBreach(rule.id, net.accounts[i].spec.id(), remaining);
                    return ResultCode.LIMIT_EXCEEDED;
                }
            }
        }
        return null;
    }

    /** The breach {@link #check} found, for a result with {@code code}; null for any other code. */
    LimitBreach breachOf(ResultCode code) {
        return code == ResultCode.LIMIT_EXCEEDED ? breach : null;
    }

    /** Counts a transaction just created, whose net effect {@link #check} passed at {@code at}. */
    void record(NetEffect net, long at) {
        if (isEmpty()) {
            return;
        }
        for (int i = 0; i < net.count; i++) {
            AccountLimits account = lookup(net.accounts[i]);
            for (int side = 0; account != null && side < 2; side++) {
                long amount = side == 0 ? net.debits[i] : net.credits[i];
                if (account.windows[side] != null && amount > 0) {
                    account.append(side, at, amount);
                    logUndo(account, side, -1, 0);
                    account.trim(side);
                }
            }
        }
    }

    /**
     * A pending transaction created at {@code createdAt} was posted, voided or expired: each covered
     * side now counts what was posted (the net effect's posted columns), and nothing when that is 0.
     */
    void settle(long createdAt, NetEffect net) {
        if (isEmpty()) {
            return;
        }
        for (int i = 0; i < net.count; i++) {
            AccountLimits account = lookup(net.accounts[i]);
            for (int side = 0; account != null && side < 2; side++) {
                UsageWindow window = account.windows[side];
                long reserved = side == 0 ? net.debits[i] : net.credits[i];
                long index = window == null || reserved == 0 ? -1 : window.find(createdAt);
                if (index >= 0) {
                    logUndo(account, side, index, window.amount(index));
                    account.setAmount(side, index, side == 0 ? net.postedDebits[i] : net.postedCredits[i]);
                }
            }
        }
    }

    /**
     * What the account has used of the limit at {@code asOf}. Cursors move only to {@code safeMicros},
     * a time no later transaction can precede; the rest of the way is counted without moving them.
     */
    LimitUsage usage(AccountState state, String limitId, long asOf, long safeMicros) {
        AccountLimits account = lookup(state);
        int r = account == null ? -1 : account.indexOf(limitId);
        if (r < 0) {
            return null;
        }
        LimitRule rule = account.rules[r];
        Long windowSeconds = rule.windowMicros == 0 ? null : rule.windowMicros / 1_000_000L;
        long used = 0;
        long count = 0;
        if (rule.windowMicros > 0) {
            account.advance(r, Math.min(asOf, safeMicros));
            used = account.sums[r];
            count = account.counts[r];
            UsageWindow window = account.windows[rule.side];
            for (long i = account.cursors[r]; i < window.tail && window.time(i) <= asOf - rule.windowMicros; i++) {
                used -= window.amount(i);
                count -= window.amount(i) > 0 ? 1 : 0;
            }
        }
        Long remainingAmount = rule.amountPerWindow < 0 ? null : Math.max(0, rule.amountPerWindow - used);
        Long remainingCount = rule.countPerWindow < 0 ? null : Math.max(0, rule.countPerWindow - count);
        return new LimitUsage(used, count, remainingAmount, remainingCount, windowSeconds, asOf);
    }

    /** At most once a {@link #SWEEP_INTERVAL_MICROS}: forgets the accounts with nothing left in any window. */
    void sweep(long safeMicros) {
        if (safeMicros < nextSweepMicros || byAccount.isEmpty()) {
            return;
        }
        nextSweepMicros = safeMicros + SWEEP_INTERVAL_MICROS;
        for (Iterator<AccountLimits> accounts = byAccount.values().iterator(); accounts.hasNext(); ) {
            AccountLimits account = accounts.next();
            if (account.settleTo(safeMicros)) {
                account.detached = true;
                accounts.remove();
            }
        }
    }

    /** Accounts the book holds usage for: for tests and the sweep's bound. */
    int accountsHeld() {
        return byAccount.size();
    }

    private void logUndo(AccountLimits account, int side, long index, long amount) {
        if (undoSize == undoAccounts.length) {
            int capacity = undoSize * 2;
            undoAccounts = Arrays.copyOf(undoAccounts, capacity);
            undoSides = Arrays.copyOf(undoSides, capacity);
            undoIndexes = Arrays.copyOf(undoIndexes, capacity);
            undoAmounts = Arrays.copyOf(undoAmounts, capacity);
        }
        undoAccounts[undoSize] = account;
        undoSides[undoSize] = side;
        undoIndexes[undoSize] = index;
        undoAmounts[undoSize] = amount;
        undoSize++;
    }

    int mark() {
        return undoSize;
    }

    /** Puts usage back as it was at the mark. */
    void rollback(int mark) {
        for (int k = undoSize - 1; k >= mark; k--) {
            if (undoIndexes[k] < 0) {
                undoAccounts[k].removeLast(undoSides[k]);
            } else {
                undoAccounts[k].setAmount(undoSides[k], undoIndexes[k], undoAmounts[k]);
            }
        }
        forgetFrom(mark);
    }

    /** The batch is over: what it did stays. */
    void forgetUndo() {
        forgetFrom(0);
    }

    private void forgetFrom(int mark) {
        Arrays.fill(undoAccounts, mark, undoSize, null);
        undoSize = mark;
    }
}
