package dev.pacioli.ledger;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch's journal records as columns: each record's header fields in a primitive array, every
 * record's canonical bytes one after another in one byte array (record {@code i} ends where {@code i +
 * 1} starts), and every hash in one byte array, 32 bytes per record. A batch of thousands of records
 * so lives in a dozen arrays instead of three objects per record, and the arrays are kept and reused
 * from batch to batch: once grown to a batch's size, appending allocates nothing.
 *
 * <p>The columns carry the hash chain. {@link #start} gives the hash the batch continues from; each
 * record appended ({@link JournalCodec}'s methods that take a {@code JournalColumns}) is hashed onto
 * the one before it, so the hash of the last record is the ledger's head after the batch. {@link
 * #truncate} drops records from the end, the chain with them (a rollback).
 *
 * <p>Not thread-safe. The writer appends; once the batch is handed to a commit, the columns are only
 * read, by the commit thread, until the writer gets them back and starts another batch in them. A
 * reader that keeps anything beyond the commit copies it ({@link #record}, {@link #hash}).
 */
public final class JournalColumns {
    private static final int RECORDS_INITIAL = 64;
    private static final int HASH = JournalCodec.HASH_BYTES;
    private static final RecordType[] TYPES = RecordType.values();

    private final MessageDigest digest = JournalCodec.sha256();
    /**
     * Where {@link JournalCodec} encodes the record being written: a small buffer that stays in the
     * processor's cache, copied in one move to {@link #canonical} when the record ends.
     */
    private final JournalCodec.Writer record = new JournalCodec.Writer();
    /** The canonical bytes of every record, one after another. */
    private byte[] canonical = new byte[RECORDS_INITIAL * 256];

    private int canonicalLength;

    private byte[] startHash = new byte[HASH];
    private int size;
    private boolean open;
    private long[] sequences = new long[RECORDS_INITIAL];
    /** Ordinals, not references: see {@link EntryColumns} on what a reference stored here would cost. */
    private byte[] types = new byte[RECORDS_INITIAL];

    private long[] timestamps = new long[RECORDS_INITIAL];
    private String[] subjects = new String[RECORDS_INITIAL];
    private int[] canonicalEnds = new int[RECORDS_INITIAL];
    private byte[] hashes = new byte[RECORDS_INITIAL * HASH];

    /** Empties the columns for a batch whose first record follows {@code previousHash}. */
    public void start(byte[] previousHash) {
        Assert.that(previousHash.length == HASH, "a journal hash is 32 bytes");
        System.arraycopy(previousHash, 0, startHash, 0, HASH);
        truncate(0);
    }

    /** Drops every record from {@code newSize} on. */
    public void truncate(int newSize) {
        Assert.that(!open, "a record is being written");
        Assert.that(newSize >= 0 && newSize <= size, "truncating the journal to more records than it has");
        Arrays.fill(subjects, newSize, size, null);
        size = newSize;
        canonicalLength = canonicalStart(newSize);
    }

    /** Starts the next record: the codec writes its canonical bytes into the returned writer. */
    JournalCodec.Writer begin(RecordType type, long sequence, long timestampMicros) {
        Assert.that(!open, "a record is already being written");
        Assert.that(size == 0 || sequence == sequences[size - 1] + 1, "journal sequences run one after another");
        if (size == sequences.length) {
            grow();
        }
        types[size] = (byte) type.ordinal();
        sequences[size] = sequence;
        timestamps[size] = timestampMicros;
        open = true;
        record.length = 0;
        return JournalCodec.header(record, type, sequence, timestampMicros);
    }

    /** Ends the record begun last and hashes it onto the chain. */
    void end(String subject) {
        Assert.that(open, "no record is being written");
        open = false;
        subjects[size] = subject;
        int length = record.length;
        if (canonicalLength + length > canonical.length) {
            canonical = Arrays.copyOf(canonical, Math.max(canonical.length * 2, canonicalLength + length));
        }
        System.arraycopy(record.buffer, 0, canonical, canonicalLength, length);
        canonicalLength += length;
        canonicalEnds[size] = canonicalLength;
        digest.reset();
        if (size == 0) {
            digest.update(startHash, 0, HASH);
        } else {
            digest.update(hashes, (size - 1) * HASH, HASH);
        }
        digest.update(record.buffer, 0, length);
        try {
            digest.digest(hashes, size * HASH, HASH);
        } catch (DigestException e) {
            throw new Assert.InvariantViolation("SHA-256 did not fit its 32 bytes: " + e.getMessage());
        }
        size++;
    }

    private void grow() {
        int capacity = sequences.length * 2;
        sequences = Arrays.copyOf(sequences, capacity);
        types = Arrays.copyOf(types, capacity);
        timestamps = Arrays.copyOf(timestamps, capacity);
        subjects = Arrays.copyOf(subjects, capacity);
        canonicalEnds = Arrays.copyOf(canonicalEnds, capacity);
        hashes = Arrays.copyOf(hashes, capacity * HASH);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long sequence(int index) {
        return sequences[Objects.checkIndex(index, size)];
    }

    public RecordType type(int index) {
        return TYPES[types[Objects.checkIndex(index, size)]];
    }

    public long timestampMicros(int index) {
        return timestamps[Objects.checkIndex(index, size)];
    }

    /** The account id for account records, the transaction id for transaction records. */
    public String subject(int index) {
        return subjects[Objects.checkIndex(index, size)];
    }

    /**
     * The array holding every record's canonical bytes, at {@link #canonicalOffset} for {@link
     * #canonicalLength}: read it, never keep it (it is the next batch's once the columns are reused).
     */
    public byte[] canonicalBytes() {
        return canonical;
    }

    public int canonicalOffset(int index) {
        return canonicalStart(Objects.checkIndex(index, size));
    }

    public int canonicalLength(int index) {
        return canonicalEnds[Objects.checkIndex(index, size)] - canonicalStart(index);
    }

    /** A copy of record {@code index}'s canonical bytes. */
    public byte[] canonical(int index) {
        int start = canonicalOffset(index);
        return Arrays.copyOfRange(canonical, start, canonicalEnds[index]);
    }

    /** The array holding every record's hash, 32 bytes at {@link #hashOffset}: read it, never keep it. */
    public byte[] hashBytes() {
        return hashes;
    }

    public int hashOffset(int index) {
        return Objects.checkIndex(index, size) * HASH;
    }

    /** A copy of record {@code index}'s hash. */
    public byte[] hash(int index) {
        int start = hashOffset(index);
        return Arrays.copyOfRange(hashes, start, start + HASH);
    }

    /** A copy of the hash at the end of the chain: the last record's, or the one the batch started from. */
    public byte[] lastHash() {
        return size == 0 ? startHash.clone() : hash(size - 1);
    }

    /** Record {@code index} as a value of its own, copied out of the columns. */
    public JournalRecord record(int index) {
        return new JournalRecord(
                sequence(index), type(index), timestamps[index], subjects[index], canonical(index), hash(index));
    }

    /** Every record, copied out of the columns. */
    public List<JournalRecord> records() {
        List<JournalRecord> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(record(i));
        }
        return records;
    }

    private int canonicalStart(int index) {
        return index == 0 ? 0 : canonicalEnds[index - 1];
    }
}
