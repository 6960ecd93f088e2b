package dev.pacioli.ledger;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Re-derives a ledger from its journal and checks storage against it. Written apart from the engine on
 * purpose: it replays the journal with its own simple arithmetic, so a bug in the engine's execute
 * step shows up as a disagreement here rather than being repeated.
 *
 * <p>It checks: the journal's sequences run 1, 2, 3… with timestamps that never go backwards; every
 * record's hash is SHA-256 of the previous hash and its canonical bytes, from the genesis hash, and the
 * last equals the stored head; every stored entry is exactly what replaying the journal produces (so
 * each {@code balance_after} follows from the one before); at every sequence the entries' debits equal
 * their credits per asset (each transaction balances); every stored account equals its replayed
 * balances, status and version; and per asset the whole ledger sums to zero, posted and pending.
 *
 * <p>Memory: one small record per account and per open pending transaction.
 */
public final class LedgerVerifier {
    public static final int FAILURES_MAX = 100;

    private final String ledgerName;
    private final MessageDigest digest = JournalCodec.sha256();
    private final Map<String, Replayed> accounts = new HashMap<>();
    private final Map<String, List<Posting>> openPending = new HashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Long> checked = new LinkedHashMap<>();

    private LedgerVerifier(String ledgerName) {
        this.ledgerName = ledgerName;
    }

    /**
     * @param journal the ledger's journal in sequence order
     * @param entries its entries ordered by sequence, then account id
     * @param storedAccounts its accounts, in any order
     */
    public static VerifyReport verify(
            String ledgerName,
            LedgerHead storedHead,
            Iterator<JournalRecord> journal,
            Iterator<Entry> entries,
            Iterator<Account> storedAccounts) {
        LedgerVerifier verifier = new LedgerVerifier(ledgerName);
        verifier.replay(storedHead, journal, new PeekingIterator<>(entries));
        verifier.compareAccounts(storedAccounts);
        return new VerifyReport(
                verifier.failures.isEmpty(), Map.copyOf(verifier.checked), List.copyOf(verifier.failures));
    }

    private static final class Replayed {
        final AccountSpec spec;
        long postedDebits;
        long postedCredits;
        long pendingDebits;
        long pendingCredits;
        long version = 1;
        AccountStatus status = AccountStatus.OPEN;
        boolean seenInStorage;

        Replayed(AccountSpec spec) {
            this.spec = spec;
        }

        Balances balances() {
            return new Balances(postedDebits, postedCredits, pendingDebits, pendingCredits);
        }
    }

    /** One account's change at one sequence, as replay derives it. */
    private record Expected(String accountId, EntryKind kind, long debit, long credit, Balances after) {}

    private void fail(String format, Object... arguments) {
        if (failures.size() < FAILURES_MAX) {
            failures.add(String.format(format, arguments));
        }
    }

    private void count(String name) {
        checked.merge(name, 1L, Long::sum);
    }

    private void replay(LedgerHead storedHead, Iterator<JournalRecord> journal, PeekingIterator<Entry> entries) {
        byte[] hash = JournalCodec.genesisHash(ledgerName);
        long sequence = 0;
        long timestamp = Long.MIN_VALUE;
        checked.put("journal_records", 0L);
        checked.put("entries", 0L);
        while (journal.hasNext()) {
            JournalRecord record = journal.next();
            count("journal_records");
            if (record.sequence() != sequence + 1) {
                fail("journal: sequence %d follows %d", record.sequence(), sequence);
            }
            sequence = record.sequence();
            if (record.timestampMicros() < timestamp) {
                fail("journal: timestamp of sequence %d goes backwards", sequence);
            }
            timestamp = record.timestampMicros();
            hash = JournalCodec.chain(digest, hash, record.canonical());
            if (!Arrays.equals(hash, record.hash())) {
                fail("journal: hash chain broken at sequence %d", sequence);
                hash = record.hash();
            }
            List<Expected> expected;
            try {
                JournalCodec.Decoded decoded = JournalCodec.decode(record.canonical());
                if (decoded.sequence() != sequence
                        || decoded.timestampMicros() != timestamp
                        || decoded.type() != record.type()) {
                    fail("journal: record %d's columns disagree with its canonical bytes", sequence);
                }
                expected = apply(decoded.change(), sequence);
            } catch (RuntimeException e) {
                fail("journal: record %d cannot be decoded or replayed: %s", sequence, e.getMessage());
                expected = List.of();
            }
            compareEntries(sequence, expected, entries);
        }
        while (entries.hasNext()) {
            Entry entry = entries.next();
            fail("entries: entry at sequence %d for %s has no journal record", entry.sequence(), entry.accountId());
        }
        if (sequence != storedHead.sequence() || !Arrays.equals(hash, storedHead.hash())) {
            fail(
                    "journal: ends at sequence %d but the ledger's head says %d, or its hash differs",
                    sequence, storedHead.sequence());
        }
    }

    private List<Expected> apply(JournalCodec.Change change, long sequence) {
        List<Expected> expected = new ArrayList<>();
        switch (change) {
            case JournalCodec.AccountCreated created -> {
                if (accounts.putIfAbsent(created.spec().id(), new Replayed(created.spec())) != null) {
                    fail("journal: account %s created twice", created.spec().id());
                }
            }
            case JournalCodec.AccountClosed closed -> {
                Replayed account = replayed(closed.accountId(), sequence);
                account.status = AccountStatus.CLOSED;
                account.version++;
            }
            case JournalCodec.TransactionCreated created -> {
                TransactionSpec spec = created.spec();
                TreeMap<String, long[]> net = new TreeMap<>();
                for (Posting posting : spec.postings()) {
                    net.computeIfAbsent(posting.from(), id -> new long[2])[0] += posting.amount();
                    net.computeIfAbsent(posting.to(), id -> new long[2])[1] += posting.amount();
                }
                EntryKind kind = spec.pending() ? EntryKind.PENDING : EntryKind.POSTED;
                net.forEach((id, amounts) -> {
                    Replayed account = replayed(id, sequence);
                    if (spec.pending()) {
                        account.pendingDebits += amounts[0];
                        account.pendingCredits += amounts[1];
                    } else {
                        account.postedDebits += amounts[0];
                        account.postedCredits += amounts[1];
                    }
                    expected.add(changed(account, kind, amounts[0], amounts[1]));
                });
                if (spec.pending()) {
                    openPending.put(spec.id(), spec.postings());
                }
            }
            case JournalCodec.TransactionPosted posted ->
                release(posted.transactionId(), posted.postedAmounts(), EntryKind.POST, sequence, expected);
            case JournalCodec.TransactionVoided voided ->
                release(voided.transactionId(), null, EntryKind.VOID, sequence, expected);
            case JournalCodec.TransactionExpired expired ->
                release(expired.transactionId(), null, EntryKind.EXPIRE, sequence, expected);
            case JournalCodec.TransactionReversed reversed -> {}
        }
        return expected;
    }

    private void release(String transactionId, long[] posted, EntryKind kind, long sequence, List<Expected> expected) {
        List<Posting> postings = openPending.remove(transactionId);
        if (postings == null) {
            fail("journal: record %d resolves %s, which is not an open pending transaction", sequence, transactionId);
            return;
        }
        TreeMap<String, long[]> net = new TreeMap<>();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long postedAmount = posted == null ? 0 : posted[i];
            long[] from = net.computeIfAbsent(posting.from(), id -> new long[4]);
            from[0] += posting.amount();
            from[2] += postedAmount;
            long[] to = net.computeIfAbsent(posting.to(), id -> new long[4]);
            to[1] += posting.amount();
            to[3] += postedAmount;
        }
        net.forEach((id, amounts) -> {
            Replayed account = replayed(id, sequence);
            account.pendingDebits -= amounts[0];
            account.pendingCredits -= amounts[1];
            account.postedDebits += amounts[2];
            account.postedCredits += amounts[3];
            if (account.pendingDebits < 0 || account.pendingCredits < 0) {
                fail("journal: record %d takes pending amounts of %s below zero", sequence, id);
            }
            boolean post = kind == EntryKind.POST;
            expected.add(changed(account, kind, post ? amounts[2] : amounts[0], post ? amounts[3] : amounts[1]));
        });
    }

    private Expected changed(Replayed account, EntryKind kind, long debit, long credit) {
        account.version++;
        return new Expected(account.spec.id(), kind, debit, credit, account.balances());
    }

    private Replayed replayed(String accountId, long sequence) {
        Replayed account = accounts.get(accountId);
        if (account == null) {
            throw new IllegalStateException(
                    "sequence " + sequence + " names account " + accountId + " that the journal never created");
        }
        return account;
    }

    private void compareEntries(long sequence, List<Expected> expected, PeekingIterator<Entry> entries) {
        Map<String, Expected> byAccount = new HashMap<>();
        expected.forEach(change -> byAccount.put(change.accountId(), change));
        Map<String, BigInteger[]> totalsByAsset = new TreeMap<>();
        while (entries.hasNext() && entries.peek().sequence() <= sequence) {
            Entry entry = entries.next();
            count("entries");
            if (entry.sequence() < sequence) {
                fail("entries: entry at sequence %d for %s has no journal record", entry.sequence(), entry.accountId());
                continue;
            }
            Expected change = byAccount.remove(entry.accountId());
            if (change == null) {
                fail(
                        "entries: sequence %d has an entry for %s that replay does not produce",
                        sequence, entry.accountId());
                continue;
            }
            Replayed account = accounts.get(entry.accountId());
            NormalBalance normal = account.spec.normalBalance();
            if (entry.kind() != change.kind()
                    || entry.debit() != change.debit()
                    || entry.credit() != change.credit()
                    || !entry.after().equals(change.after())
                    || entry.balanceAfter() != change.after().balance(normal)
                    || entry.availableAfter() != change.after().available(normal)) {
                fail(
                        "entries: entry at sequence %d for %s is %s but replay gives %s",
                        sequence, entry.accountId(), entry, change);
            }
            BigInteger[] totals = totalsByAsset.computeIfAbsent(
                    account.spec.asset(), asset -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            totals[0] = totals[0].add(BigInteger.valueOf(entry.debit()));
            totals[1] = totals[1].add(BigInteger.valueOf(entry.credit()));
        }
        byAccount.keySet().forEach(id -> fail("entries: sequence %d lacks the entry for %s", sequence, id));
        totalsByAsset.forEach((asset, totals) -> {
            if (!totals[0].equals(totals[1])) {
                fail(
                        "entries: sequence %d does not balance in %s: debits %s, credits %s",
                        sequence, asset, totals[0], totals[1]);
            }
        });
    }

    private void compareAccounts(Iterator<Account> storedAccounts) {
        Map<String, BigInteger[]> totalsByAsset = new TreeMap<>();
        checked.put("accounts", 0L);
        while (storedAccounts.hasNext()) {
            Account stored = storedAccounts.next();
            count("accounts");
            Replayed account = accounts.get(stored.id());
            if (account == null) {
                fail("accounts: %s is stored but the journal never created it", stored.id());
                continue;
            }
            account.seenInStorage = true;
            if (!stored.spec().equals(account.spec)
                    || !stored.balances().equals(account.balances())
                    || stored.status() != account.status
                    || stored.version() != account.version) {
                fail(
                        "accounts: %s is stored as %s %s v%d but its entries give %s %s v%d",
                        stored.id(),
                        stored.balances(),
                        stored.status(),
                        stored.version(),
                        account.balances(),
                        account.status,
                        account.version);
            }
            BigInteger[] totals = totalsByAsset.computeIfAbsent(stored.asset(), asset ->
                    new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO});
            Balances balances = stored.balances();
            totals[0] = totals[0].add(BigInteger.valueOf(balances.postedDebits()));
            totals[1] = totals[1].add(BigInteger.valueOf(balances.postedCredits()));
            totals[2] = totals[2].add(BigInteger.valueOf(balances.pendingDebits()));
            totals[3] = totals[3].add(BigInteger.valueOf(balances.pendingCredits()));
        }
        accounts.values().stream()
                .filter(account -> !account.seenInStorage)
                .forEach(account ->
                        fail("accounts: %s was created in the journal but is not stored", account.spec.id()));
        checked.put("assets", (long) totalsByAsset.size());
        totalsByAsset.forEach((asset, totals) -> {
            if (!totals[0].equals(totals[1]) || !totals[2].equals(totals[3])) {
                fail(
                        "ledger: %s does not sum to zero: posted %s/%s, pending %s/%s",
                        asset, totals[0], totals[1], totals[2], totals[3]);
            }
        });
    }

    private static final class PeekingIterator<T> implements Iterator<T> {
        private final Iterator<T> delegate;
        private T next;

        PeekingIterator(Iterator<T> delegate) {
            this.delegate = delegate;
        }

        T peek() {
            if (next == null) {
                next = delegate.next();
            }
            return next;
        }

        @Override
        public boolean hasNext() {
            return next != null || delegate.hasNext();
        }

        @Override
        public T next() {
            T value = peek();
            next = null;
            return value;
        }
    }
}
