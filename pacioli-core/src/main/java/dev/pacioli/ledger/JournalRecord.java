package dev.pacioli.ledger;

/**
 * One change in a ledger's hash-chained journal.
 *
 * @param subject the account id for account records, the transaction id for transaction records
 * @param canonical the record's canonical bytes ({@link JournalCodec}); they name everything the change
 *     did, so the journal alone can rebuild every balance
 * @param hash SHA-256 of the previous record's hash followed by {@code canonical}
 */
public record JournalRecord(
        long sequence, RecordType type, long timestampMicros, String subject, byte[] canonical, byte[] hash) {}
