package dev.pacioli.custody;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Page;
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
import javax.sql.DataSource;

/** Wallets' rows. The sealed private key is read only by {@link #sealed}; no listing selects it. */
public final class WalletStore {
    static final String COLUMNS = "id, sequence, chain, label, address, key_id, created_at";

    private final DataSource dataSource;
    private final KeyVault vault;

    public WalletStore(DataSource dataSource, KeyVault vault) {
        this.dataSource = dataSource;
        this.vault = vault;
    }

    /** Stores a new wallet with its key sealed on the same transaction; empty when the id is taken. */
    Optional<Wallet> create(WalletIdentity identity, String label, byte[] privateKey, Actor actor) {
        return Transactions.run(dataSource, "could not create wallet " + identity.id(), connection -> {
            KeyVault.Sealed sealed = vault.seal(connection, identity, privateKey);
            try (PreparedStatement insert = connection.prepareStatement("insert into custody_wallets (id, chain,"
                    + " label, address, key_id, private_key) values (?, ?, ?, ?, ?, ?) on conflict (id) do nothing"
                    + " returning " + COLUMNS)) {
                insert.setString(1, identity.id());
                insert.setString(2, identity.chain());
                insert.setString(3, label);
                insert.setString(4, identity.address());
                insert.setString(5, sealed.keyId());
                insert.setBytes(6, sealed.ciphertext());
                try (ResultSet row = insert.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Wallet>empty();
                    }
                    Wallet wallet = wallet(row);
                    AuditLog.append(
                            connection,
                            actor,
                            AuditEntry.of(AuditAction.CUSTODY_WALLET_CREATED, wallet.id(), null, describe(wallet)));
                    return Optional.of(wallet);
                }
            }
        });
    }

    public Optional<Wallet> find(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("select " + COLUMNS + " from custody_wallets where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(wallet(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read wallet " + id, e);
        }
    }

    /** The wallet and its sealed key, read together (one row, so a rotation never splits them). */
    record WithKey(Wallet wallet, KeyVault.Sealed sealed) {}

    Optional<WithKey> sealed(String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select " + COLUMNS + ", private_key from custody_wallets where id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Wallet wallet = wallet(row);
                return Optional.of(new WithKey(wallet, new KeyVault.Sealed(wallet.keyId(), row.getBytes(8))));
            }
        } catch (SQLException e) {
            throw new StoreException("could not read wallet " + id, e);
        }
    }

    /** Newest first, before the sequence {@code before} when given. */
    public Page<Wallet> list(Long before, int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select " + COLUMNS + " from custody_wallets"
                        + " where (? :: bigint is null or sequence < ?) order by sequence desc limit ?")) {
            select.setObject(1, before);
            select.setObject(2, before);
            select.setInt(3, limit + 1);
            List<Wallet> wallets = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    wallets.add(wallet(rows));
                }
            }
            return Page.of(wallets, limit);
        } catch (SQLException e) {
            throw new StoreException("could not list wallets", e);
        }
    }

    static Wallet wallet(ResultSet row) throws SQLException {
        return new Wallet(
                row.getString(1),
                row.getLong(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                Timestamps.micros(row, 7));
    }

    /** A wallet as the audit log shows it: never its key. */
    static String describe(Wallet wallet) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("chain", wallet.chain());
        json.put("label", wallet.label());
        json.put("address", wallet.address());
        json.put("key_id", wallet.keyId());
        return RequestReader.MAPPER.writeValueAsString(json);
    }
}
