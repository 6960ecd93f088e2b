package dev.pacioli.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A committed transaction as it stands now. Immutable: a post, void, expiry or reversal makes a new
 * instance.
 *
 * <p>Its hash is held as four numbers, not an array: the writer makes one of these per transfer it
 * executes, and an array of its own would be a second object for each (BENCHMARKS.md, the execute
 * step). {@link #hash()} builds the bytes when asked.
 *
 * @param reverses the id of the transaction this one reverses, or null
 * @param sequence the journal sequence of its creation
 * @param committedAtMicros when it was created, microseconds since the epoch
 * @param hash0 the first 8 bytes of the journal hash of its creation record, big-endian; {@code
 *     hash1} to {@code hash3} the rest
 * @param expiresAtMicros when a pending transaction expires, or 0 for never
 * @param postedAmounts for a pending transaction that was posted, the amount posted per posting;
 *     otherwise null
 * @param reversedBy the id of the transaction that reversed this one, or null
 */
public record Transaction(
        TransactionSpec spec,
        String reverses,
        TransactionStatus status,
        long sequence,
        long committedAtMicros,
        long hash0,
        long hash1,
        long hash2,
        long hash3,
        long expiresAtMicros,
        List<Long> postedAmounts,
        String reversedBy) {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** With the hash as its {@link JournalCodec#HASH_BYTES} bytes. */
    public Transaction(
            TransactionSpec spec,
            String reverses,
            TransactionStatus status,
            long sequence,
            long committedAtMicros,
            byte[] hash,
            long expiresAtMicros,
            List<Long> postedAmounts,
            String reversedBy) {
        this(spec, reverses, status, sequence, committedAtMicros, hash, 0, expiresAtMicros, postedAmounts, reversedBy);
    }

    /** With the hash as {@link JournalCodec#HASH_BYTES} bytes of {@code hashes} from {@code offset}, copied. */
    public Transaction(
            TransactionSpec spec,
            String reverses,
            TransactionStatus status,
            long sequence,
            long committedAtMicros,
            byte[] hashes,
            int offset,
            long expiresAtMicros,
            List<Long> postedAmounts,
            String reversedBy) {
        this(
                spec,
                reverses,
                status,
                sequence,
                committedAtMicros,
                hashLong(hashes, offset, 0),
                hashLong(hashes, offset, 1),
                hashLong(hashes, offset, 2),
                hashLong(hashes, offset, 3),
                expiresAtMicros,
                postedAmounts,
                reversedBy);
    }

    private static long hashLong(byte[] hashes, int offset, int index) {
        Objects.checkFromIndexSize(offset, JournalCodec.HASH_BYTES, hashes.length);
        return (long) LONGS.get(hashes, offset + index * Long.BYTES);
    }

    public String id() {
        return spec.id();
    }

    /** The journal hash of its creation record: a new array on every call. */
    public byte[] hash() {
        byte[] hash = new byte[JournalCodec.HASH_BYTES];
        LONGS.set(hash, 0, hash0);
        LONGS.set(hash, Long.BYTES, hash1);
        LONGS.set(hash, 2 * Long.BYTES, hash2);
        LONGS.set(hash, 3 * Long.BYTES, hash3);
        return hash;
    }

    public Transaction withStatus(TransactionStatus newStatus, List<Long> newPostedAmounts) {
        return new Transaction(
                spec,
                reverses,
                newStatus,
                sequence,
                committedAtMicros,
                hash0,
                hash1,
                hash2,
                hash3,
                expiresAtMicros,
                newPostedAmounts,
                reversedBy);
    }

    public Transaction withReversedBy(String reversalId) {
        return new Transaction(
                spec,
                reverses,
                status,
                sequence,
                committedAtMicros,
                hash0,
                hash1,
                hash2,
                hash3,
                expiresAtMicros,
                postedAmounts,
                reversalId);
    }

    /** The amount that moved on the posted side for posting {@code index}. */
    public long postedAmount(int index) {
        if (postedAmounts != null) {
            return postedAmounts.get(index);
        }
        return status == TransactionStatus.POSTED ? spec.postings().get(index).amount() : 0;
    }
}
