package dev.pacioli.postgres;

import dev.pacioli.ledger.Metadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Rows in PostgreSQL's binary COPY format: a header, then per row a 16-bit column count and per column
 * a 32-bit length (-1 for null) and the value in the type's binary send format, then a trailer. One
 * instance builds one table's rows for one batch; the whole table then goes in one COPY, one round
 * trip.
 *
 * <p>Binary rather than text because the server then parses nothing: no timestamps or hex bytea to
 * decode, no escapes — for a batch commit of tens of thousands of rows, that is the server's CPU
 * the commit is bounded by. The price is strictness: each value must be sent in exactly its column's
 * type ({@link #smallint} for a smallint column, {@link #bigint} for a bigint one), which the store's
 * tests check against the real schema.
 */
final class CopyBinary {
    private static final byte[] HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    /** PostgreSQL counts timestamps in microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
    /** The element types of the arrays this class writes, as the array's binary form names them. */
    private static final int TEXT_OID = 25;

    private static final int BIGINT_OID = 20;
    /** The version byte that starts jsonb's binary form, followed by the JSON text. */
    private static final int JSONB_VERSION = 1;

    private final int columns;
    private byte[] buffer;
    private int length;
    private int rows;
    private int columnsInRow;

    /**
     * Rows of {@code columns} columns, about {@code expectedRows} of {@code bytesPerRow} each: a buffer
     * sized once for a whole batch rather than grown by copying while the commit waits (a batch's
     * journal is a few megabytes).
     */
    CopyBinary(int columns, int expectedRows, int bytesPerRow) {
        this.columns = columns;
        this.buffer = new byte[(int) Math.min(Integer.MAX_VALUE - 16, 64L + (long) expectedRows * bytesPerRow)];
        write(HEADER, 0, HEADER.length);
    }

    CopyBinary bigint(long value) {
        startColumn(8);
        putLong(value);
        return this;
    }

    CopyBinary nullableBigint(Long value) {
        return value == null ? nullValue() : bigint(value);
    }

    CopyBinary smallint(int value) {
        if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
            throw new IllegalArgumentException("not a smallint: " + value);
        }
        startColumn(2);
        ensure(2);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
        return this;
    }

    CopyBinary bool(boolean value) {
        startColumn(1);
        ensure(1);
        buffer[length++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** text (null allowed). */
    CopyBinary text(String value) {
        if (value == null) {
            return nullValue();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        startColumn(utf8.length);
        write(utf8, 0, utf8.length);
        return this;
    }

    CopyBinary bytes(byte[] value) {
        return bytes(value, 0, value.length);
    }

    /** bytea: {@code count} bytes of {@code value} from {@code offset}. */
    CopyBinary bytes(byte[] value, int offset, int count) {
        startColumn(count);
        write(value, offset, count);
        return this;
    }

    CopyBinary timestamp(long epochMicros) {
        startColumn(8);
        putLong(Math.subtractExact(epochMicros, POSTGRES_EPOCH_MICROS));
        return this;
    }

    CopyBinary jsonb(Metadata metadata) {
        StringBuilder json = new StringBuilder(2 + metadata.values().size() * 32);
        CopyText.Json.appendObject(json, metadata.values());
        byte[] utf8 = json.toString().getBytes(StandardCharsets.UTF_8);
        startColumn(1 + utf8.length);
        ensure(1);
        buffer[length++] = JSONB_VERSION;
        write(utf8, 0, utf8.length);
        return this;
    }

    /** A one-dimensional text[] of one field of each item, in order; no element is null. */
    <T> CopyBinary textArray(List<T> items, Function<T, String> field) {
        int lengthAt = startArray(items.size(), TEXT_OID);
        for (T item : items) {
            byte[] utf8 = field.apply(item).getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            write(utf8, 0, utf8.length);
        }
        return endArray(lengthAt);
    }

    /** A one-dimensional bigint[] of one field of each item, in order. */
    <T> CopyBinary bigintArray(List<T> items, ToLongFunction<T> field) {
        int lengthAt = startArray(items.size(), BIGINT_OID);
        for (T item : items) {
            putInt(8);
            putLong(field.applyAsLong(item));
        }
        return endArray(lengthAt);
    }

    /** A bigint[] of {@code values}, or null when the list is. */
    CopyBinary nullableBigintArray(List<Long> values) {
        return values == null ? nullValue() : bigintArray(values, Long::longValue);
    }

    /**
     * Writes an array's header (one dimension, no nulls, its element type, its size, lower bound 1)
     * behind a placeholder for the column's length; returns where that length goes.
     */
    private int startArray(int size, int elementOid) {
        startColumn(0);
        int lengthAt = length - 4;
        putInt(1);
        putInt(0);
        putInt(elementOid);
        putInt(size);
        putInt(1);
        return lengthAt;
    }

    private CopyBinary endArray(int lengthAt) {
        putIntAt(lengthAt, length - lengthAt - 4);
        return this;
    }

    void endRow() {
        if (columnsInRow != columns) {
            throw new IllegalStateException("a row has " + columnsInRow + " columns, the COPY names " + columns);
        }
        columnsInRow = 0;
        rows++;
    }

    int rows() {
        return rows;
    }

    /** The rows with the trailer, ready for {@code copy … from stdin with (format binary)}. */
    ByteArrayInputStream stream() {
        if (columnsInRow != 0) {
            throw new IllegalStateException("the last row is not finished");
        }
        ensure(2);
        buffer[length] = (byte) 0xFF;
        buffer[length + 1] = (byte) 0xFF;
        return new ByteArrayInputStream(buffer, 0, length + 2);
    }

    private CopyBinary nullValue() {
        startColumn(-1);
        return this;
    }

    /** Writes the row's column count before its first column, then the column's length. */
    private void startColumn(int valueLength) {
        if (columnsInRow == 0) {
            ensure(2);
            buffer[length++] = (byte) (columns >>> 8);
            buffer[length++] = (byte) columns;
        }
        columnsInRow++;
        putInt(valueLength);
    }

    private void putInt(int value) {
        ensure(4);
        putIntAt(length, value);
        length += 4;
    }

    private void putIntAt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    private void putLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[length++] = (byte) (value >>> shift);
        }
    }

    private void write(byte[] bytes, int offset, int count) {
        ensure(count);
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    private void ensure(int extra) {
        if (length + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
        }
    }
}
