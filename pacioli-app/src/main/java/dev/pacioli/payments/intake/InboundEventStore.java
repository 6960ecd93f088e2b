package dev.pacioli.payments.intake;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Verified inbound provider events, stored by {@code (connector, provider event id)} before anything
 * else, with the job that applies them in the same transaction (the outbox). A duplicate, even one
 * arriving at the same instant, finds the row there and has no effect.
 */
public final class InboundEventStore {
    public static final String JOB = "inbound.process";

    private final DataSource dataSource;
    private final Jobs jobs;

    public InboundEventStore(DataSource dataSource, Jobs jobs) {
        this.dataSource = dataSource;
        this.jobs = jobs;
    }

    /** Stores the event and its job; false when it was stored before (a duplicate). */
    public boolean store(String connector, InboundEvent event, byte[] body) {
        return Transactions.run(dataSource, "could not store an inbound event of " + connector, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into inbound_events (connector,"
                    + " provider_event_id, provider_type, kind, event, body) values (?, ?, ?, ?, ?, ?)"
                    + " on conflict do nothing")) {
                insert.setString(1, connector);
                insert.setString(2, event.providerEventId());
                insert.setString(3, event.providerType());
                insert.setString(4, event.kind().name().toLowerCase(Locale.ROOT));
                insert.setString(5, InboundEventJson.write(event));
                insert.setString(6, new String(body, StandardCharsets.UTF_8));
                if (insert.executeUpdate() == 0) {
                    return false;
                }
            }
            jobs.enqueue(connection, JOB, key(connector, event.providerEventId()));
            return true;
        });
    }

    /** The key of an event's job: {@code connector/provider event id} (connector ids hold no {@code /}). */
    static String key(String connector, String providerEventId) {
        return connector + "/" + providerEventId;
    }

    public Optional<InboundEvent> find(String connector, String providerEventId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select event from inbound_events where connector = ? and provider_event_id = ?")) {
            select.setString(1, connector);
            select.setString(2, providerEventId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(InboundEventJson.read(row.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read an inbound event", e);
        }
    }

    /** Records what processing did. */
    public void processed(String connector, String providerEventId, String outcome) {
        Transactions.run(dataSource, "could not record an inbound event's outcome", connection -> {
            try (PreparedStatement update = connection.prepareStatement("update inbound_events set outcome = ?,"
                    + " processed_at = now() where connector = ? and provider_event_id = ?")) {
                update.setString(1, outcome);
                update.setString(2, connector);
                update.setString(3, providerEventId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** The scale of an asset, to read a provider's decimal amount; empty when there is no such asset. */
    public Optional<Integer> scale(String asset) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select scale from assets where code = ?")) {
            select.setString(1, asset);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getInt(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read asset " + asset, e);
        }
    }
}
