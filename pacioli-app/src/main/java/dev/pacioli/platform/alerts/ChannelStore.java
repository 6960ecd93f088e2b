package dev.pacioli.platform.alerts;

import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Timestamps;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Alert channels and the routing rules, as stored. */
public final class ChannelStore {
    static final String COLUMNS = "id, kind, config::text, secret, created_at";

    /** The most channels and rules kept: a routing table an operator can read at a glance. */
    public static final int CHANNELS_MAX = 100;

    public static final int RULES_MAX = 100;

    /** The audit records' object id of the one set of routes. */
    static final String ROUTES_OBJECT = "alert_routes";

    private final DataSource dataSource;

    public ChannelStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One routing rule: alerts of this severity (and category, unless null) go to these channels. */
    public record Rule(Severity severity, String category, List<String> channels) {
        public Rule {
            channels = List.copyOf(channels);
        }
    }

    /** Stores a new channel, audited; empty when the id is taken. */
    public Optional<Channel> create(String id, Channel.Kind kind, JsonText config, String secret, Actor actor) {
        return AlertStore.inTransaction(dataSource, "create an alert channel", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into alert_channels"
                    + " (id, kind, config, secret) values (?, ?, ?::jsonb, ?) on conflict (id) do nothing"
                    + " returning " + COLUMNS)) {
                insert.setString(1, id);
                insert.setString(2, kind.code());
                insert.setString(3, config.text());
                insert.setString(4, secret);
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Channel>empty();
                    }
                    Channel channel = channel(row);
                    // Without its secrets, as the API shows it: the record is read by admins and auditors.
                    AuditLog.append(
                            connection,
                            actor,
                            AuditEntry.of(
                                    AuditAction.ALERT_CHANNEL_CREATED,
                                    id,
                                    null,
                                    AuditJson.object("kind", kind.code(), "config", ChannelConfigs.redacted(channel))));
                    return Optional.of(channel);
                }
            }
        });
    }

    /** A JSON document as text, for the jsonb column. */
    public record JsonText(String text) {}

    public List<Channel> list() {
        return AlertStore.inTransaction(dataSource, "list alert channels", connection -> {
            List<Channel> channels = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "select " + COLUMNS + " from alert_channels order by id limit " + CHANNELS_MAX);
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    channels.add(channel(rows));
                }
            }
            return channels;
        });
    }

    public long count() {
        return AlertStore.inTransaction(dataSource, "count alert channels", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from alert_channels");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    /** Replaces every rule with these, in order, in one transaction with its audit record. */
    public void replaceRules(List<Rule> rules, Actor actor) {
        AlertStore.inTransaction(dataSource, "replace the alert routes", connection -> {
            try (PreparedStatement lock = connection.prepareStatement("lock table alert_routes in exclusive mode")) {
                lock.execute(); // two replacements one after the other: each audit record's before is exact
            }
            List<Rule> before = rules(connection);
            try (PreparedStatement delete = connection.prepareStatement("delete from alert_routes");
                    PreparedStatement insert = connection.prepareStatement("insert into alert_routes"
                            + " (position, severity, category, channels) values (?, ?, ?, ?)")) {
                delete.executeUpdate();
                for (int i = 0; i < rules.size(); i++) {
                    Rule rule = rules.get(i);
                    insert.setInt(1, i);
                    insert.setString(2, rule.severity().code());
                    insert.setString(3, rule.category());
                    insert.setArray(
                            4, connection.createArrayOf("text", rule.channels().toArray()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(AuditAction.ALERT_ROUTES_REPLACED, ROUTES_OBJECT, describe(before), describe(rules)));
            return null;
        });
    }

    public List<Rule> rules() {
        return AlertStore.inTransaction(dataSource, "read the alert routes", ChannelStore::rules);
    }

    private static List<Rule> rules(Connection connection) throws SQLException {
        List<Rule> rules = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                        "select severity, category, channels from alert_routes order by position");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Array channels = rows.getArray(3);
                rules.add(new Rule(Severity.of(rows.getString(1)), rows.getString(2), Arrays.asList((String[])
                        channels.getArray())));
            }
        }
        return rules;
    }

    /** The rules as an audit record's before or after: {@code {"rules": [{severity, category, channels}]}}. */
    private static String describe(List<Rule> rules) {
        List<Map<String, Object>> described = new ArrayList<>();
        for (Rule rule : rules) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("severity", rule.severity().code());
            one.put("category", rule.category());
            one.put("channels", rule.channels());
            described.add(one);
        }
        return AuditJson.object("rules", described);
    }

    static Channel channel(ResultSet row) throws SQLException {
        return new Channel(
                row.getString(1),
                Channel.Kind.of(row.getString(2)),
                RequestReader.MAPPER.readTree(row.getString(3)),
                row.getString(4),
                Timestamps.micros(row, 5));
    }
}
