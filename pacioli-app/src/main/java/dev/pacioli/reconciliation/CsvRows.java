package dev.pacioli.reconciliation;

import java.util.List;

/**
 * CSV rows as RFC 4180 writes them: a field with a comma, quote or line break is quoted, its quotes
 * doubled; rows end in CRLF; null is an empty field. (Commons CSV's printer carries annotations this
 * build cannot read without another dependency; writing is this small.)
 */
final class CsvRows {
    private CsvRows() {}

    static void row(StringBuilder out, List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object field = fields.get(i);
            String text = field == null ? "" : String.valueOf(field);
            if (text.indexOf(',') >= 0
                    || text.indexOf('"') >= 0
                    || text.indexOf('\n') >= 0
                    || text.indexOf('\r') >= 0) {
                out.append('"').append(text.replace("\"", "\"\"")).append('"');
            } else {
                out.append(text);
            }
        }
        out.append("\r\n");
    }
}
