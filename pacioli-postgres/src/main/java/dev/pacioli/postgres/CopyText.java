package dev.pacioli.postgres;

import dev.pacioli.ledger.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Rows in PostgreSQL's COPY text format: columns separated by tabs, rows by newlines, backslash escapes,
 * {@code \N} for null. One instance builds one table's rows for one batch; the whole table then goes in
 * one COPY, one round trip.
 */
final class CopyText {
    private final StringBuilder text = new StringBuilder(4096);
    private boolean rowStarted;
    private int rows;

    CopyText text(String value) {
        separator();
        if (value == null) {
            text.append("\\N");
        } else {
            escape(value);
        }
        return this;
    }

    CopyText number(long value) {
        separator();
        text.append(value);
        return this;
    }

    CopyText nullableNumber(Long value) {
        return value == null ? text(null) : number(value);
    }

    CopyText bool(boolean value) {
        separator();
        text.append(value ? 't' : 'f');
        return this;
    }

    /** bytea in hex form; the backslash of {@code \x} is itself escaped for COPY. */
    CopyText bytes(byte[] value) {
        separator();
        text.append("\\\\x");
        for (byte b : value) {
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return this;
    }

    CopyText timestamp(long micros) {
        separator();
        Timestamps.appendSql(text, micros);
        return this;
    }

    CopyText json(Metadata metadata) {
        StringBuilder json = new StringBuilder(16 + metadata.values().size() * 32);
        Json.appendObject(json, metadata.values());
        separator();
        escape(json);
        return this;
    }

    void endRow() {
        text.append('\n');
        rowStarted = false;
        rows++;
    }

    int rows() {
        return rows;
    }

    byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void separator() {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
    }

    private void escape(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c);
            }
        }
    }

    /** JSON text for string-to-string objects: all the storage layer writes. */
    static final class Json {
        private Json() {}

        static void appendObject(StringBuilder out, Map<String, String> values) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> entry : values.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, entry.getKey());
                out.append(':');
                appendString(out, entry.getValue());
            }
            out.append('}');
        }

        static String object(Map<String, String> values) {
            StringBuilder out = new StringBuilder();
            appendObject(out, values);
            return out.toString();
        }

        static void appendString(StringBuilder out, String value) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }
    }
}
