package dev.pacioli.platform;

import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads a JSON request body field by field and collects every problem before answering, so one 400
 * lists every bad field. Nothing a client sends is ignored: a field the route does not know is an
 * error, a duplicate key is malformed JSON, a JSON null is refused unless the route names the field
 * nullable ({@link #orNull}), and an amount must be a positive integer that fits 64 bits, written as a
 * JSON integer or a string of digits.
 *
 * <p>Before any field is read, every string of the body, keys included, must be text PostgreSQL stores
 * as sent ({@link Limits#isStorableText}): a body with one that is not is refused whole, each such
 * string named {@code invalid_string}, so no route can hand one to storage.
 *
 * <p>Values that fail are returned as harmless placeholders (0, null) after recording the error; the
 * caller must call {@link #finish()} before using anything it read.
 */
public final class RequestReader {
    /**
     * Numbers of up to this many digits are parsed (then refused as amounts when too large), so an
     * overlong amount is {@code invalid_amount}, not malformed JSON; beyond it the JSON is refused.
     */
    private static final int NUMBER_DIGITS_MAX = 4_096;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(NUMBER_DIGITS_MAX)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Digits of the largest int64, 9223372036854775807. */
    private static final int INT64_DIGITS_MAX = 19;

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    /** Marks a field name given to {@link #body} as one that may be JSON null: {@code orNull("description")}. */
    private static final String NULLABLE = "?";

    private final List<FieldError> errors = new ArrayList<>();

    /** A field the request may send as JSON null, meaning the same as leaving it out. */
    public static String orNull(String name) {
        return name + NULLABLE;
    }

    /**
     * The body as a JSON object; an empty body reads as {@code {}}. Throws 400 malformed_json, or 400
     * listing every string that storage could not hold.
     */
    public Fields body(byte[] bytes, String... allowed) {
        JsonNode node;
        if (bytes.length == 0) {
            node = JsonNodeFactory.instance.objectNode();
        } else {
            try {
                node = MAPPER.readTree(bytes);
            } catch (JacksonException e) {
                throw new ApiException(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        List<FieldError> badStrings = new ArrayList<>();
        checkStrings(node, "", badStrings);
        if (!badStrings.isEmpty()) {
            throw ApiException.invalid(badStrings);
        }
        return new Fields(node, "", allowed);
    }

    /** Adds an {@code invalid_string} error for every string under {@code node}, keys included, storage cannot hold. */
    private static void checkStrings(JsonNode node, String path, List<FieldError> bad) {
        if (node.isString()) {
            if (!Limits.isStorableText(node.stringValue())) {
                bad.add(invalidString(path.isEmpty() ? "body" : path));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkStrings(node.get(i), path + "[" + i + "]", bad);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                String name = property.getKey();
                String childPath = (path.isEmpty() ? "" : path + ".") + printable(name);
                if (!Limits.isStorableText(name)) {
                    bad.add(invalidString(childPath));
                }
                checkStrings(property.getValue(), childPath, bad);
            }
        }
    }

    public static FieldError invalidString(String field) {
        return new FieldError(
                field,
                FieldError.INVALID_STRING,
                "must be well-formed UTF-8 text without U+0000 (no lone surrogate); nothing was stored");
    }

    /**
     * The string with every character storage cannot hold replaced by U+FFFD, so that a field path or a
     * detail naming it can itself be written.
     */
    public static String printable(String text) {
        if (Limits.isStorableText(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    public void add(String field, String code, String detail) {
        errors.add(new FieldError(field, code, detail));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws the 400 when anything read so far was bad. */
    public void finish() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /** One JSON object of the request, at {@code path}. */
    public final class Fields {
        private final JsonNode node;
        private final String path;

        private Fields(JsonNode node, String path, String... allowed) {
            this.node = node;
            this.path = path;
            Set<String> known = new HashSet<>();
            Set<String> nullable = new HashSet<>();
            for (String name : allowed) {
                boolean orNull = name.endsWith(NULLABLE);
                String bare = orNull ? name.substring(0, name.length() - NULLABLE.length()) : name;
                known.add(bare);
                if (orNull) {
                    nullable.add(bare);
                }
            }
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                String name = property.getKey();
                if (!known.contains(name)) {
                    add(pathOf(name), FieldError.UNKNOWN_FIELD, "this request has no field '" + name + "'");
                } else if (property.getValue().isNull() && !nullable.contains(name)) {
                    add(pathOf(name), FieldError.INVALID_TYPE, "must not be null; leave the field out instead");
                }
            }
        }

        private String pathOf(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        /** The value of {@code name}, or null when absent or JSON null. */
        private JsonNode value(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        private boolean missing(String name, boolean required) {
            if (value(name) != null) {
                return false;
            }
            // A null that is not allowed was answered when the object was read.
            if (required && !node.has(name)) {
                add(pathOf(name), FieldError.REQUIRED, "is required");
            }
            return true;
        }

        /** A client-chosen identifier: {@code ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$}. */
        public String identifier(String name, boolean required) {
            String text = string(name, required, Limits.IDENTIFIER_LENGTH_MAX);
            if (text != null && !Limits.isIdentifier(text)) {
                add(pathOf(name), FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
                return null;
            }
            return text;
        }

        public String assetCode(String name) {
            String text = string(name, true, Limits.ASSET_CODE_LENGTH_MAX);
            if (text != null && !Limits.isAssetCode(text)) {
                add(pathOf(name), FieldError.INVALID_FORMAT, "must match ^[A-Z][A-Z0-9_]{0,15}$");
                return null;
            }
            return text;
        }

        /** A string of at most {@code lengthMax} characters, or null when absent and optional. */
        public String string(String name, boolean required, int lengthMax) {
            if (missing(name, required)) {
                return null;
            }
            JsonNode value = value(name);
            if (!value.isString()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be a string");
                return null;
            }
            String text = value.stringValue();
            if (text.length() > lengthMax) {
                add(pathOf(name), FieldError.TOO_LONG, "is longer than " + lengthMax + " characters");
                return null;
            }
            return text;
        }

        /** A positive amount in minor units that fits a signed 64-bit integer; 0 when absent or bad. */
        public long amount(String name, boolean required) {
            if (missing(name, required)) {
                return 0;
            }
            BigInteger amount = integer(value(name), false);
            if (amount == null || amount.signum() <= 0 || amount.compareTo(LONG_MAX) > 0) {
                add(
                        pathOf(name),
                        FieldError.INVALID_AMOUNT,
                        "must be a positive integer of minor units below 2^63, as a number or a string of digits");
                return 0;
            }
            return amount.longValueExact();
        }

        /** A signed 64-bit integer or null (absent or JSON null): balance bounds. */
        public Long signedLong(String name) {
            if (missing(name, false)) {
                return null;
            }
            BigInteger value = integer(value(name), true);
            if (value == null) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be an integer of minor units, or null");
                return null;
            }
            if (value.compareTo(LONG_MAX) > 0 || value.compareTo(LONG_MIN) < 0) {
                add(pathOf(name), FieldError.OUT_OF_RANGE, "must fit a signed 64-bit integer");
                return null;
            }
            return value.longValueExact();
        }

        /** An integer in {@code min..max}, or null when absent. */
        public Long integerInRange(String name, long min, long max) {
            if (missing(name, false)) {
                return null;
            }
            JsonNode value = value(name);
            if (!value.isIntegralNumber()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be an integer");
                return null;
            }
            BigInteger number = value.bigIntegerValue();
            if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
                add(pathOf(name), FieldError.OUT_OF_RANGE, "must be " + min + " to " + max);
                return null;
            }
            return number.longValueExact();
        }

        public boolean flag(String name, boolean absent) {
            if (missing(name, false)) {
                return absent;
            }
            JsonNode value = value(name);
            if (!value.isBoolean()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be true or false");
                return absent;
            }
            return value.booleanValue();
        }

        /** One of the named choices; {@code absent} when the field is absent. */
        public <E> E choice(String name, Map<String, E> choices, E absent) {
            String text = string(name, absent == null, 64);
            if (text == null) {
                return absent;
            }
            E choice = choices.get(text);
            if (choice == null) {
                add(pathOf(name), FieldError.INVALID_VALUE, "must be one of " + new TreeMap<>(choices).keySet());
                return absent;
            }
            return choice;
        }

        /** String keys to string values within the metadata limits; empty when absent. */
        public Metadata metadata(String name) {
            if (missing(name, false)) {
                return Metadata.EMPTY;
            }
            JsonNode value = value(name);
            if (!value.isObject()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be an object of string values");
                return Metadata.EMPTY;
            }
            Map<String, String> values = new TreeMap<>();
            boolean typesOk = true;
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (!entry.getValue().isString()) {
                    add(pathOf(name) + "." + entry.getKey(), FieldError.INVALID_TYPE, "metadata values are strings");
                    typesOk = false;
                } else {
                    values.put(entry.getKey(), entry.getValue().stringValue());
                }
            }
            String problem = Metadata.problem(values);
            if (problem != null) {
                add(
                        pathOf(name),
                        values.size() > Limits.METADATA_KEYS_MAX ? FieldError.TOO_MANY : FieldError.TOO_LONG,
                        problem);
                return Metadata.EMPTY;
            }
            return typesOk ? Metadata.of(values) : Metadata.EMPTY;
        }

        /** The elements of an array of {@code min..max} items; empty when absent (recorded if required) or bad. */
        public List<JsonNode> array(String name, boolean required, int min, int max) {
            if (missing(name, required)) {
                return List.of();
            }
            JsonNode value = value(name);
            if (!value.isArray()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be an array");
                return List.of();
            }
            if (value.size() < min || value.size() > max) {
                add(
                        pathOf(name),
                        value.size() > max ? FieldError.TOO_MANY : FieldError.OUT_OF_RANGE,
                        "must hold " + min + " to " + max + " items");
                return List.of();
            }
            List<JsonNode> items = new ArrayList<>(value.size());
            value.values().forEach(items::add);
            return items;
        }

        /** True when the field is present and not null. */
        public boolean has(String name) {
            return value(name) != null;
        }

        /**
         * Item {@code index} of array {@code name}, read as an object with the allowed fields; null (the
         * error recorded) when the item is not an object, so its fields are not reported missing too.
         */
        public Fields item(String name, int index, JsonNode item, String... allowed) {
            String itemPath = pathOf(name) + "[" + index + "]";
            if (!item.isObject()) {
                add(itemPath, FieldError.INVALID_TYPE, "must be an object");
                return null;
            }
            return new Fields(item, itemPath, allowed);
        }

        /**
         * Field {@code name} read as an object with the allowed fields. Absent: null (recorded when
         * required), or an empty object when optional; not an object: null, the error recorded.
         */
        public Fields object(String name, boolean required, String... allowed) {
            if (missing(name, required)) {
                return required ? null : new Fields(JsonNodeFactory.instance.objectNode(), pathOf(name), allowed);
            }
            JsonNode value = value(name);
            if (!value.isObject()) {
                add(pathOf(name), FieldError.INVALID_TYPE, "must be an object");
                return null;
            }
            return new Fields(value, pathOf(name), allowed);
        }

        public String path(String name) {
            return pathOf(name);
        }

        /** The object itself, for a field whose names are data (a map keyed by asset code). */
        public JsonNode node() {
            return node;
        }

        public RequestReader reader() {
            return RequestReader.this;
        }
    }

    /** A JSON integer, or a string of digits (with a leading minus when {@code signed}); null otherwise. */
    private static BigInteger integer(JsonNode value, boolean signed) {
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isString()) {
            String text = value.stringValue();
            int start = signed && text.startsWith("-") ? 1 : 0;
            int digits = text.length() - start;
            if (digits < 1 || digits > INT64_DIGITS_MAX + 1) {
                return null;
            }
            for (int i = start; i < text.length(); i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return null;
                }
            }
            return new BigInteger(text);
        }
        return null;
    }
}
