package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Asset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV statement read through a saved {@link CsvMapping} with Commons CSV (quotes, embedded commas and
 * line breaks as RFC 4180 has them). The first row is the header. UTF-8, strictly: a byte that is not
 * refuses the file. A refusal names the line (the header is line 1) and the column.
 */
public final class CsvStatements {
    private CsvStatements() {}

    public static StatementFile read(byte[] csv, CsvMapping mapping, Asset asset) {
        DateTimeFormatter dates = DateTimeFormatter.ofPattern(mapping.dateFormat());
        Reader reader = new InputStreamReader(
                new ByteArrayInputStream(csv),
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .setTrim(true)
                .get();
        List<StatementFile.Line> lines = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            Map<String, Integer> header = parser.getHeaderMap();
            for (Map.Entry<String, String> column : mapping.columns().entrySet()) {
                if (!header.containsKey(column.getValue())) {
                    throw new StatementFile.Refused(
                            "invalid_statement",
                            "line 1",
                            "line 1: no column '" + column.getValue() + "' (the mapping's " + column.getKey() + ")");
                }
            }
            if (mapping.signColumn() != null && !header.containsKey(mapping.signColumn())) {
                throw new StatementFile.Refused(
                        "invalid_statement", "line 1", "line 1: no column '" + mapping.signColumn() + "' (the sign)");
            }
            for (CSVRecord record : parser) {
                if (lines.size() == StatementFile.LINES_MAX) {
                    String at = "line " + (record.getRecordNumber() + 1);
                    throw new StatementFile.Refused(
                            "too_many_lines",
                            at,
                            at + ": a statement holds up to " + StatementFile.LINES_MAX + " lines");
                }
                lines.add(line(record, mapping, asset, dates));
            }
        } catch (UncheckedIOException | IOException e) {
            Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
            String problem = cause instanceof CharacterCodingException ? "not UTF-8" : String.valueOf(e.getMessage());
            throw new StatementFile.Refused("invalid_statement", "file", "malformed CSV: " + problem);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StatementFile.Refused("invalid_statement", "file", "malformed CSV: " + e.getMessage());
        }
        return new StatementFile("csv", null, null, null, lines);
    }

    private static StatementFile.Line line(CSVRecord record, CsvMapping mapping, Asset asset, DateTimeFormatter dates) {
        String at = "line " + (record.getRecordNumber() + 1);
        if (!record.isConsistent()) {
            throw new StatementFile.Refused(
                    "invalid_statement", at, at + ": " + record.size() + " fields; the header has a different count");
        }
        String currency = value(record, mapping, "currency");
        if (currency != null && !currency.equals(asset.code())) {
            throw new StatementFile.Refused(
                    "currency_mismatch", at, at + ": currency " + currency + "; the account holds " + asset.code());
        }
        long amount = amount(record, mapping, asset, at);
        return new StatementFile.Line(
                value(record, mapping, "external_id"),
                date(record, mapping, "date", dates, at),
                mapping.column("value_date") == null ? null : date(record, mapping, "value_date", dates, at),
                amount,
                value(record, mapping, "reference"),
                value(record, mapping, "end_to_end_id"),
                value(record, mapping, "counterparty"),
                value(record, mapping, "description"));
    }

    private static long amount(CSVRecord record, CsvMapping mapping, Asset asset, String at) {
        String text = value(record, mapping, "amount");
        String where = at + ", column " + mapping.column("amount");
        BigDecimal value;
        try {
            value = new BigDecimal(text == null ? "" : text);
        } catch (NumberFormatException e) {
            throw new StatementFile.Refused("invalid_statement", where, where + ": '" + text + "' is not a number");
        }
        long minor = mapping.amountInMinorUnits()
                ? StatementFile.minorUnits(value, 0, where)
                : StatementFile.minorUnits(value, asset.scale(), where);
        if (mapping.signColumn() == null) {
            return minor;
        }
        String sign = record.get(mapping.signColumn());
        if (minor < 0) {
            throw new StatementFile.Refused(
                    "invalid_statement",
                    where,
                    where + ": negative, while column " + mapping.signColumn() + " signs it");
        }
        if (sign.equals(mapping.credit())) {
            return minor;
        }
        if (sign.equals(mapping.debit())) {
            return -minor;
        }
        throw new StatementFile.Refused(
                "invalid_statement",
                at + ", column " + mapping.signColumn(),
                at + ": '" + sign + "' is neither '" + mapping.debit() + "' nor '" + mapping.credit() + "'");
    }

    private static LocalDate date(
            CSVRecord record, CsvMapping mapping, String field, DateTimeFormatter dates, String at) {
        String text = value(record, mapping, field);
        try {
            return LocalDate.parse(text == null ? "" : text, dates);
        } catch (DateTimeParseException e) {
            String where = at + ", column " + mapping.column(field);
            throw new StatementFile.Refused(
                    "invalid_statement", where, where + ": '" + text + "' is not a date in " + mapping.dateFormat());
        }
    }

    private static String value(CSVRecord record, CsvMapping mapping, String field) {
        String column = mapping.column(field);
        if (column == null) {
            return null;
        }
        String value = record.get(column);
        return value == null || value.isEmpty() ? null : value;
    }
}
