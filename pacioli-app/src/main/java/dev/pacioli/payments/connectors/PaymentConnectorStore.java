package dev.pacioli.payments.connectors;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.payments.inbound.InboundConfig;
import dev.pacioli.payments.inbound.InboundKind;
import dev.pacioli.payments.inbound.InboundScheme;
import dev.pacioli.payments.inbound.InboundSecrets;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * Payment connectors' rows. Every change is audited in its transaction, described without secrets.
 * The secret of a connector's inbound webhooks is write-only: stored, never read back by the API.
 */
public final class PaymentConnectorStore {
    private static final String COLUMNS =
            "id, kind, assets::text, config::text, inbound::text, inbound_secret, priority, created_at, updated_at";

    private final DataSource dataSource;

    public PaymentConnectorStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new connector; empty when the id is taken. */
    public Optional<PaymentConnector> create(PaymentConnector connector, Actor actor) {
        return Transactions.run(dataSource, "could not create connector " + connector.id(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into payment_connectors (id, kind,"
                    + " assets, config, inbound, inbound_secret, priority) values (?, ?, ?::jsonb, ?::jsonb,"
                    + " ?::jsonb, ?, ?) on conflict (id) do nothing returning " + COLUMNS)) {
                bind(insert, connector);
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<PaymentConnector>empty();
                    }
                    PaymentConnector created = connector(row);
                    audit(connection, actor, AuditAction.CONNECTOR_CREATED, null, created);
                    return Optional.of(created);
                }
            }
        });
    }

    /** Replaces a connector's settings (the caller merged the patch); empty when there is none. */
    public Optional<PaymentConnector> update(PaymentConnector connector, Actor actor) {
        return Transactions.run(dataSource, "could not update connector " + connector.id(), connection -> {
            PaymentConnector before = select(connection, connector.id(), true);
            if (before == null) {
                return Optional.<PaymentConnector>empty();
            }
            try (PreparedStatement update = connection.prepareStatement("update payment_connectors set"
                    + " kind = ?, assets = ?::jsonb, config = ?::jsonb, inbound = ?::jsonb, inbound_secret = ?,"
                    + " priority = ?, updated_at = now() where id = ? returning " + COLUMNS)) {
                update.setString(1, connector.kind().code());
                update.setString(2, RequestReader.MAPPER.writeValueAsString(connector.assets()));
                update.setString(3, connector.config().toString());
                update.setString(4, inboundJson(connector.inbound()));
                update.setString(
                        5,
                        connector.inbound() == null
                                ? null
                                : connector.inbound().secrets().secret());
                update.setInt(6, connector.priority());
                update.setString(7, connector.id());
                try (ResultSet row = update.executeQuery()) {
                    row.next();
                    PaymentConnector after = connector(row);
                    audit(connection, actor, AuditAction.CONNECTOR_UPDATED, before, after);
                    return Optional.of(after);
                }
            }
        });
    }

    /**
     * Deletes a connector when no payout is in flight through it ({@code inFlight} counted on the same
     * transaction, the connector's row locked); answers the payouts in flight, 0 when deleted, -1 when
     * there is no such connector.
     */
    public long delete(String id, Actor actor) {
        return Transactions.run(dataSource, "could not delete connector " + id, connection -> {
            PaymentConnector before = select(connection, id, true);
            if (before == null) {
                return -1L;
            }
            try (PreparedStatement count = connection.prepareStatement("select count(*) from payouts"
                    + " where (connector = ? or submitted_via = ?) and status in ('requires_approval', 'held',"
                    + " 'approved', 'processing', 'needs_review')")) {
                count.setString(1, id);
                count.setString(2, id);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    if (row.getLong(1) > 0) {
                        return row.getLong(1);
                    }
                }
            }
            try (PreparedStatement delete =
                    connection.prepareStatement("delete from payment_connectors where id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
            audit(connection, actor, AuditAction.CONNECTOR_DELETED, before, null);
            return 0L;
        });
    }

    public Optional<PaymentConnector> find(String id) {
        try (Connection connection = dataSource.getConnection()) {
            return Optional.ofNullable(select(connection, id, false));
        } catch (SQLException e) {
            throw new StoreException("could not read connector " + id, e);
        }
    }

    public List<PaymentConnector> all() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select " + COLUMNS + " from payment_connectors order by priority, id");
                ResultSet rows = select.executeQuery()) {
            List<PaymentConnector> connectors = new ArrayList<>();
            while (rows.next()) {
                connectors.add(connector(rows));
            }
            return connectors;
        } catch (SQLException e) {
            throw new StoreException("could not read the connectors", e);
        }
    }

    private static PaymentConnector select(Connection connection, String id, boolean lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + COLUMNS + " from payment_connectors where id = ?" + (lock ? " for update" : ""))) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? connector(row) : null;
            }
        }
    }

    private static void bind(PreparedStatement insert, PaymentConnector connector) throws SQLException {
        insert.setString(1, connector.id());
        insert.setString(2, connector.kind().code());
        insert.setString(3, RequestReader.MAPPER.writeValueAsString(connector.assets()));
        insert.setString(4, connector.config().toString());
        insert.setString(5, inboundJson(connector.inbound()));
        insert.setString(
                6,
                connector.inbound() == null
                        ? null
                        : connector.inbound().secrets().secret());
        insert.setInt(7, connector.priority());
    }

    /** The inbound object as stored and shown: without its secret, with whether one is set. */
    static String inboundJson(InboundConfig inbound) {
        if (inbound == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scheme", inbound.scheme().code());
        json.put("kind", inbound.kind().code());
        json.put("default_ledger", inbound.defaultLedger());
        json.put("has_secret", inbound.secrets().hasSecret());
        json.put("public_keys", new TreeMap<>(inbound.secrets().publicKeys()));
        return RequestReader.MAPPER.writeValueAsString(json);
    }

    private static PaymentConnector connector(ResultSet row) throws SQLException {
        Map<String, String> assets = new LinkedHashMap<>();
        RequestReader.MAPPER
                .readTree(row.getString(3))
                .properties()
                .forEach(entry -> assets.put(entry.getKey(), entry.getValue().stringValue()));
        String inboundText = row.getString(5);
        InboundConfig inbound = null;
        if (inboundText != null) {
            JsonNode json = RequestReader.MAPPER.readTree(inboundText);
            Map<String, String> keys = new LinkedHashMap<>();
            json.path("public_keys")
                    .properties()
                    .forEach(entry -> keys.put(entry.getKey(), entry.getValue().stringValue()));
            String secret = row.getString(6);
            inbound = new InboundConfig(
                    InboundScheme.fromCode(json.path("scheme").stringValue()).orElseThrow(),
                    new InboundSecrets(secret, keys),
                    InboundKind.fromCode(json.path("kind").stringValue()).orElseThrow(),
                    json.path("default_ledger").isNull()
                            ? null
                            : json.path("default_ledger").stringValue());
        }
        return new PaymentConnector(
                row.getString(1),
                PaymentConnector.Kind.byCode().get(row.getString(2)),
                assets,
                RequestReader.MAPPER.readTree(row.getString(4)),
                inbound,
                row.getInt(7),
                Timestamps.micros(row, 8),
                Timestamps.micros(row, 9));
    }

    private static void audit(
            Connection connection, Actor actor, AuditAction action, PaymentConnector before, PaymentConnector after)
            throws SQLException {
        String id = before != null ? before.id() : after.id();
        AuditLog.append(connection, actor, AuditEntry.of(action, id, describe(before), describe(after)));
    }

    /** A connector as the audit log shows it: what the API shows, never a secret. */
    static String describe(PaymentConnector connector) {
        if (connector == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", connector.kind().code());
        json.put("assets", new TreeMap<>(connector.assets()));
        json.put("config", connector.config());
        json.put(
                "inbound",
                connector.inbound() == null ? null : RequestReader.MAPPER.readTree(inboundJson(connector.inbound())));
        json.put("priority", connector.priority());
        return RequestReader.MAPPER.writeValueAsString(json);
    }
}
