package dev.pacioli.operations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The first entry of a backup archive ({@code manifest.json}): what the backup holds and what a restore
 * must find again. Field names are the file format's, written and read here only; a reader refuses a
 * {@code format_version} it does not know.
 *
 * @param snapshotAt a time before the backup's snapshot was taken: every write acknowledged before it
 *     is in the backup
 * @param migrationVersion the schema's newest applied migration; a restore migrates to exactly this
 * @param ledgers every ledger's head in the snapshot
 * @param tables every table in the order a restore loads them, with its columns and rows
 * @param sequences every sequence's last value (null: never used), read after the snapshot, so at
 *     least what any row in it used
 */
public record BackupManifest(
        int formatVersion,
        Instant snapshotAt,
        String migrationVersion,
        String schema,
        String serverVersion,
        List<LedgerHead> ledgers,
        List<TableContent> tables,
        Map<String, Long> sequences) {
    public static final String FORMAT = "pacioli-backup";
    public static final int FORMAT_VERSION = 1;
    public static final String ENTRY = "manifest.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A ledger's head: its newest journal sequence and that record's hash. */
    public record LedgerHead(long id, String name, long headSequence, byte[] headHash) {
        @Override
        public boolean equals(Object other) {
            return other instanceof LedgerHead head
                    && id == head.id
                    && name.equals(head.name)
                    && headSequence == head.headSequence
                    && Arrays.equals(headHash, head.headHash);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, name, headSequence, Arrays.hashCode(headHash));
        }

        @Override
        public String toString() {
            return name + " at " + headSequence + " " + HexFormat.of().formatHex(headHash);
        }
    }

    /** A table's entry: its columns in the copy's order and how many rows it holds. */
    public record TableContent(String name, List<String> columns, long rows) {
        public TableContent {
            columns = List.copyOf(columns);
        }

        /** The archive entry holding the table's rows in PostgreSQL's binary COPY format. */
        public String entry() {
            return "tables/" + name + ".copy";
        }
    }

    public BackupManifest {
        ledgers = List.copyOf(ledgers);
        tables = List.copyOf(tables);
        sequences = Collections.unmodifiableMap(new LinkedHashMap<>(sequences));
    }

    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", formatVersion);
        root.put("snapshot_at", snapshotAt.toString());
        root.put("migration_version", migrationVersion);
        root.put("schema", schema);
        root.put("server_version", serverVersion);
        ArrayNode ledgerArray = root.putArray("ledgers");
        for (LedgerHead head : ledgers) {
            ledgerArray
                    .addObject()
                    .put("id", head.id())
                    .put("name", head.name())
                    .put("head_sequence", head.headSequence())
                    .put("head_hash", HexFormat.of().formatHex(head.headHash()));
        }
        ArrayNode tableArray = root.putArray("tables");
        for (TableContent table : tables) {
            ObjectNode node = tableArray.addObject().put("name", table.name()).put("rows", table.rows());
            ArrayNode columnArray = node.putArray("columns");
            table.columns().forEach(columnArray::add);
        }
        ObjectNode sequenceNode = root.putObject("sequences");
        sequences.forEach((name, value) -> {
            if (value == null) {
                sequenceNode.putNull(name);
            } else {
                sequenceNode.put(name, value);
            }
        });
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    static BackupManifest fromJson(byte[] bytes) {
        JsonNode root = JSON.readTree(bytes);
        if (!FORMAT.equals(root.path("format").stringValue(null))) {
            throw new IllegalArgumentException("not a Pacioli backup: its manifest has no format " + FORMAT);
        }
        int version = root.path("format_version").intValue();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("the backup's format version is " + version + "; this Pacioli reads"
                    + " version " + FORMAT_VERSION + " only");
        }
        List<LedgerHead> ledgers = new ArrayList<>();
        for (JsonNode node : root.path("ledgers")) {
            ledgers.add(new LedgerHead(
                    node.path("id").longValue(),
                    node.path("name").stringValue(),
                    node.path("head_sequence").longValue(),
                    HexFormat.of().parseHex(node.path("head_hash").stringValue())));
        }
        List<TableContent> tables = new ArrayList<>();
        for (JsonNode node : root.path("tables")) {
            List<String> columns = new ArrayList<>();
            node.path("columns").forEach(column -> columns.add(column.stringValue()));
            tables.add(new TableContent(
                    node.path("name").stringValue(), columns, node.path("rows").longValue()));
        }
        Map<String, Long> sequences = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("sequences").properties()) {
            sequences.put(
                    entry.getKey(),
                    entry.getValue().isNull() ? null : entry.getValue().longValue());
        }
        return new BackupManifest(
                version,
                Instant.parse(root.path("snapshot_at").stringValue()),
                root.path("migration_version").stringValue(),
                root.path("schema").stringValue(),
                root.path("server_version").stringValue(),
                ledgers,
                tables,
                sequences);
    }
}
