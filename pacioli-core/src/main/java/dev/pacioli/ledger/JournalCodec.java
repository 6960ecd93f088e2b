package dev.pacioli.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The canonical byte form of journal records, and the hash chain over them.
 *
 * <p>Layout, big-endian: format version (1 byte), type tag (1), sequence (8), timestamp in microseconds
 * (8), then the type's fields. Strings are a 2-byte length and UTF-8 bytes; optional values a presence
 * byte then the value. Metadata is written in key order. The layout is versioned and never changes in
 * place: a new layout gets a new version byte, and old records keep verifying.
 *
 * <p>The chain starts from SHA-256 of {@code "pacioli:" + ledger name}, so one ledger's journal cannot
 * be passed off as another's.
 */
public final class JournalCodec {
    public static final int FORMAT_VERSION = 1;
    public static final int HASH_BYTES = 32;

    private JournalCodec() {}

    /** A decoded record: the header plus the change it describes. */
    public sealed interface Change {}

    public record AccountCreated(AccountSpec spec) implements Change {}

    public record AccountClosed(String accountId) implements Change {}

    public record TransactionCreated(TransactionSpec spec, String reverses, long expiresAtMicros) implements Change {}

    public record TransactionPosted(String transactionId, long[] postedAmounts) implements Change {}

    public record TransactionVoided(String transactionId) implements Change {}

    public record TransactionExpired(String transactionId) implements Change {}

    public record TransactionReversed(String transactionId, String reversedBy) implements Change {}

    public record Decoded(RecordType type, long sequence, long timestampMicros, Change change) {}

    public static byte[] genesisHash(String ledgerName) {
        return sha256().digest(("pacioli:" + ledgerName).getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] chain(MessageDigest digest, byte[] previousHash, byte[] canonical) {
        digest.reset();
        digest.update(previousHash);
        return digest.digest(canonical);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    public static byte[] accountCreated(long sequence, long timestampMicros, AccountSpec spec) {
        return writeAccountCreated(header(scratch(), RecordType.ACCOUNT_CREATED, sequence, timestampMicros), spec)
                .bytes();
    }

    public static byte[] accountClosed(long sequence, long timestampMicros, String accountId) {
        return header(scratch(), RecordType.ACCOUNT_CLOSED, sequence, timestampMicros)
                .string(accountId)
                .bytes();
    }

    public static byte[] transactionCreated(
            long sequence, long timestampMicros, TransactionSpec spec, String reverses, long expiresAtMicros) {
        Writer out = header(scratch(), RecordType.TRANSACTION_CREATED, sequence, timestampMicros);
        return writeTransactionCreated(out, spec, reverses, expiresAtMicros).bytes();
    }

    public static byte[] transactionPosted(long sequence, long timestampMicros, String id, List<Long> amounts) {
        Writer out = header(scratch(), RecordType.TRANSACTION_POSTED, sequence, timestampMicros);
        return writeTransactionPosted(out, id, amounts).bytes();
    }

    public static byte[] transactionVoided(long sequence, long timestampMicros, String id, boolean expired) {
        return header(scratch(), voidedType(expired), sequence, timestampMicros)
                .string(id)
                .bytes();
    }

    public static byte[] transactionReversed(long sequence, long timestampMicros, String id, String reversedBy) {
        return header(scratch(), RecordType.TRANSACTION_REVERSED, sequence, timestampMicros)
                .string(id)
                .string(reversedBy)
                .bytes();
    }

    // ---- the same records appended to a batch's journal: the bytes are written in place into its
    // canonical column and hashed onto its chain, so the writer's hot path allocates nothing for them.

    public static void accountCreated(JournalColumns journal, long sequence, long timestampMicros, AccountSpec spec) {
        writeAccountCreated(journal.begin(RecordType.ACCOUNT_CREATED, sequence, timestampMicros), spec);
        journal.end(spec.id());
    }

    public static void accountClosed(JournalColumns journal, long sequence, long timestampMicros, String accountId) {
        journal.begin(RecordType.ACCOUNT_CLOSED, sequence, timestampMicros).string(accountId);
        journal.end(accountId);
    }

    public static void transactionCreated(
            JournalColumns journal,
            long sequence,
            long timestampMicros,
            TransactionSpec spec,
            String reverses,
            long expiresAtMicros) {
        Writer out = journal.begin(RecordType.TRANSACTION_CREATED, sequence, timestampMicros);
        writeTransactionCreated(out, spec, reverses, expiresAtMicros);
        journal.end(spec.id());
    }

    public static void transactionPosted(
            JournalColumns journal, long sequence, long timestampMicros, String id, List<Long> amounts) {
        writeTransactionPosted(journal.begin(RecordType.TRANSACTION_POSTED, sequence, timestampMicros), id, amounts);
        journal.end(id);
    }

    public static void transactionVoided(
            JournalColumns journal, long sequence, long timestampMicros, String id, boolean expired) {
        journal.begin(voidedType(expired), sequence, timestampMicros).string(id);
        journal.end(id);
    }

    public static void transactionReversed(
            JournalColumns journal, long sequence, long timestampMicros, String id, String reversedBy) {
        journal.begin(RecordType.TRANSACTION_REVERSED, sequence, timestampMicros)
                .string(id)
                .string(reversedBy);
        journal.end(id);
    }

    private static Writer writeAccountCreated(Writer out, AccountSpec spec) {
        out.string(spec.id());
        out.string(spec.asset());
        out.u8(spec.normalBalance().code);
        out.optionalLong(spec.minBalance());
        out.optionalLong(spec.maxBalance());
        return out.metadata(spec.metadata());
    }

    private static Writer writeTransactionCreated(
            Writer out, TransactionSpec spec, String reverses, long expiresAtMicros) {
        out.string(spec.id());
        out.u8(spec.pending() ? 1 : 0);
        out.optionalLong(spec.timeoutSeconds());
        out.i64(expiresAtMicros);
        out.optionalString(spec.description());
        out.optionalString(reverses);
        out.metadata(spec.metadata());
        List<Posting> postings = spec.postings();
        out.u16(postings.size());
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            out.string(posting.from());
            out.string(posting.to());
            out.i64(posting.amount());
            out.string(posting.asset());
        }
        return out;
    }

    private static Writer writeTransactionPosted(Writer out, String id, List<Long> amounts) {
        out.string(id);
        out.u16(amounts.size());
        for (int i = 0; i < amounts.size(); i++) {
            out.i64(amounts.get(i));
        }
        return out;
    }

    private static RecordType voidedType(boolean expired) {
        return expired ? RecordType.TRANSACTION_EXPIRED : RecordType.TRANSACTION_VOIDED;
    }

    /**
     * One scratch writer per thread: a record is encoded into it and copied out at its exact length.
     * Encodings never nest.
     */
    private static final ThreadLocal<Writer> SCRATCH = ThreadLocal.withInitial(Writer::new);

    private static Writer scratch() {
        Writer out = SCRATCH.get();
        out.length = 0;
        return out;
    }

    /** Appends the header every record starts with to {@code out}. */
    static Writer header(Writer out, RecordType type, long sequence, long timestampMicros) {
        return out.u8(FORMAT_VERSION).u8(type.tag).i64(sequence).i64(timestampMicros);
    }

    public static Decoded decode(byte[] canonical) {
        Reader in = new Reader(canonical);
        int version = in.u8();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown journal format version " + version);
        }
        RecordType type = RecordType.ofTag(in.u8());
        long sequence = in.i64();
        long timestamp = in.i64();
        Change change = switch (type) {
            case ACCOUNT_CREATED ->
                new AccountCreated(new AccountSpec(
                        in.string(),
                        in.string(),
                        NormalBalance.ofCode(in.u8()),
                        in.optionalLong(),
                        in.optionalLong(),
                        in.metadata()));
            case ACCOUNT_CLOSED -> new AccountClosed(in.string());
            case TRANSACTION_CREATED -> decodeTransaction(in);
            case TRANSACTION_POSTED -> {
                String id = in.string();
                long[] amounts = new long[in.u16()];
                for (int i = 0; i < amounts.length; i++) {
                    amounts[i] = in.i64();
                }
                yield new TransactionPosted(id, amounts);
            }
            case TRANSACTION_VOIDED -> new TransactionVoided(in.string());
            case TRANSACTION_EXPIRED -> new TransactionExpired(in.string());
            case TRANSACTION_REVERSED -> new TransactionReversed(in.string(), in.string());
        };
        if (in.position != canonical.length) {
            throw new IllegalArgumentException("journal record has trailing bytes");
        }
        return new Decoded(type, sequence, timestamp, change);
    }

    private static TransactionCreated decodeTransaction(Reader in) {
        String id = in.string();
        boolean pending = in.u8() == 1;
        Long timeoutSeconds = in.optionalLong();
        long expiresAt = in.i64();
        String description = in.optionalString();
        String reverses = in.optionalString();
        Metadata metadata = in.metadata();
        int count = in.u16();
        List<Posting> postings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            postings.add(new Posting(in.string(), in.string(), in.i64(), in.string()));
        }
        TransactionSpec spec = new TransactionSpec(id, postings, pending, timeoutSeconds, metadata, description);
        return new TransactionCreated(spec, reverses, expiresAt);
    }

    /** A growable byte buffer that records are encoded into, at its end. */
    static final class Writer {
        byte[] buffer = new byte[256];
        int length;

        private void ensure(int extra) {
            if (length + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
            }
        }

        Writer u8(int value) {
            ensure(1);
            buffer[length++] = (byte) value;
            return this;
        }

        Writer u16(int value) {
            Assert.that(value >= 0 && value <= 0xFFFF, "u16 out of range");
            ensure(2);
            buffer[length++] = (byte) (value >>> 8);
            buffer[length++] = (byte) value;
            return this;
        }

        Writer i64(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (value >>> shift);
            }
            return this;
        }

        Writer string(String value) {
            if (isAscii(value)) {
                // Ids and asset codes are ASCII by their patterns: their UTF-8 is their chars.
                u16(value.length());
                ensure(value.length());
                for (int i = 0; i < value.length(); i++) {
                    buffer[length++] = (byte) value.charAt(i);
                }
                return this;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u16(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buffer, length, utf8.length);
            length += utf8.length;
            return this;
        }

        private static boolean isAscii(String value) {
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        Writer optionalString(String value) {
            u8(value == null ? 0 : 1);
            return value == null ? this : string(value);
        }

        Writer optionalLong(Long value) {
            u8(value == null ? 0 : 1);
            return value == null ? this : i64(value);
        }

        Writer metadata(Metadata metadata) {
            u16(metadata.values().size());
            if (!metadata.values().isEmpty()) {
                metadata.values().forEach((key, value) -> string(key).string(value));
            }
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, length);
        }
    }

    private static final class Reader {
        private final byte[] buffer;
        private int position;

        Reader(byte[] buffer) {
            this.buffer = buffer;
        }

        int u8() {
            return buffer[position++] & 0xFF;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        long i64() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | u8();
            }
            return value;
        }

        String string() {
            int length = u16();
            String value = new String(buffer, position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        String optionalString() {
            return u8() == 0 ? null : string();
        }

        Long optionalLong() {
            return u8() == 0 ? null : i64();
        }

        Metadata metadata() {
            int count = u16();
            TreeMap<String, String> values = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                values.put(string(), string());
            }
            return Metadata.of(values);
        }
    }
}
