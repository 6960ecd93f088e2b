package dev.pacioli.custody;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Envelope encryption of wallet keys. A data key is a Tink AES-256-GCM keyset, stored encrypted by the
 * KEK with the associated data {@code custody_key|<id>}; a wallet's private key is encrypted by a data
 * key with the associated data {@code wallet_id|chain|address}.
 *
 * <p>Invariants: exactly one data key is {@code primary} once the vault has started (a partial unique
 * index); new wallets are sealed under the primary read {@code FOR SHARE} in the wallet's own
 * transaction, so a rotation that demotes it waits for them and its job sees them. Keys are never
 * deleted: a disabled key holds no wallet, and stays to read backups taken before the rotation.
 *
 * <p>Decrypted data keys are cached in memory (one {@link Aead} per key id, a handful); plaintext
 * wallet keys are not: each use decrypts, uses and drops them.
 */
public final class KeyVault {
    public static final String PRIMARY = "primary";
    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;
    private final Kek kek;
    private final Map<String, Aead> dataKeys = new ConcurrentHashMap<>();

    /** A wallet's private key as stored: which data key sealed it, and the ciphertext. */
    public record Sealed(String keyId, byte[] ciphertext) {}

    /** A data key as {@code GET /v1/custody/keys} shows it. */
    public record KeyInfo(String id, String state, long wallets, long createdAtMicros, long stateChangedAtMicros) {}

    public KeyVault(DataSource dataSource, Kek kek) {
        this.dataSource = dataSource;
        this.kek = kek;
    }

    public Kek kek() {
        return kek;
    }

    /** Makes the first primary key when there is none (two instances starting at once make one). */
    public void start() {
        Transactions.run(dataSource, "could not create custody's first data key", connection -> {
            if (primary(connection, false) == null) {
                insertKey(connection, PRIMARY);
            }
            return null;
        });
        // Fails at start, not at the first signature, when the KEK cannot open the stored keys.
        keys().forEach(key -> aead(key.id()));
    }

    /** Inserts a new data key in {@code state}; answers its id, or null when another primary won the race. */
    String insertKey(Connection connection, String state) throws SQLException {
        String id = "ck_" + HexFormat.of().formatHex(randomBytes());
        byte[] keyset;
        try {
            KeysetHandle handle =
                    KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get());
            keyset = TinkProtoKeysetFormat.serializeEncryptedKeyset(
                    handle, kek.aead(), keyAssociatedData(id), RegistryConfiguration.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make a data key", e);
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into custody_keys (id, state, keyset) values (?, ?, ?) on conflict do nothing")) {
            insert.setString(1, id);
            insert.setString(2, state);
            insert.setBytes(3, keyset);
            return insert.executeUpdate() == 1 ? id : null;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The primary key's id; {@code FOR SHARE} when a wallet is sealed under it on this transaction. */
    static String primary(Connection connection, boolean share) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select id from custody_keys where state = 'primary'" + (share ? " for share" : ""))) {
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** Seals a wallet's private key under the primary key, on the transaction that stores it. */
    public Sealed seal(Connection connection, WalletIdentity wallet, byte[] privateKey) throws SQLException {
        String keyId = primary(connection, true);
        if (keyId == null) {
            throw new IllegalStateException("custody has no primary key: the vault was not started");
        }
        return new Sealed(keyId, encrypt(keyId, wallet, privateKey));
    }

    byte[] encrypt(String keyId, WalletIdentity wallet, byte[] privateKey) {
        try {
            return aead(keyId).encrypt(privateKey, wallet.associatedData());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt under data key " + keyId, e);
        }
    }

    /**
     * Opens a wallet's private key. A ciphertext that was not sealed for this wallet (copied from another
     * row) or was altered throws {@link GeneralSecurityException}.
     */
    public byte[] open(Sealed sealed, WalletIdentity wallet) throws GeneralSecurityException {
        return aead(sealed.keyId()).decrypt(sealed.ciphertext(), wallet.associatedData());
    }

    private Aead aead(String keyId) {
        return dataKeys.computeIfAbsent(keyId, this::load);
    }

    private Aead load(String keyId) {
        byte[] keyset = Transactions.run(dataSource, "could not read data key " + keyId, connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("select keyset from custody_keys where id = ?")) {
                select.setString(1, keyId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no data key " + keyId);
                    }
                    return row.getBytes(1);
                }
            }
        });
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(
                            keyset, kek.aead(), keyAssociatedData(keyId), RegistryConfiguration.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new Kek.KekException(
                    "the KEK (" + kek.description() + ") does not open data key " + keyId
                            + ": another KEK encrypted it",
                    e);
        }
    }

    private static byte[] keyAssociatedData(String keyId) {
        return ("custody_key|" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    /** Every data key with the number of wallets under it, oldest first. */
    public List<KeyInfo> keys() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select k.id, k.state, (select count(*) from"
                        + " custody_wallets w where w.key_id = k.id), k.created_at, k.state_changed_at"
                        + " from custody_keys k order by k.created_at, k.id");
                ResultSet rows = select.executeQuery()) {
            List<KeyInfo> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(new KeyInfo(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getLong(3),
                        Timestamps.micros(rows, 4),
                        Timestamps.micros(rows, 5)));
            }
            return keys;
        } catch (SQLException e) {
            throw new StoreException("could not read custody's keys", e);
        }
    }
}
