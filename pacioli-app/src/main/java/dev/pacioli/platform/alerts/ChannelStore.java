package dev.pacioli.platform.alerts;

import dev.pacioli.platform.RequestReader;
import dev.pacioli.postgres.Timestamps;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Alert channels and the routing rules, as stored. */
public final class ChannelStore {
    static final String COLUMNS = "id, kind, config::text, secret, created_at";

    /** The most channels and rules kept: a routing table an operator can read at a glance. */
    public static final int CHANNELS_MAX = 100;

    public static final int RULES_MAX = 100;

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

    /** Stores a new channel; empty when the id is taken. */
    public Optional<Channel> create(String id, Channel.Kind kind, JsonText config, String secret) {
        return AlertStore.inTransaction(dataSource, "create an alert channel", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into alert_channels"
                    + " (id, kind, config, secret) values (?, ?, ?::jsonb, ?) on conflict (id) do nothing"
                    + " returning " + COLUMNS)) {
                insert.setString(1, id);
                insert.setString(2, kind.code());
                insert.setString(3, config.text());
                insert.setString(4, secret);
                try (ResultSet row = insert.executeQuery()) {
                    return row.next() ? Optional.of(channel(row)) : Optional.<Channel>empty();
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

    /** Replaces every rule with these, in order, in one transaction. */
    public void replaceRules(List<Rule> rules) {
        AlertStore.inTransaction(dataSource, "replace the alert routes", connection -> {
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
            return null;
        });
    }

    public List<Rule> rules() {
        return AlertStore.inTransaction(dataSource, "read the alert routes", connection -> {
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
        });
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
