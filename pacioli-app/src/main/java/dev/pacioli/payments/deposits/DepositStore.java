package dev.pacioli.payments.deposits;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.PostgresLedgerStore.CommitRows;
import dev.pacioli.postgres.Timestamps;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;

/**
 * The statements of deposits and deposit routes. A deposit's row is committed by the ledger's writer
 * with its transaction ({@link #creation}), and its reversal's change with the reversal ({@link
 * #reversal}): a deposit is succeeded exactly when {@code deposit:{id}} is posted, reversed exactly
 * when {@code deposit:{id}:reverse} is.
 */
public final class DepositStore {
    private static final String COLUMNS = "ledger, id, account, amount, asset, connector, status, provider_reference,"
            + " provider_event_ids, metadata, created_at, updated_at, sequence";
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final DataSource dataSource;

    public DepositStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A deposit with its place in the list's order. */
    public record Listed(long sequence, Deposit deposit) {}

    /** The rows of a new deposit, for the ledger's writer to commit with {@code deposit:{id}}. */
    public CommitRows creation(DepositRequest request) {
        return connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into deposits (ledger, id, account,"
                    + " amount, asset, connector, status, provider_reference, provider_event_ids, metadata)"
                    + " values (?, ?, ?, ?, ?, ?, 'succeeded', ?, ?, ?) on conflict do nothing returning " + COLUMNS)) {
                insert.setString(1, request.ledger());
                insert.setString(2, request.id());
                insert.setString(3, request.account());
                insert.setLong(4, request.amount());
                insert.setString(5, request.asset());
                insert.setString(6, request.connector());
                insert.setString(7, request.providerReference());
                insert.setArray(
                        8,
                        connection.createArrayOf(
                                "text",
                                request.providerEventId() == null
                                        ? new Object[0]
                                        : new Object[] {request.providerEventId()}));
                insert.setString(
                        9,
                        RequestReader.MAPPER.writeValueAsString(
                                request.metadata().values()));
                try (ResultSet row = insert.executeQuery()) {
                    if (row.next()) {
                        Deposit created = deposit(row);
                        ServiceEvents.append(connection, "deposit.succeeded", created.ledger(), json(created));
                    }
                }
            }
        };
    }

    /** The change of a deposit to reversed, for the ledger's writer to commit with its reversal. */
    public CommitRows reversal(String ledger, String id) {
        return connection -> {
            try (PreparedStatement update = connection.prepareStatement("update deposits set status = 'reversed',"
                    + " updated_at = now() where ledger = ? and id = ? and status = 'succeeded' returning "
                    + COLUMNS)) {
                update.setString(1, ledger);
                update.setString(2, id);
                try (ResultSet row = update.executeQuery()) {
                    if (row.next()) {
                        Deposit reversed = deposit(row);
                        ServiceEvents.append(connection, "deposit.reversed", ledger, json(reversed));
                    }
                }
            }
        };
    }

    public Optional<Deposit> find(String ledger, String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select " + COLUMNS + " from deposits where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(deposit(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read deposit " + id, e);
        }
    }

    /** A ledger's deposits, newest first, before {@code beforeSequence} when given, of one account when given. */
    public Page<Listed> list(String ledger, String account, Long beforeSequence, int limit) {
        Page.checkLimit(limit);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from deposits"
                        + " where ledger = ? and sequence < ? and (?::text is null or account = ?)"
                        + " order by sequence desc limit ?")) {
            select.setString(1, ledger);
            select.setLong(2, beforeSequence == null ? Long.MAX_VALUE : beforeSequence);
            select.setString(3, account);
            select.setString(4, account);
            select.setInt(5, limit + 1);
            List<Listed> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Listed(row.getLong(13), deposit(row)));
                }
            }
            return Page.of(rows, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list deposits", e);
        }
    }

    /** A deposit route: a provider's reference (an address, a virtual account) → a ledger's account. */
    public record Route(String connector, String reference, String ledger, String account) {}

    /** Stores the route; false when the reference is routed already (to anything). */
    public boolean addRoute(Route route) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into deposit_routes (connector,"
                        + " reference, ledger, account) values (?, ?, ?, ?) on conflict do nothing")) {
            insert.setString(1, route.connector());
            insert.setString(2, route.reference());
            insert.setString(3, route.ledger());
            insert.setString(4, route.account());
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("could not add a deposit route", e);
        }
    }

    public Optional<Route> route(String connector, String reference) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select ledger, account from deposit_routes where connector = ? and reference = ?")) {
            select.setString(1, connector);
            select.setString(2, reference);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new Route(connector, reference, row.getString(1), row.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read a deposit route", e);
        }
    }

    static byte[] json(Deposit deposit) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, deposit);
            return out.toBytes();
        }
    }

    static void write(JsonOutput out, Deposit deposit) {
        out.json.writeStartObject();
        out.string("id", deposit.id());
        out.string("ledger", deposit.ledger());
        out.string("account", deposit.account());
        out.number("amount", deposit.amount());
        out.string("asset", deposit.asset());
        out.string("connector", deposit.connector());
        out.string("status", deposit.status());
        out.string("provider_reference", deposit.providerReference());
        out.json.writeName("provider_event_ids");
        out.json.writeStartArray();
        deposit.providerEventIds().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.json.writeName("ledger_transactions");
        out.json.writeStartArray();
        deposit.ledgerTransactions().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.time("created_at", deposit.createdAtMicros());
        out.time("updated_at", deposit.updatedAtMicros());
        out.metadata("metadata", deposit.metadata());
        out.json.writeEndObject();
    }

    private static Deposit deposit(ResultSet row) throws SQLException {
        Array events = row.getArray(9);
        return new Deposit(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getLong(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8),
                List.of((String[]) events.getArray()),
                Metadata.of(RequestReader.MAPPER.readValue(row.getString(10), STRING_MAP)),
                Timestamps.micros(row, 11),
                Timestamps.micros(row, 12));
    }
}
