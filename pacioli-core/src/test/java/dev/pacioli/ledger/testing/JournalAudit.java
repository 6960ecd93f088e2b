package dev.pacioli.ledger.testing;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Audits what an {@link InMemoryLedgerStore} holds for one ledger, with its own arithmetic: the hash
 * chain (each record's hash is SHA-256 of the previous hash followed by its canonical bytes, from
 * SHA-256 of {@code "pacioli:" + name}); sequences 1, 2, 3… with rising timestamps; every record
 * decodes to what it was encoded from and encodes back to the same bytes, and agrees with the stored
 * account or transaction it names; and every entry follows from the one before it on its account,
 * the last one equalling the stored balances.
 */
public final class JournalAudit {
    private JournalAudit() {}

    public static void check(InMemoryLedgerStore store, long ledgerId, String ledgerName) {
        List<JournalRecord> journal = store.journal(ledgerId);
        Map<String, Account> accounts = store.accounts(ledgerId);
        Map<String, Transaction> transactions = store.transactions(ledgerId);
        checkChain(ledgerName, journal, store.head(ledgerId));
        Map<Long, JournalRecord> bySequence = new HashMap<>();
        for (JournalRecord record : journal) {
            checkRecord(record, accounts, transactions);
            bySequence.put(record.sequence(), record);
        }
        checkEntries(store.entries(ledgerId), bySequence, accounts, transactions);
    }

    private static void checkChain(String ledgerName, List<JournalRecord> journal, LedgerHead head) {
        MessageDigest sha256 = sha256();
        byte[] previous = sha256.digest(("pacioli:" + ledgerName).getBytes(StandardCharsets.UTF_8));
        that(Arrays.equals(previous, JournalCodec.genesisHash(ledgerName)), "genesis hash of " + ledgerName);
        long previousTimestamp = Long.MIN_VALUE;
        for (int i = 0; i < journal.size(); i++) {
            JournalRecord record = journal.get(i);
            that(record.sequence() == i + 1, "journal sequence " + record.sequence() + " at position " + i);
            that(record.timestampMicros() > previousTimestamp, "timestamp went back at " + record.sequence());
            sha256.reset();
            sha256.update(previous);
            byte[] hash = sha256.digest(record.canonical());
            that(Arrays.equals(hash, record.hash()), "hash chain broken at sequence " + record.sequence());
            previous = hash;
            previousTimestamp = record.timestampMicros();
        }
        that(head.sequence() == journal.size(), "head sequence " + head.sequence() + ", journal " + journal.size());
        that(Arrays.equals(head.hash(), previous), "head hash is not the last record's");
        if (!journal.isEmpty()) {
            that(head.timestampMicros() == previousTimestamp, "head timestamp is not the last record's");
        }
    }

    /** Decodes, re-encodes, and compares with the account or transaction the record names. */
    private static void checkRecord(
            JournalRecord record, Map<String, Account> accounts, Map<String, Transaction> transactions) {
        JournalCodec.Decoded decoded = JournalCodec.decode(record.canonical());
        long sequence = record.sequence();
        long timestamp = record.timestampMicros();
        String where = "record " + sequence + " (" + record.type() + ")";
        that(decoded.type() == record.type(), where + ": decoded type " + decoded.type());
        that(decoded.sequence() == sequence, where + ": decoded sequence " + decoded.sequence());
        that(decoded.timestampMicros() == timestamp, where + ": decoded timestamp");
        byte[] encoded = switch (decoded.change()) {
            case JournalCodec.AccountCreated created -> {
                Account account = accounts.get(created.spec().id());
                that(account != null && account.spec().equals(created.spec()), where + ": account spec");
                that(account.createdAtMicros() == timestamp, where + ": account created at");
                that(record.subject().equals(created.spec().id()), where + ": subject");
                yield JournalCodec.accountCreated(sequence, timestamp, created.spec());
            }
            case JournalCodec.AccountClosed closed -> {
                that(record.subject().equals(closed.accountId()), where + ": subject");
                yield JournalCodec.accountClosed(sequence, timestamp, closed.accountId());
            }
            case JournalCodec.TransactionCreated created -> {
                Transaction transaction = transactions.get(created.spec().id());
                that(transaction != null && transaction.spec().equals(created.spec()), where + ": spec");
                that(Objects.equals(transaction.reverses(), created.reverses()), where + ": reverses");
                that(transaction.expiresAtMicros() == created.expiresAtMicros(), where + ": expires at");
                that(transaction.sequence() == sequence, where + ": transaction sequence");
                that(transaction.committedAtMicros() == timestamp, where + ": committed at");
                that(Arrays.equals(transaction.hash(), record.hash()), where + ": transaction hash");
                yield JournalCodec.transactionCreated(
                        sequence, timestamp, created.spec(), created.reverses(), created.expiresAtMicros());
            }
            case JournalCodec.TransactionPosted posted -> {
                List<Long> amounts =
                        Arrays.stream(posted.postedAmounts()).boxed().toList();
                Transaction transaction = transactions.get(posted.transactionId());
                that(amounts.equals(transaction.postedAmounts()), where + ": posted amounts");
                yield JournalCodec.transactionPosted(sequence, timestamp, posted.transactionId(), amounts);
            }
            case JournalCodec.TransactionVoided voided ->
                JournalCodec.transactionVoided(sequence, timestamp, voided.transactionId(), false);
            case JournalCodec.TransactionExpired expired ->
                JournalCodec.transactionVoided(sequence, timestamp, expired.transactionId(), true);
            case JournalCodec.TransactionReversed reversed -> {
                Transaction original = transactions.get(reversed.transactionId());
                that(reversed.reversedBy().equals(original.reversedBy()), where + ": reversed by");
                yield JournalCodec.transactionReversed(
                        sequence, timestamp, reversed.transactionId(), reversed.reversedBy());
            }
        };
        that(Arrays.equals(encoded, record.canonical()), where + ": does not re-encode to the same bytes");
        if (record.type() != RecordType.ACCOUNT_CREATED && record.type() != RecordType.ACCOUNT_CLOSED) {
            that(transactions.containsKey(record.subject()), where + ": names an unknown transaction");
        }
    }

    /**
     * Each entry's balances follow from the previous entry of its account: posted and pending entries
     * add their amounts, voids and expiries take them off the pending side, and a post moves its
     * amounts to the posted side while releasing the whole pending amount of that transaction.
     */
    private static void checkEntries(
            List<Entry> entries,
            Map<Long, JournalRecord> journal,
            Map<String, Account> accounts,
            Map<String, Transaction> transactions) {
        Map<String, Balances> last = new HashMap<>();
        for (Entry entry : entries) {
            String where = "entry of " + entry.accountId() + " at " + entry.sequence();
            JournalRecord record = journal.get(entry.sequence());
            that(record != null && record.subject().equals(entry.transactionId()), where + ": no such record");
            that(entry.committedAtMicros() == record.timestampMicros(), where + ": committed at");
            Balances before = last.getOrDefault(entry.accountId(), Balances.ZERO);
            long[] pendingReleased = pendingOf(transactions.get(entry.transactionId()), entry.accountId());
            Balances expected = switch (entry.kind()) {
                case POSTED -> add(before, entry.debit(), entry.credit(), 0, 0);
                case PENDING -> add(before, 0, 0, entry.debit(), entry.credit());
                case VOID, EXPIRE -> add(before, 0, 0, -entry.debit(), -entry.credit());
                case POST -> add(before, entry.debit(), entry.credit(), -pendingReleased[0], -pendingReleased[1]);
            };
            that(expected.equals(entry.after()), where + ": after " + entry.after() + ", expected " + expected);
            NormalBalance normal = accounts.get(entry.accountId()).spec().normalBalance();
            that(entry.balanceAfter() == expected.balance(normal), where + ": balance after");
            that(entry.availableAfter() == expected.available(normal), where + ": available after");
            last.put(entry.accountId(), expected);
        }
        for (Account account : accounts.values()) {
            Balances expected = last.getOrDefault(account.id(), Balances.ZERO);
            that(
                    expected.equals(account.balances()),
                    "account " + account.id() + " stored " + account.balances() + ", its entries sum to " + expected);
        }
    }

    /** The pending debits and credits a transaction holds on one account. */
    private static long[] pendingOf(Transaction transaction, String accountId) {
        long[] pending = new long[2];
        for (Posting posting : transaction.spec().postings()) {
            if (posting.from().equals(accountId)) {
                pending[0] += posting.amount();
            }
            if (posting.to().equals(accountId)) {
                pending[1] += posting.amount();
            }
        }
        return pending;
    }

    private static Balances add(
            Balances balances, long postedDebits, long postedCredits, long pendingDebits, long pendingCredits) {
        return new Balances(
                Math.addExact(balances.postedDebits(), postedDebits),
                Math.addExact(balances.postedCredits(), postedCredits),
                Math.addExact(balances.pendingDebits(), pendingDebits),
                Math.addExact(balances.pendingCredits(), pendingCredits));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void that(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError("journal audit: " + message);
        }
    }
}
