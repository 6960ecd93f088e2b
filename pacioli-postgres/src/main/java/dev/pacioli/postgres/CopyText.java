package dev.pacioli.postgres;

import java.util.Map;

/**
 * JSON text for metadata: the body of a jsonb value in a binary COPY ({@link CopyBinary}) and of
 * metadata query parameters. The batch commit wrote COPY text rows here once; since it moved to the
 * binary format (the server parses nothing), only this JSON writer is left.
 */
final class CopyText {
    private CopyText() {}

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
