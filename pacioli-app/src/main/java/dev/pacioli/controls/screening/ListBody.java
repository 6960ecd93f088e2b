package dev.pacioli.controls.screening;

import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The JSON bodies of screening: a list's entries and countries, and what a check screens. */
final class ListBody {
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Map<String, EntryType> TYPES = Map.of(
            "individual", EntryType.INDIVIDUAL,
            "entity", EntryType.ENTITY,
            "vessel", EntryType.VESSEL,
            "aircraft", EntryType.AIRCRAFT);

    private ListBody() {}

    /** {@code {"entries": [...], "blocked_countries": [...]}}; every bad field in one 400. */
    static ScreeningStore.Version read(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "entries", "blocked_countries");
        JsonNode raw = body.node().get("entries");
        if (raw != null && raw.isArray() && raw.size() > ScreeningRoutes.ENTRIES_MAX) {
            throw ScreeningRoutes.tooMany();
        }
        List<JsonNode> items = body.array("entries", true, 0, ScreeningRoutes.ENTRIES_MAX);
        List<ScreeningEntry> entries = new ArrayList<>(items.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item =
                    body.item("entries", i, items.get(i), "id", "name", "aliases", "type", "countries", "addresses");
            if (item == null) {
                continue;
            }
            ScreeningEntry entry = entry(item);
            if (entry != null && !ids.add(entry.id())) {
                reader.add(item.path("id"), FieldError.INVALID_VALUE, "is the id of an entry before it");
            } else if (entry != null) {
                entries.add(entry);
            }
        }
        List<String> countries = countries(body, "blocked_countries", BLOCKED_COUNTRIES_MAX);
        reader.finish();
        return new ScreeningStore.Version(0, entries, countries);
    }

    private static final int BLOCKED_COUNTRIES_MAX = ScreeningRoutes.BLOCKED_COUNTRIES_MAX;

    /** One entry, or null when a field of it is bad (recorded). */
    private static ScreeningEntry entry(RequestReader.Fields item) {
        String id = item.identifier("id", true);
        String name = name(item, "name", true);
        List<String> aliases = strings(item, "aliases", ScreeningEntry.ALIASES_MAX, ScreeningEntry.NAME_LENGTH_MAX);
        EntryType type = item.choice("type", TYPES, null);
        List<String> countries = countries(item, "countries", ScreeningEntry.COUNTRIES_MAX);
        List<String> addresses =
                strings(item, "addresses", ScreeningEntry.ADDRESSES_MAX, ScreeningEntry.ADDRESS_LENGTH_MAX);
        if (id == null || name == null || type == null || item.reader().hasErrors()) {
            return null;
        }
        return new ScreeningEntry(id, name, aliases, type, countries, addresses);
    }

    private static String name(RequestReader.Fields fields, String field, boolean required) {
        String name = fields.string(field, required, ScreeningEntry.NAME_LENGTH_MAX);
        if (name != null && name.isBlank()) {
            fields.reader().add(fields.path(field), FieldError.INVALID_VALUE, "must not be blank");
            return null;
        }
        return name;
    }

    /** An optional array of non-blank strings; empty when absent. */
    private static List<String> strings(RequestReader.Fields fields, String field, int max, int lengthMax) {
        List<String> values = new ArrayList<>();
        List<JsonNode> items = fields.array(field, false, 0, max);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String path = fields.path(field) + "[" + i + "]";
            if (!item.isString()) {
                fields.reader().add(path, FieldError.INVALID_TYPE, "must be a string");
            } else if (item.stringValue().isBlank()) {
                fields.reader().add(path, FieldError.INVALID_VALUE, "must not be blank");
            } else if (item.stringValue().length() > lengthMax) {
                fields.reader().add(path, FieldError.TOO_LONG, "is longer than " + lengthMax + " characters");
            } else {
                values.add(item.stringValue());
            }
        }
        return values;
    }

    /** An optional array of ISO 3166 alpha-2 codes, each once. */
    private static List<String> countries(RequestReader.Fields fields, String field, int max) {
        Set<String> codes = new LinkedHashSet<>();
        List<JsonNode> items = fields.array(field, false, 0, max);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isString() || !COUNTRY.matcher(item.stringValue()).matches()) {
                fields.reader()
                        .add(
                                fields.path(field) + "[" + i + "]",
                                FieldError.INVALID_FORMAT,
                                "must be an ISO 3166 alpha-2 code in upper case, such as KP");
            } else {
                codes.add(item.stringValue());
            }
        }
        return List.copyOf(codes);
    }

    /** {@code {"name", "country", "address"}}: at least one. */
    static Subject subject(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "name", "country", "address");
        String name = name(body, "name", false);
        String country = body.string("country", false, 2);
        if (country != null && !COUNTRY.matcher(country).matches()) {
            reader.add("country", FieldError.INVALID_FORMAT, "must be an ISO 3166 alpha-2 code in upper case");
        }
        String address = body.string("address", false, ScreeningEntry.ADDRESS_LENGTH_MAX);
        if (address != null && address.isBlank()) {
            reader.add("address", FieldError.INVALID_VALUE, "must not be blank");
        }
        if (!body.has("name") && !body.has("country") && !body.has("address")) {
            reader.add("name", FieldError.REQUIRED, "give a name, a country or an address to screen");
        }
        reader.finish();
        return new Subject(name, country, address);
    }
}
