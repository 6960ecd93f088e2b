package dev.pacioli.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a backup copies, read from PostgreSQL's catalog rather than listed by hand, so a table a new
 * migration adds is backed up without anyone remembering to: every ordinary table of the schema but
 * Flyway's history (a restore rebuilds that by running the same migrations), in an order where each
 * table comes after every table its foreign keys point to, with its columns (generated ones left out:
 * COPY neither writes nor accepts them) and the schema's sequences.
 */
final class SchemaTables {
    /** Flyway's own table: a restore writes it by migrating, never by copying. */
    static final String FLYWAY_HISTORY = "flyway_schema_history";

    /** A table and the columns a backup copies, in the table's order. */
    record Table(String name, List<String> columns) {
        Table {
            columns = List.copyOf(columns);
        }
    }

    private SchemaTables() {}

    /** The schema's tables, each after the tables it references; refuses kinds a COPY cannot take whole. */
    static List<Table> inDependencyOrder(Connection connection, String schema) throws SQLException {
        Map<String, List<String>> columns = columns(connection, schema);
        Map<String, TreeSet<String>> references = new TreeMap<>();
        columns.keySet().forEach(table -> references.put(table, new TreeSet<>()));
        try (PreparedStatement statement = connection.prepareStatement("select child.relname, parent.relname"
                + " from pg_constraint k join pg_class child on child.oid = k.conrelid"
                + " join pg_class parent on parent.oid = k.confrelid join pg_namespace n on n.oid = k.connamespace"
                + " where k.contype = 'f' and n.nspname = ?")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String child = rows.getString(1);
                    String parent = rows.getString(2);
                    if (!child.equals(parent) && references.containsKey(child) && references.containsKey(parent)) {
                        references.get(child).add(parent);
                    }
                }
            }
        }
        List<Table> ordered = new ArrayList<>();
        for (String name : topologicalOrder(references)) {
            ordered.add(new Table(name, columns.get(name)));
        }
        return ordered;
    }

    /** Kahn's algorithm, ties by name so two backups of one schema list tables alike. */
    static List<String> topologicalOrder(Map<String, TreeSet<String>> references) {
        Map<String, TreeSet<String>> waiting = new TreeMap<>();
        references.forEach((table, parents) -> waiting.put(table, new TreeSet<>(parents)));
        List<String> order = new ArrayList<>();
        while (!waiting.isEmpty()) {
            String ready = waiting.entrySet().stream()
                    .filter(entry -> entry.getValue().isEmpty())
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the foreign keys among tables " + waiting.keySet()
                            + " form a cycle; a restore" + " could not load them in order"));
            waiting.remove(ready);
            waiting.values().forEach(parents -> parents.remove(ready));
            order.add(ready);
        }
        return order;
    }

    private static Map<String, List<String>> columns(Connection connection, String schema) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("select c.relname, c.relkind, a.attname"
                + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                + " left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
                + " and a.attgenerated = ''"
                + " where n.nspname = ? and c.relkind in ('r', 'p') and c.relname <> ?"
                + " order by c.relname, a.attnum")) {
            statement.setString(1, schema);
            statement.setString(2, FLYWAY_HISTORY);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getString(2).equals("p")) {
                        throw new IllegalStateException("table " + rows.getString(1) + " is partitioned; backups"
                                + " copy ordinary tables only (copy its partitions, then extend SchemaTables)");
                    }
                    List<String> names = columns.computeIfAbsent(rows.getString(1), name -> new ArrayList<>());
                    if (rows.getString(3) != null) {
                        names.add(rows.getString(3));
                    }
                }
            }
        }
        return columns;
    }

    /** The schema's sequences and their last values (null: never used), read when asked. */
    static Map<String, Long> sequences(Connection connection, String schema) throws SQLException {
        Map<String, Long> sequences = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "select sequencename, last_value from pg_sequences where schemaname = ? order by sequencename")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    long value = rows.getLong(2);
                    sequences.put(name, rows.wasNull() ? null : value);
                }
            }
        }
        return sequences;
    }

    /** How many relations of any kind the schema holds: zero for an empty target. */
    static List<String> relations(Connection connection, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("select c.relname from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind in ('r', 'p', 'v',"
                + " 'm', 'f') order by c.relname")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    /** An identifier quoted for SQL, whatever it holds. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."table"}. */
    static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }
}
