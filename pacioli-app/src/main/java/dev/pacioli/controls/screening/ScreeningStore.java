package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Screening's tables (from {@code db/controls/V22}): lists, their versions and entries, and cases.
 *
 * <p>A load is one transaction: it locks the list's row (creating it first when new), so two loads of
 * one list take versions one after the other; replaces the entries; records the version, the audit
 * record and the event. Entries go in by chunks of {@link #INSERT_CHUNK} through {@code
 * jsonb_to_recordset}, one statement per chunk.
 */
final class ScreeningStore {
    static final int INSERT_CHUNK = 5_000;
    private static final String CASE_COLUMNS = "id, sequence, object_type, ledger, object_id, created_by, list,"
            + " list_version, entry, field, matched, score, status, decision, decided_by, decided_at, reason, opened_at";

    private final DataSource dataSource;

    ScreeningStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A version of a list: its entries and blocked countries. */
    record Version(long version, List<ScreeningEntry> entries, List<String> blockedCountries) {}

    /** What a load changes: given the current version (null for a new list), the new one's contents. */
    @FunctionalInterface
    interface Change {
        /** The new version's entries and countries (its version number is ignored); throws to refuse. */
        Version apply(Version current);
    }

    /** Loads a new version of {@code name} made by {@code change} from the current one. */
    ScreeningJson.ListInfo load(String name, String source, Actor actor, Change change) {
        return Transactions.run(dataSource, "could not load screening list '" + name + "'", connection -> {
            Version current = lockedCurrent(connection, name);
            Version next = change.apply(current);
            long version = current == null ? 1 : current.version() + 1;
            Array countries =
                    connection.createArrayOf("text", next.blockedCountries().toArray());
            ScreeningJson.ListInfo info;
            try (PreparedStatement upsert = connection.prepareStatement("insert into screening_lists"
                    + " (name, version, entry_count, blocked_countries, loaded_at, loaded_by)"
                    + " values (?, ?, ?, ?, clock_timestamp(), ?) on conflict (name) do update set version ="
                    + " excluded.version, entry_count = excluded.entry_count, blocked_countries ="
                    + " excluded.blocked_countries, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by"
                    + " returning loaded_at")) {
                upsert.setString(1, name);
                upsert.setLong(2, version);
                upsert.setInt(3, next.entries().size());
                upsert.setArray(4, countries);
                upsert.setString(5, actor.principal());
                try (ResultSet row = upsert.executeQuery()) {
                    Assert.that(row.next(), "an upsert returns its row");
                    info = new ScreeningJson.ListInfo(
                            name,
                            version,
                            next.entries().size(),
                            next.blockedCountries(),
                            source,
                            Timestamps.micros(row, 1),
                            actor.principal());
                }
            }
            replaceEntries(connection, name, next.entries());
            insertVersion(connection, info, countries);
            byte[] json = ScreeningJson.list(info);
            ServiceEvents.append(connection, "screening_list.loaded", json);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                            AuditAction.SCREENING_LIST_LOADED, name, null, new String(json, StandardCharsets.UTF_8)));
            return info;
        });
    }

    /**
     * The current version, null for a list never loaded. Loads of one list are serialized by an
     * advisory lock on its name for the transaction, which also covers a list's first load, when there
     * is no row to lock yet.
     */
    private static Version lockedCurrent(Connection connection, String name) throws SQLException {
        try (PreparedStatement advisory = connection.prepareStatement(
                "select pg_advisory_xact_lock(hashtextextended('pacioli.screening:' || current_schema() || ':' || ?, 0))")) {
            advisory.setString(1, name);
            advisory.execute();
        }
        try (PreparedStatement lock = connection.prepareStatement(
                "select version, blocked_countries from screening_lists where name = ? for update")) {
            lock.setString(1, name);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                long version = row.getLong(1);
                List<String> countries = strings(row.getArray(2));
                return new Version(version, entries(connection, name), countries);
            }
        }
    }

    private static void replaceEntries(Connection connection, String name, List<ScreeningEntry> entries)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("delete from screening_entries where list = ?")) {
            delete.setString(1, name);
            delete.executeUpdate();
        }
        String insert = "insert into screening_entries (list, position, id, name, aliases, type, countries, addresses)"
                + " select ?, e.position, e.id, e.name,"
                + " array(select jsonb_array_elements_text(e.aliases)), e.type,"
                + " array(select jsonb_array_elements_text(e.countries)),"
                + " array(select jsonb_array_elements_text(e.addresses))"
                + " from jsonb_to_recordset(?::jsonb) as e(position integer, id text, name text, aliases jsonb,"
                + " type text, countries jsonb, addresses jsonb)";
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (int from = 0; from < entries.size(); from += INSERT_CHUNK) {
                int to = Math.min(entries.size(), from + INSERT_CHUNK);
                statement.setString(1, name);
                statement.setString(2, chunk(entries, from, to));
                Assert.that(statement.executeUpdate() == to - from, "every entry of a chunk is inserted");
            }
        }
    }

    private static String chunk(List<ScreeningEntry> entries, int from, int to) {
        StringBuilder json = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            String entry = ScreeningJson.entryText(entries.get(i));
            json.append(i == from ? "" : ",")
                    .append("{\"position\":")
                    .append(i)
                    .append(',')
                    .append(entry, 1, entry.length());
        }
        return json.append(']').toString();
    }

    private static void insertVersion(Connection connection, ScreeningJson.ListInfo info, Array countries)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into screening_list_versions"
                + " (name, version, source, entry_count, blocked_countries, loaded_at, loaded_by)"
                + " values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, info.name());
            insert.setLong(2, info.version());
            insert.setString(3, info.source());
            insert.setInt(4, info.entryCount());
            insert.setArray(5, countries);
            insert.setObject(6, Timestamps.offsetDateTime(info.loadedAtMicros()));
            insert.setString(7, info.loadedBy());
            insert.executeUpdate();
        }
    }

    private static List<ScreeningEntry> entries(Connection connection, String name) throws SQLException {
        List<ScreeningEntry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("select id, name, aliases, type, countries,"
                + " addresses from screening_entries where list = ? order by position")) {
            query.setString(1, name);
            query.setFetchSize(10_000);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    entries.add(new ScreeningEntry(
                            row.getString(1),
                            row.getString(2),
                            strings(row.getArray(3)),
                            EntryType.ofCode(row.getString(4)),
                            strings(row.getArray(5)),
                            strings(row.getArray(6))));
                }
            }
        }
        return entries;
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> strings = Arrays.asList((String[]) array.getArray());
        array.free();
        return List.copyOf(strings);
    }

    /** The current version of every list. */
    Map<String, Long> versions() {
        return Transactions.run(dataSource, "could not read the screening lists", connection -> {
            Map<String, Long> versions = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement("select name, version from screening_lists");
                    ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    versions.put(row.getString(1), row.getLong(2));
                }
            }
            return versions;
        });
    }

    /** The current version of a list, read consistently (one transaction, repeatable read). */
    Optional<Version> current(String name) {
        return Transactions.run(dataSource, "could not read screening list '" + name + "'", connection -> {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (PreparedStatement query = connection.prepareStatement(
                    "select version, blocked_countries from screening_lists where name = ?")) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(
                            new Version(row.getLong(1), entries(connection, name), strings(row.getArray(2))));
                }
            }
        });
    }

    /** Lists by name, after {@code after}. */
    Page<ScreeningJson.ListInfo> lists(String after, int limit) {
        Page.checkLimit(limit);
        return Transactions.run(dataSource, "could not list the screening lists", connection -> {
            List<ScreeningJson.ListInfo> lists = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("select l.name, l.version, l.entry_count,"
                    + " l.blocked_countries, v.source, l.loaded_at, l.loaded_by from screening_lists l"
                    + " join screening_list_versions v on v.name = l.name and v.version = l.version"
                    + " where l.name > ? order by l.name limit ?")) {
                query.setString(1, after == null ? "" : after);
                query.setInt(2, limit + 1);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        lists.add(new ScreeningJson.ListInfo(
                                row.getString(1),
                                row.getLong(2),
                                row.getInt(3),
                                strings(row.getArray(4)),
                                row.getString(5),
                                Timestamps.micros(row, 6),
                                row.getString(7)));
                    }
                }
            }
            return Page.of(lists, limit);
        });
    }

    // ---- Cases ------------------------------------------------------------------------------------

    /** Inserts the case in the caller's transaction, or finds the one this object and match opened already. */
    static ScreeningCase openCase(
            Connection connection, String objectType, String ledger, String objectId, String createdBy, Hit hit)
            throws SQLException {
        String entryId = hit.entry() == null ? null : hit.entry().id();
        try (PreparedStatement insert = connection.prepareStatement("insert into screening_cases (object_type,"
                + " ledger, object_id, created_by, list, list_version, entry_id, entry, field, matched, score, status)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, 'open') on conflict do nothing returning "
                + CASE_COLUMNS)) {
            insert.setString(1, objectType);
            insert.setString(2, ledger);
            insert.setString(3, objectId);
            insert.setString(4, createdBy);
            insert.setString(5, hit.list());
            insert.setLong(6, hit.version());
            insert.setString(7, entryId);
            insert.setString(8, hit.entry() == null ? null : ScreeningJson.entryText(hit.entry()));
            insert.setString(9, hit.field());
            insert.setString(10, hit.matched());
            insert.setDouble(11, hit.score());
            try (ResultSet row = insert.executeQuery()) {
                if (row.next()) {
                    return screeningCase(row);
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement("select " + CASE_COLUMNS + " from screening_cases"
                + " where object_type = ? and ledger is not distinct from ? and object_id = ? and list = ?"
                + " and list_version = ? and entry_id is not distinct from ? and field = ?")) {
            query.setString(1, objectType);
            query.setString(2, ledger);
            query.setString(3, objectId);
            query.setString(4, hit.list());
            query.setLong(5, hit.version());
            query.setString(6, entryId);
            query.setString(7, hit.field());
            try (ResultSet row = query.executeQuery()) {
                Assert.that(row.next(), "a case that conflicted on insert exists");
                return screeningCase(row);
            }
        }
    }

    /** How many cases of the object are still open, in the caller's transaction. */
    static int openCount(Connection connection, String objectType, String ledger, String objectId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select count(*) from screening_cases"
                + " where object_type = ? and ledger is not distinct from ? and object_id = ? and status = 'open'")) {
            query.setString(1, objectType);
            query.setString(2, ledger);
            query.setString(3, objectId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    Optional<ScreeningCase> find(String id) {
        return Transactions.run(
                dataSource, "could not read screening case '" + id + "'", connection -> find(connection, id, false));
    }

    static Optional<ScreeningCase> find(Connection connection, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select " + CASE_COLUMNS + " from screening_cases where id = ?" + (forUpdate ? " for update" : ""))) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(screeningCase(row)) : Optional.empty();
            }
        }
    }

    /** Cases newest first, of a status when given, before sequence {@code before} when given. */
    Page<ScreeningCase> cases(ScreeningCase.Status status, Long before, int limit) {
        Page.checkLimit(limit);
        return Transactions.run(dataSource, "could not list screening cases", connection -> {
            List<ScreeningCase> cases = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("select " + CASE_COLUMNS
                    + " from screening_cases where (?::text is null or status = ?) and sequence < ?"
                    + " order by sequence desc limit ?")) {
                String code = status == null ? null : status.code();
                query.setString(1, code);
                query.setString(2, code);
                query.setLong(3, before == null ? Long.MAX_VALUE : before);
                query.setInt(4, limit + 1);
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        cases.add(screeningCase(row));
                    }
                }
            }
            return Page.of(cases, limit);
        });
    }

    /** Records the decision on the locked, open case in the caller's transaction. */
    static ScreeningCase decide(
            Connection connection, ScreeningCase open, ScreeningCase.Decision decision, String principal, String reason)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update screening_cases set status = ?,"
                + " decision = ?, decided_by = ?, decided_at = clock_timestamp(), reason = ?"
                + " where id = ? and status = 'open' returning " + CASE_COLUMNS)) {
            update.setString(1, decision.status().code());
            update.setString(2, decision.code());
            update.setString(3, principal);
            update.setString(4, reason);
            update.setString(5, open.id());
            try (ResultSet row = update.executeQuery()) {
                Assert.that(row.next(), "the case %s is open and locked", open.id());
                return screeningCase(row);
            }
        }
    }

    long openCount() {
        return Transactions.run(dataSource, "could not count open screening cases", connection -> {
            try (PreparedStatement query =
                            connection.prepareStatement("select count(*) from screening_cases where status = 'open'");
                    ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    private static ScreeningCase screeningCase(ResultSet row) throws SQLException {
        String entry = row.getString(9);
        Hit hit = new Hit(
                row.getString(7),
                row.getLong(8),
                entry == null ? null : ScreeningJson.entry(entry),
                row.getDouble(12),
                row.getString(10),
                row.getString(11));
        String decision = row.getString(14);
        return new ScreeningCase(
                row.getString(1),
                row.getLong(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                hit,
                ScreeningCase.Status.ofCode(row.getString(13)),
                decision == null ? null : ScreeningCase.Decision.ofCode(decision),
                row.getString(15),
                row.getObject(16) == null ? null : Timestamps.micros(row, 16),
                row.getString(17),
                Timestamps.micros(row, 18));
    }
}
