package dev.pacioli.platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The classes of input that break text handling somewhere between a client and PostgreSQL, and the
 * encodings that deliver them to the server exactly as meant.
 *
 * <p>A troublesome text is appended to a valid value ({@code "wallet"} becomes {@code "wallet\u0000b"}),
 * so that the trouble is the only thing wrong with the request. Four of them are text PostgreSQL cannot
 * store as sent (U+0000 and three kinds of unpaired surrogate); the API must refuse those in every
 * string. The others are legal text that a lax layer might mangle (control characters, a character
 * beyond the BMP, right-to-left marks, a string far over every limit); the API may refuse them where a
 * format or a length forbids them, and must otherwise store them exactly.
 *
 * <p>Encodings: a Java string holding an unpaired surrogate becomes {@code '?'} when encoded as UTF-8,
 * so bodies carry surrogates as JSON escapes ({@link #json}), and paths and queries carry them as the
 * three bytes a naive UTF-16-to-UTF-8 encoder writes ({@link #percentEncoded}), which are not UTF-8.
 */
final class TroublesomeInput {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Over every length limit of the API (1024 for a description, 2048 for a URL). */
    static final int LONG_TEXT_LENGTH = 10_000;

    /**
     * A troublesome text.
     *
     * @param unstorable whether PostgreSQL cannot store it as sent, so every route must refuse it with
     *     {@code invalid_string}
     */
    record Text(String name, String suffix, boolean unstorable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Text> TEXTS = List.of(
            new Text("U+0000", "a\u0000b", true),
            new Text("a lone high surrogate", "a\ud800b", true),
            new Text("a lone low surrogate", "a\udc00b", true),
            new Text("a reversed surrogate pair", "\udc00\ud83d", true),
            new Text("U+0001", "a\u0001b", false),
            new Text("U+001F", "a\u001fb", false),
            new Text("U+007F", "a\u007fb", false),
            new Text("a 4-byte character (U+1F600)", "a\ud83d\ude00b", false),
            new Text("a right-to-left mark", "a\u200fb", false),
            new Text("a right-to-left override", "a\u202eb", false),
            new Text(LONG_TEXT_LENGTH + " characters", "x".repeat(LONG_TEXT_LENGTH), false));

    /** JSON values of other types, sent where a string belongs. */
    static final Map<String, JsonNode> NOT_STRINGS = Map.of(
            "JSON null", NODES.nullNode(),
            "a number", NODES.numberNode(42),
            "true", NODES.booleanNode(true),
            "an object", NODES.objectNode().put("k", "v"),
            "an array", NODES.arrayNode().add("v"));

    private TroublesomeInput() {}

    /** The body as JSON text with every unpaired surrogate written as a {@code \\uXXXX} escape. */
    static String json(JsonNode body) {
        String text = JSON.writeValueAsString(body);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                // Outside a JSON string a surrogate cannot occur, so this escape is always inside one.
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Parses a body written by a test (its own strings hold no unpaired surrogate). */
    static ObjectNode parse(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    /**
     * Percent-encoded UTF-8 for a path segment or a query component; an unpaired surrogate is written
     * as its three bytes (CESU-8), which no UTF-8 decoder accepts.
     */
    static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (isUnreserved(codePoint)) {
                out.append((char) codePoint);
                continue;
            }
            byte[] bytes = Character.isSurrogate((char) codePoint)
                    ? surrogateBytes((char) codePoint)
                    : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
            for (byte b : bytes) {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0;
    }

    private static byte[] surrogateBytes(char c) {
        return new byte[] {(byte) (0xE0 | (c >> 12)), (byte) (0x80 | ((c >> 6) & 0x3F)), (byte) (0x80 | (c & 0x3F))};
    }

    // ---- Where a body holds strings ---------------------------------------------------------------

    /**
     * A place in a body that holds a string: the value at {@code steps} (field names and array indexes
     * from the root), or, when {@code key}, the last step's name as a key of a metadata object.
     */
    record Location(List<Object> steps, boolean key) {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (Object step : steps) {
                out.append(step instanceof Integer index ? "[" + index + "]" : (out.isEmpty() ? "" : ".") + step);
            }
            return key ? "the key " + out : out.toString();
        }

        /** The body with this place's string replaced (or its key renamed) to {@code replacement}. */
        ObjectNode with(ObjectNode body, JsonNode replacement) {
            ObjectNode copy = body.deepCopy();
            JsonNode parent = copy;
            for (Object step : steps.subList(0, steps.size() - 1)) {
                parent = step instanceof Integer index ? parent.get(index) : parent.get((String) step);
            }
            Object last = steps.getLast();
            if (key) {
                ObjectNode object = (ObjectNode) parent;
                JsonNode value = object.remove((String) last);
                object.set(replacement.stringValue(), value);
            } else if (last instanceof Integer index) {
                ((ArrayNode) parent).set(index, replacement);
            } else {
                ((ObjectNode) parent).set((String) last, replacement);
            }
            return copy;
        }

        /** The string at this place in {@code body}. */
        String original(ObjectNode body) {
            return key ? (String) steps.getLast() : body.at(pointer()).stringValue();
        }

        private String pointer() {
            StringBuilder out = new StringBuilder();
            steps.forEach(step -> out.append('/').append(OpenApiContract.escape(step.toString())));
            return out.toString();
        }
    }

    /** Every string value of the body, every array item that is a string, and every key of a metadata object. */
    static List<Location> strings(JsonNode body) {
        List<Location> found = new ArrayList<>();
        collect(body, new ArrayList<>(), found);
        return found;
    }

    private static void collect(JsonNode node, List<Object> steps, List<Location> found) {
        if (node.isString()) {
            found.add(new Location(List.copyOf(steps), false));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                steps.add(i);
                collect(node.get(i), steps, found);
                steps.removeLast();
            }
        } else if (node.isObject()) {
            boolean metadata = !steps.isEmpty() && "metadata".equals(steps.getLast());
            for (String name : node.propertyNames()) {
                steps.add(name);
                if (metadata) {
                    found.add(new Location(List.copyOf(steps), true));
                }
                collect(node.get(name), steps, found);
                steps.removeLast();
            }
        }
    }
}
