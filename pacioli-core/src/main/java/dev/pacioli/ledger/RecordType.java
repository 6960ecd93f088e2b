package dev.pacioli.ledger;

/** The kinds of change the journal records. Each is also the type of the event it becomes. */
public enum RecordType {
    ACCOUNT_CREATED(1, "account.created"),
    ACCOUNT_CLOSED(2, "account.closed"),
    TRANSACTION_CREATED(3, "transaction.created"),
    TRANSACTION_POSTED(4, "transaction.posted"),
    TRANSACTION_VOIDED(5, "transaction.voided"),
    TRANSACTION_EXPIRED(6, "transaction.expired"),
    TRANSACTION_REVERSED(7, "transaction.reversed");

    /** Stored in the journal and in the canonical bytes: never renumber. */
    public final int tag;

    public final String eventType;

    RecordType(int tag, String eventType) {
        this.tag = tag;
        this.eventType = eventType;
    }

    public static RecordType ofTag(int tag) {
        return PersistedCode.of(values(), type -> type.tag, tag);
    }
}
