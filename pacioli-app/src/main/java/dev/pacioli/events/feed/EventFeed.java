package dev.pacioli.events.feed;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.http.Wire;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.postgres.EventReads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of a ledger, read from its journal: the journal is the outbox, written in the same
 * database transaction as the change, so an event exists exactly when its change committed.
 *
 * <p>An event's {@code data} is its resource as the API showed it right after that change, rebuilt by
 * folding the subject's journal records up to the event's sequence. So an event reads the same however
 * late it is read, and a retried webhook carries the same body as the first attempt.
 */
public final class EventFeed {
    private final EventReads reads;

    public EventFeed(EventReads reads) {
        this.reads = reads;
    }

    /** Up to {@code limit} events after {@code afterSequence}, in sequence order. */
    public List<Event> after(Ledger ledger, long afterSequence, int limit) {
        List<JournalRecord> records = reads.after(ledger.id(), afterSequence, limit);
        if (records.isEmpty()) {
            return List.of();
        }
        Set<String> subjects = new HashSet<>();
        records.forEach(record -> subjects.add(record.subject()));
        long through = records.getLast().sequence();
        Map<String, List<JournalRecord>> history = new HashMap<>();
        for (JournalRecord record : reads.history(ledger.id(), subjects, through)) {
            history.computeIfAbsent(historyKey(record), key -> new ArrayList<>())
                    .add(record);
        }
        List<Event> events = new ArrayList<>(records.size());
        for (JournalRecord record : records) {
            events.add(event(ledger, record, history.get(historyKey(record))));
        }
        return events;
    }

    /** An account and a transaction may share an id: their histories are kept apart. */
    private static String historyKey(JournalRecord record) {
        return (isAccount(record.type()) ? "account:" : "transaction:") + record.subject();
    }

    private static boolean isAccount(RecordType type) {
        return type == RecordType.ACCOUNT_CREATED || type == RecordType.ACCOUNT_CLOSED;
    }

    private Event event(Ledger ledger, JournalRecord record, List<JournalRecord> history) {
        String id = Event.id(ledger.name(), record.sequence());
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("id", id);
            out.string("ledger", ledger.name());
            out.number("sequence", record.sequence());
            out.string("type", record.type().eventType);
            out.time("created_at", record.timestampMicros());
            out.json.writeName("data");
            if (isAccount(record.type())) {
                Wire.account(out, accountAt(ledger, record, history));
            } else {
                Wire.transaction(out, transactionAt(record.sequence(), history), false);
            }
            out.json.writeEndObject();
            return new Event(
                    id,
                    ledger.name(),
                    ledger.name(),
                    record.sequence(),
                    record.type().eventType,
                    record.timestampMicros(),
                    out.toBytes());
        }
    }

    /** The transaction after every record of it up to and including {@code sequence}. */
    public static Transaction transactionAt(long sequence, List<JournalRecord> history) {
        Transaction transaction = null;
        for (JournalRecord record : history) {
            if (record.sequence() > sequence) {
                break;
            }
            JournalCodec.Change change = JournalCodec.decode(record.canonical()).change();
            transaction = switch (change) {
                case JournalCodec.TransactionCreated created ->
                    new Transaction(
                            created.spec(),
                            created.reverses(),
                            created.spec().pending() ? TransactionStatus.PENDING : TransactionStatus.POSTED,
                            record.sequence(),
                            record.timestampMicros(),
                            record.hash(),
                            created.expiresAtMicros(),
                            null,
                            null);
                case JournalCodec.TransactionPosted posted ->
                    transaction.withStatus(TransactionStatus.POSTED, boxed(posted.postedAmounts()));
                case JournalCodec.TransactionVoided voided -> transaction.withStatus(TransactionStatus.VOIDED, null);
                case JournalCodec.TransactionExpired expired -> transaction.withStatus(TransactionStatus.EXPIRED, null);
                case JournalCodec.TransactionReversed reversed -> transaction.withReversedBy(reversed.reversedBy());
                case JournalCodec.AccountCreated created -> throw notTransaction(record);
                case JournalCodec.AccountClosed closed -> throw notTransaction(record);
            };
        }
        if (transaction == null) {
            throw new IllegalStateException("the journal has no creation record before sequence " + sequence);
        }
        return transaction;
    }

    private Account accountAt(Ledger ledger, JournalRecord record, List<JournalRecord> history) {
        JournalRecord creation = history.getFirst();
        AccountSpec spec = ((JournalCodec.AccountCreated)
                        JournalCodec.decode(creation.canonical()).change())
                .spec();
        if (record.type() == RecordType.ACCOUNT_CREATED) {
            return new Account(spec, AccountStatus.OPEN, creation.timestampMicros(), Balances.ZERO, 1);
        }
        EventReads.AccountAt at = reads.accountAt(ledger.id(), spec.id(), record.sequence());
        // Version: one for the creation, one per entry, one for the close.
        return new Account(spec, AccountStatus.CLOSED, creation.timestampMicros(), at.balances(), 2 + at.entries());
    }

    private static List<Long> boxed(long[] amounts) {
        List<Long> boxed = new ArrayList<>(amounts.length);
        for (long amount : amounts) {
            boxed.add(amount);
        }
        return boxed;
    }

    private static IllegalStateException notTransaction(JournalRecord record) {
        return new IllegalStateException("journal record " + record.sequence() + " of " + record.subject()
                + " is an account record among a transaction's");
    }
}
