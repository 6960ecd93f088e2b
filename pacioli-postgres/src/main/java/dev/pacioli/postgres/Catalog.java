package dev.pacioli.postgres;

import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Ledgers and assets: the few things that exist outside any one ledger's writer. Created rarely, by
 * administrators, and never changed in ways a writer depends on (an asset's scale is fixed at birth).
 */
public final class Catalog {
    private final DataSource dataSource;

    public Catalog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public enum Outcome {
        CREATED,
        IDENTICAL,
        CONFLICT
    }

    public record LedgerResult(Outcome outcome, Ledger ledger) {}

    public record AssetResult(Outcome outcome, StoredAsset stored) {}

    /** An asset with the time it was created. */
    public record StoredAsset(Asset asset, long createdAtMicros) {}

    /**
     * What a caller adds to the transaction that creates a ledger or an asset (its audit record, say):
     * run only when this call created it, committed with it or rolled back with it. The catalog knows
     * nothing of what it writes.
     */
    @FunctionalInterface
    public interface OnCreated<T> {
        void run(Connection connection, T created) throws SQLException;
    }

    /** Creates a ledger; the same name again answers the existing one (identical or conflicting metadata). */
    public LedgerResult createLedger(String name, Metadata metadata) {
        return createLedger(name, metadata, (connection, ledger) -> {});
    }

    /** As {@link #createLedger(String, Metadata)}, running {@code onCreated} in its transaction when it creates. */
    public LedgerResult createLedger(String name, Metadata metadata, OnCreated<Ledger> onCreated) {
        if (!Limits.isIdentifier(name)) {
            throw new IllegalArgumentException("ledger name does not match the identifier pattern: " + name);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("insert into ledgers (name, metadata,"
                    + " head_hash) values (?, ?::jsonb, ?) on conflict (name) do nothing")) {
                insert.setString(1, name);
                insert.setString(2, CopyText.Json.object(metadata.values()));
                insert.setBytes(3, JournalCodec.genesisHash(name));
                boolean created = insert.executeUpdate() == 1;
                Ledger ledger = findLedger(connection, name).orElseThrow();
                if (created) {
                    onCreated.run(connection, ledger);
                }
                connection.commit();
                Outcome outcome = created
                        ? Outcome.CREATED
                        : ledger.metadata().equals(metadata) ? Outcome.IDENTICAL : Outcome.CONFLICT;
                return new LedgerResult(outcome, ledger);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not create ledger '" + name + "'", e);
        }
    }

    public Optional<Ledger> findLedger(String name) {
        try (Connection connection = dataSource.getConnection()) {
            return findLedger(connection, name);
        } catch (SQLException e) {
            throw new StoreException("could not read ledger '" + name + "'", e);
        }
    }

    private static Optional<Ledger> findLedger(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select id, name, created_at, "
                + Rows.METADATA_PAIRS.formatted("l") + " from ledgers l where name = ?")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(ledger(row)) : Optional.empty();
            }
        }
    }

    public List<Ledger> listLedgers() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select id, name, created_at, "
                        + Rows.METADATA_PAIRS.formatted("l") + " from ledgers l order by name")) {
            List<Ledger> ledgers = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ledgers.add(ledger(rows));
                }
            }
            return ledgers;
        } catch (SQLException e) {
            throw new StoreException("could not list ledgers", e);
        }
    }

    private static Ledger ledger(ResultSet row) throws SQLException {
        return new Ledger(row.getLong(1), row.getString(2), Rows.metadata(row.getArray(4)), Rows.micros(row, 3));
    }

    /** Creates an asset; the same code with the same scale is identical, with another scale a conflict. */
    public AssetResult putAsset(Asset asset) {
        return putAsset(asset, (connection, stored) -> {});
    }

    /** As {@link #putAsset(Asset)}, running {@code onCreated} in its transaction when it creates. */
    public AssetResult putAsset(Asset asset, OnCreated<StoredAsset> onCreated) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                AssetResult result = putAsset(connection, asset);
                if (result.outcome() == Outcome.CREATED) {
                    onCreated.run(connection, result.stored());
                }
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("could not create asset " + asset.code(), e);
        }
    }

    private static AssetResult putAsset(Connection connection, Asset asset) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                        "insert into assets (code, scale) values (?, ?) on conflict (code) do nothing");
                PreparedStatement select =
                        connection.prepareStatement("select code, scale, created_at from assets where code = ?")) {
            insert.setString(1, asset.code());
            insert.setShort(2, (short) asset.scale());
            boolean created = insert.executeUpdate() == 1;
            select.setString(1, asset.code());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                StoredAsset stored = storedAsset(row);
                Outcome outcome =
                        created ? Outcome.CREATED : stored.asset().equals(asset) ? Outcome.IDENTICAL : Outcome.CONFLICT;
                return new AssetResult(outcome, stored);
            }
        }
    }

    public List<StoredAsset> listAssets() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("select code, scale, created_at from assets order by code");
                ResultSet rows = statement.executeQuery()) {
            List<StoredAsset> assets = new ArrayList<>();
            while (rows.next()) {
                assets.add(storedAsset(rows));
            }
            return assets;
        } catch (SQLException e) {
            throw new StoreException("could not list assets", e);
        }
    }

    private static StoredAsset storedAsset(ResultSet row) throws SQLException {
        return new StoredAsset(new Asset(row.getString(1), row.getShort(2)), Rows.micros(row, 3));
    }
}
