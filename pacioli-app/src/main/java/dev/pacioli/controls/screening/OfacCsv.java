package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Limits;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * OFAC's published list files, exactly their layouts (docs/screening.md, OFAC files): {@code sdn.csv}
 * and {@code alt.csv}, comma-separated, no header, text in double quotes (commas inside them), lines
 * ending CRLF, {@code -0-} (usually followed by a space) for an empty value, and a file that ends with
 * a control character (SUB, 0x1A) after its last line.
 *
 * <ul>
 *   <li>{@code sdn.csv}: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
 *       GRT, Vess_flag, Vess_owner, Remarks. SDN_Type is {@code individual}, {@code vessel}, {@code
 *       aircraft}, or {@code -0-} for an entity. Digital currency addresses are written in Remarks as
 *       {@code Digital Currency Address - XBT 1A1z…;}: each becomes an address of the entry.
 *   <li>{@code alt.csv}: ent_num, alt_num, alt_type ({@code aka}, {@code fka}, {@code nka}), alt_name,
 *       alt_remarks.
 * </ul>
 *
 * Anything else (another column count, an ent_num that is not a number, an unknown type, no name, a
 * byte that is not UTF-8) is refused naming its line; nothing is kept of a refused file.
 */
public final class OfacCsv {
    static final int SDN_COLUMNS = 12;
    static final int ALT_COLUMNS = 5;
    private static final String NULL_MARKER = "-0-";
    private static final Pattern DIGITAL_CURRENCY =
            Pattern.compile("Digital Currency Address - ([A-Za-z0-9]+) ([^\\s;,]+)");
    private static final Set<String> ALT_TYPES = Set.of("aka", "fka", "nka");
    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(false).get();

    private OfacCsv() {}

    /** A file that is not in the layout; nothing of it is used. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        public final long line;

        Malformed(long line, String detail) {
            super("line " + line + ": " + detail, null, false, false);
            this.line = line;
        }
    }

    /** More entries than a list may hold; counted up to one past the limit. */
    public static final class TooMany extends Exception {
        private static final long serialVersionUID = 1L;

        TooMany() {
            super(null, null, false, false);
        }
    }

    /** The entries of an {@code sdn.csv}, in file order, with no aliases (those come from {@code alt.csv}). */
    public static List<ScreeningEntry> sdn(byte[] bytes, int entriesMax) throws Malformed, TooMany {
        List<ScreeningEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Row row : rows(bytes, SDN_COLUMNS)) {
            if (entries.size() == entriesMax) {
                throw new TooMany();
            }
            List<String> v = row.values();
            String id = entNum(row, v.get(0));
            if (!ids.add(id)) {
                throw new Malformed(row.line(), "ent_num " + id + " is given twice");
            }
            String name = required(row, v.get(1), "SDN_Name");
            EntryType type = type(row, v.get(2));
            entries.add(new ScreeningEntry(id, name, List.of(), type, List.of(), addresses(row, v.get(11))));
        }
        return entries;
    }

    /** The aliases of an {@code alt.csv} by ent_num, each entry's in file order. */
    public static Map<String, List<String>> alt(byte[] bytes) throws Malformed {
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        for (Row row : rows(bytes, ALT_COLUMNS)) {
            List<String> v = row.values();
            String id = entNum(row, v.get(0));
            entNum(row, v.get(1));
            String type = value(v.get(2));
            if (type == null || !ALT_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
                throw new Malformed(row.line(), "alt_type must be aka, fka or nka; got '" + v.get(2) + "'");
            }
            String name = required(row, v.get(3), "alt_name");
            List<String> list = aliases.computeIfAbsent(id, k -> new ArrayList<>());
            if (list.size() == ScreeningEntry.ALIASES_MAX) {
                throw new Malformed(
                        row.line(), "ent_num " + id + " has more than " + ScreeningEntry.ALIASES_MAX + " aliases");
            }
            list.add(name);
        }
        return aliases;
    }

    /** One record of the file and the line it starts on. */
    record Row(long line, List<String> values) {}

    private static List<Row> rows(byte[] bytes, int columns) throws Malformed {
        String text = withoutTrailingControls(decode(bytes));
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder()
                .setReader(new StringReader(text))
                .setFormat(FORMAT)
                .get()) {
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                List<String> values = record.toList();
                if (values.size() != columns) {
                    throw new Malformed(line, "has " + values.size() + " columns; this layout has " + columns);
                }
                for (String value : values) {
                    if (!Limits.isStorableText(value) || hasControl(value)) {
                        throw new Malformed(line, "holds a control character");
                    }
                }
                rows.add(new Row(line, values));
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            String problem = String.valueOf((e.getCause() == null ? e : e.getCause()).getMessage());
            throw new Malformed(lineOf(problem), "is not CSV: " + problem);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        return rows;
    }

    private static long lineOf(String problem) {
        Matcher line = Pattern.compile("line:? (\\d+)").matcher(problem);
        return line.find() ? Long.parseLong(line.group(1)) : 0;
    }

    private static String decode(byte[] bytes) throws Malformed {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(1, "the file is not UTF-8 text");
        }
    }

    /** The file without the control characters and blank space OFAC ends it with. */
    static String withoutTrailingControls(String text) {
        int end = text.length();
        while (end > 0 && (Character.isISOControl(text.charAt(end - 1)) || text.charAt(end - 1) == ' ')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
        }
        return false;
    }

    /** The value, or null for OFAC's empty marker or nothing. */
    static String value(String raw) {
        String value = raw.strip();
        return value.isEmpty() || value.equals(NULL_MARKER) ? null : value;
    }

    private static String entNum(Row row, String raw) throws Malformed {
        String value = value(raw);
        if (value == null || !value.matches("[0-9]{1,18}")) {
            throw new Malformed(row.line(), "ent_num must be a number; got '" + raw + "'");
        }
        return value;
    }

    private static String required(Row row, String raw, String column) throws Malformed {
        String value = value(raw);
        if (value == null) {
            throw new Malformed(row.line(), column + " is empty");
        }
        if (value.length() > ScreeningEntry.NAME_LENGTH_MAX) {
            throw new Malformed(
                    row.line(), column + " is longer than " + ScreeningEntry.NAME_LENGTH_MAX + " characters");
        }
        return value;
    }

    private static EntryType type(Row row, String raw) throws Malformed {
        String value = value(raw);
        if (value == null) {
            return EntryType.ENTITY;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "individual" -> EntryType.INDIVIDUAL;
            case "vessel" -> EntryType.VESSEL;
            case "aircraft" -> EntryType.AIRCRAFT;
            default ->
                throw new Malformed(
                        row.line(), "SDN_Type must be individual, vessel, aircraft or -0-; got '" + raw + "'");
        };
    }

    /** The digital currency addresses of a Remarks column, in order, each once. */
    static List<String> addresses(Row row, String remarks) throws Malformed {
        List<String> addresses = new ArrayList<>();
        if (value(remarks) == null) {
            return addresses;
        }
        Matcher matcher = DIGITAL_CURRENCY.matcher(remarks);
        while (matcher.find()) {
            String address = matcher.group(2);
            if (address.length() > ScreeningEntry.ADDRESS_LENGTH_MAX
                    || addresses.size() == ScreeningEntry.ADDRESSES_MAX) {
                throw new Malformed(row.line(), "Remarks holds an address that is too long, or too many");
            }
            if (!addresses.contains(address)) {
                addresses.add(address);
            }
        }
        return addresses;
    }
}
