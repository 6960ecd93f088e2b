package dev.pacioli.controls.screening;

import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.RequestReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Screening's resources as the API shows them: the one place their shape is decided. */
final class ScreeningJson {
    private ScreeningJson() {}

    /** A list as {@code GET /v1/screening/lists} shows it. */
    record ListInfo(
            String name,
            long version,
            int entryCount,
            List<String> blockedCountries,
            String source,
            long loadedAtMicros,
            String loadedBy) {}

    static void list(JsonOutput out, ListInfo list) {
        out.json.writeStartObject();
        out.string("name", list.name());
        out.number("version", list.version());
        out.number("entry_count", list.entryCount());
        strings(out, "blocked_countries", list.blockedCountries());
        out.string("source", list.source());
        out.time("loaded_at", list.loadedAtMicros());
        out.string("loaded_by", list.loadedBy());
        out.json.writeEndObject();
    }

    static void entry(JsonOutput out, ScreeningEntry entry) {
        out.json.writeStartObject();
        out.string("id", entry.id());
        out.string("name", entry.name());
        strings(out, "aliases", entry.aliases());
        out.string("type", entry.type().code());
        strings(out, "countries", entry.countries());
        strings(out, "addresses", entry.addresses());
        out.json.writeEndObject();
    }

    static String entryText(ScreeningEntry entry) {
        try (JsonOutput out = new JsonOutput()) {
            entry(out, entry);
            return new String(out.toBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An entry as {@link #entry} wrote it. */
    static ScreeningEntry entry(JsonNode node) {
        return new ScreeningEntry(
                node.path("id").stringValue(),
                node.path("name").stringValue(),
                strings(node.path("aliases")),
                EntryType.ofCode(node.path("type").stringValue()),
                strings(node.path("countries")),
                strings(node.path("addresses")));
    }

    static ScreeningEntry entry(String text) {
        return entry(RequestReader.MAPPER.readTree(text));
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>(array.size());
        array.values().forEach(value -> strings.add(value.stringValue()));
        return strings;
    }

    /** A score to four decimals: enough to compare with a threshold, no float noise on the wire. */
    static double rounded(double score) {
        return Math.floor(score * 10_000) / 10_000;
    }

    static void hit(JsonOutput out, Hit hit) {
        out.json.writeStartObject();
        out.string("list", hit.list());
        out.number("list_version", hit.version());
        out.json.writeName("entry");
        if (hit.entry() == null) {
            out.json.writeNull();
        } else {
            entry(out, hit.entry());
        }
        out.json.writeNumberProperty("score", rounded(hit.score()));
        out.string("field", hit.field());
        out.string("matched", hit.matched());
        out.json.writeEndObject();
    }

    static void screeningCase(JsonOutput out, ScreeningCase c) {
        out.json.writeStartObject();
        out.string("id", c.id());
        out.string("status", c.status().code());
        out.string("object_type", c.objectType());
        out.string("object_id", c.objectId());
        out.string("ledger", c.ledger());
        out.string("created_by", c.createdBy());
        out.json.writeName("match");
        hit(out, c.hit());
        out.string("decision", c.decision() == null ? null : c.decision().code());
        out.string("decided_by", c.decidedBy());
        if (c.decidedAtMicros() == null) {
            out.json.writeNullProperty("decided_at");
        } else {
            out.time("decided_at", c.decidedAtMicros());
        }
        out.string("reason", c.reason());
        out.time("opened_at", c.openedAtMicros());
        out.json.writeEndObject();
    }

    static byte[] screeningCase(ScreeningCase c) {
        try (JsonOutput out = new JsonOutput()) {
            screeningCase(out, c);
            return out.toBytes();
        }
    }

    static byte[] list(ListInfo list) {
        try (JsonOutput out = new JsonOutput()) {
            list(out, list);
            return out.toBytes();
        }
    }

    private static void strings(JsonOutput out, String name, List<String> values) {
        out.json.writeName(name);
        out.json.writeStartArray();
        for (String value : values) {
            out.json.writeString(value);
        }
        out.json.writeEndArray();
    }
}
