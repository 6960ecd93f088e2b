package dev.pacioli.payments.inbound;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.Limits;
import dev.pacioli.payments.inbound.InboundEvent.Amount;
import dev.pacioli.platform.RequestReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of a verified provider body without ever throwing: a field that is absent, of
 * another JSON type, too long, or not text PostgreSQL can store ({@link Limits#isStorableText}) reads
 * as null, so the event it belonged to becomes {@link InboundEvent.Kind#UNKNOWN} with what could be
 * read, instead of an error on a request the provider will retry forever.
 */
final class EventFields {
    /** Provider ids (events, objects, references) are far shorter; a longer one is not an id. */
    static final int ID_LENGTH_MAX = 255;

    /** A failure reason longer than this is cut: it is for people, the start says what happened. */
    static final int REASON_LENGTH_MAX = Limits.DESCRIPTION_LENGTH_MAX;

    /** The metadata key that carries the payout's id on a provider's object (Stripe, Circle). */
    static final String PAYOUT_METADATA_KEY = "pacioli_payout";

    /** A decimal amount in major units as Circle and Coinbase write it: {@code "3.14"}, {@code "1"}. */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,30})?");

    private EventFields() {}

    /**
     * The body's JSON object, or null when it is not one. Read with the API's own strict reader, so a
     * body with a duplicate key (two readings of one field) is not an event either.
     */
    static JsonNode parse(byte[] body) {
        try {
            JsonNode root = RequestReader.MAPPER.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The object at the path below the node, or null when any step is missing or not an object. */
    static JsonNode object(JsonNode node, String... path) {
        JsonNode current = node;
        for (String name : path) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(name);
        }
        return current != null && current.isObject() ? current : null;
    }

    /** A string field of at most {@link #ID_LENGTH_MAX} characters, not empty; else null. */
    static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || !value.isString()) {
            return null;
        }
        String text = value.stringValue();
        return !text.isEmpty() && text.length() <= ID_LENGTH_MAX && Limits.isStorableText(text) ? text : null;
    }

    /** A human reason, cut to {@link #REASON_LENGTH_MAX} characters (never inside a surrogate pair). */
    static String reason(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || !value.isString() || value.stringValue().isEmpty()) {
            return null;
        }
        String text = value.stringValue();
        if (text.length() > REASON_LENGTH_MAX) {
            int end = Character.isHighSurrogate(text.charAt(REASON_LENGTH_MAX - 1))
                    ? REASON_LENGTH_MAX - 1
                    : REASON_LENGTH_MAX;
            text = text.substring(0, end);
        }
        return Limits.isStorableText(text) ? text : null;
    }

    /**
     * A deposit's originator as the provider names them, for screening: null when it names no one. A
     * name is cut to what screening reads (never dropped: a long name must not escape it); a country
     * that is no ISO 3166 alpha-2 code is left out; an address is an id-like string.
     */
    static Subject originator(
            JsonNode nameNode,
            String nameField,
            JsonNode countryNode,
            String countryField,
            JsonNode addressNode,
            String addressField) {
        String name = nameNode == null ? null : nameNode.path(nameField).stringValue(null);
        if (name != null && name.length() > Subject.NAME_LENGTH_MAX) {
            name = name.substring(0, Subject.NAME_LENGTH_MAX);
        }
        if (name != null && (name.isBlank() || !Limits.isStorableText(name))) {
            name = null;
        }
        String country = text(countryNode, countryField);
        country = country == null ? null : country.toUpperCase(Locale.ROOT);
        if (country != null && !country.matches("[A-Z]{2}")) {
            country = null;
        }
        String address = text(addressNode, addressField);
        return name == null && country == null && address == null ? null : new Subject(name, country, address);
    }

    /** An id given by a header (the Standard Webhooks {@code webhook-id}) when it is usable as one. */
    static String headerId(String value) {
        return value != null && !value.isEmpty() && value.length() <= ID_LENGTH_MAX && Limits.isStorableText(value)
                ? value
                : null;
    }

    /**
     * An object's metadata as string pairs: strings as they are, numbers and booleans as their JSON
     * text, anything else (null, objects, arrays) left out, as is any pair the ledger's metadata could
     * not hold (key or value too long, more keys or bytes than allowed, text that cannot be stored).
     */
    static Map<String, String> metadata(JsonNode node) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return pairs;
        }
        int bytes = 0;
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String key = property.getKey();
            String value = scalar(property.getValue());
            if (value == null || !fits(key, value) || pairs.size() == Limits.METADATA_KEYS_MAX) {
                continue;
            }
            int size = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > Limits.METADATA_BYTES_MAX) {
                continue;
            }
            bytes += size;
            pairs.put(key, value);
        }
        return pairs;
    }

    private static String scalar(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        return value.isNumber() || value.isBoolean() ? value.toString() : null;
    }

    private static boolean fits(String key, String value) {
        return !key.isEmpty()
                && key.length() <= Limits.METADATA_KEY_LENGTH_MAX
                && value.length() <= Limits.METADATA_VALUE_LENGTH_MAX
                && Limits.isStorableText(key)
                && Limits.isStorableText(value);
    }

    /** An amount in minor units written as a positive JSON integer (Stripe, the http protocol); else null. */
    static Amount minorUnits(JsonNode value, String currency) {
        if (value == null || !value.isIntegralNumber() || currency == null) {
            return null;
        }
        BigInteger units = value.bigIntegerValue();
        return units.signum() > 0 ? new Amount(units.toString(), true, currency) : null;
    }

    /**
     * A money object {@code {"amount": "3.14", "currency": "USD"}} in major units (Circle, Coinbase
     * Commerce), when the amount is a positive plain decimal; else null.
     */
    static Amount decimal(JsonNode money) {
        String value = text(money, "amount");
        String currency = text(money, "currency");
        if (value == null || currency == null || !DECIMAL.matcher(value).matches()) {
            return null;
        }
        return new BigDecimal(value).signum() > 0 ? new Amount(value, false, currency) : null;
    }

    /**
     * The event id of a body that carries none we can read: {@code sha256:} and the hex SHA-256 of
     * the body, so the same body delivered twice is still one event.
     */
    static String digestId(byte[] body) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
