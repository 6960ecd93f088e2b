package dev.pacioli.custody;

import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Wallets: made inside the service, used inside it. The plaintext private key exists in memory only
 * while a wallet is made or a signature computed, then its bytes are overwritten; it is never returned,
 * logged or written anywhere but sealed (custody.md, Keys at rest).
 */
public final class Wallets {
    private static final int PRIVATE_KEY_BYTES = 32;

    private final WalletStore store;
    private final KeyVault vault;
    private final AuditLog audit;

    public Wallets(DataSource dataSource, WalletStore store, KeyVault vault) {
        this.store = store;
        this.vault = vault;
        this.audit = new AuditLog(dataSource);
    }

    public WalletStore store() {
        return store;
    }

    /** A creation's answer: 201 for a new wallet, 200 for the same one again. */
    public record Created(Wallet wallet, boolean replayed) {}

    public Created create(String id, String chain, String label, Actor actor) {
        Optional<Wallet> existing = store.find(id);
        if (existing.isPresent()) {
            return replay(existing.get(), chain, label);
        }
        ECKeyPair pair = newKeyPair();
        byte[] privateKey = Numeric.toBytesPadded(pair.getPrivateKey(), PRIVATE_KEY_BYTES);
        try {
            String address = Keys.toChecksumAddress(Keys.getAddress(pair));
            Optional<Wallet> created = store.create(new WalletIdentity(id, chain, address), label, privateKey, actor);
            return created.map(wallet -> new Created(wallet, false))
                    .orElseGet(() -> replay(store.find(id).orElseThrow(), chain, label));
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    private static Created replay(Wallet wallet, String chain, String label) {
        if (!wallet.chain().equals(chain) || !Objects.equals(wallet.label(), label)) {
            throw new ApiException(
                    409, "wallet_exists_with_different_fields", "wallet " + wallet.id() + " exists with other fields");
        }
        return new Created(wallet, true);
    }

    private static ECKeyPair newKeyPair() {
        try {
            return Keys.createEcKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not generate a secp256k1 key", e);
        }
    }

    /**
     * Runs {@code use} with the wallet's key pair, opened for this call only. Every caller that signs
     * writes a {@code custody.signed} audit record; this is the one place a key is opened.
     */
    <T> T withKey(String walletId, Function<ECKeyPair, T> use) {
        WalletStore.WithKey found = store.sealed(walletId).orElseThrow(() -> notFound(walletId));
        byte[] privateKey;
        try {
            privateKey = vault.open(found.sealed(), found.wallet().identity());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "wallet " + walletId + "'s key does not open: its ciphertext was not"
                            + " sealed for this wallet, or was altered",
                    e);
        }
        try {
            return use.apply(ECKeyPair.create(new BigInteger(1, privateKey)));
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    /**
     * Signs a message (EIP-191 personal message) with a wallet and audits it: custody's own check that a
     * wallet's key opens and matches its address (rotation, tests); chain transactions sign through here.
     */
    public org.web3j.crypto.Sign.SignatureData signMessage(String walletId, byte[] message, Actor actor) {
        Wallet wallet = store.find(walletId).orElseThrow(() -> notFound(walletId));
        org.web3j.crypto.Sign.SignatureData signature =
                withKey(walletId, pair -> org.web3j.crypto.Sign.signPrefixedMessage(message, pair));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("wallet", wallet.id());
        detail.put("chain", wallet.chain());
        detail.put("address", wallet.address());
        detail.put("kind", "message");
        detail.put("hash", Numeric.toHexString(org.web3j.crypto.Hash.sha3(message)));
        audit.appendAlone(
                actor,
                AuditEntry.of(
                        AuditAction.CUSTODY_SIGNED,
                        wallet.id(),
                        null,
                        RequestReader.MAPPER.writeValueAsString(detail)));
        return signature;
    }

    /** A signed EIP-1559 transaction: the raw bytes to broadcast and their hash. */
    public record SignedTransaction(byte[] raw, String hash) {}

    /**
     * Signs an EIP-1559 transaction with a wallet and writes its {@code custody.signed} record: wallet,
     * chain, nonce, hash, to, value and fees, with the principal or {@code system} for a worker. The
     * transaction's chain id must be the wallet's.
     */
    public SignedTransaction signTransaction(String walletId, org.web3j.crypto.RawTransaction raw1559, Actor actor) {
        Signed signed = sign(walletId, raw1559);
        audit.appendAlone(actor, signed.record());
        return signed.transaction();
    }

    /**
     * As {@link #signTransaction}, its audit record written on the caller's database transaction: the
     * chain worker stores the signed transaction, its nonce and its record together (a signature whose
     * transaction rolls back was never sent anywhere).
     */
    SignedTransaction signTransaction(
            Connection connection, String walletId, org.web3j.crypto.RawTransaction raw1559, Actor actor)
            throws SQLException {
        Signed signed = sign(walletId, raw1559);
        AuditLog.append(connection, actor, signed.record());
        return signed.transaction();
    }

    private record Signed(SignedTransaction transaction, AuditEntry record) {}

    private Signed sign(String walletId, org.web3j.crypto.RawTransaction raw1559) {
        if (!(raw1559.getTransaction() instanceof org.web3j.crypto.transaction.type.Transaction1559 transaction)) {
            throw new IllegalArgumentException("custody signs EIP-1559 transactions only");
        }
        Wallet wallet = store.find(walletId).orElseThrow(() -> notFound(walletId));
        if (!wallet.chain().equals("evm:" + transaction.getChainId())) {
            throw new IllegalArgumentException(
                    "wallet " + walletId + " is on " + wallet.chain() + ", not evm:" + transaction.getChainId());
        }
        byte[] raw = withKey(
                walletId,
                pair -> org.web3j.crypto.TransactionEncoder.signMessage(
                        raw1559, org.web3j.crypto.Credentials.create(pair)));
        String hash = Numeric.toHexString(org.web3j.crypto.Hash.sha3(raw));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("wallet", wallet.id());
        detail.put("chain", wallet.chain());
        detail.put("address", wallet.address());
        detail.put("kind", "transaction");
        detail.put("nonce", transaction.getNonce().toString());
        detail.put("hash", hash);
        detail.put("to", transaction.getTo());
        detail.put("value_wei", transaction.getValue().toString());
        detail.put("max_fee_per_gas", transaction.getMaxFeePerGas().toString());
        detail.put(
                "max_priority_fee_per_gas",
                transaction.getMaxPriorityFeePerGas().toString());
        AuditEntry record = AuditEntry.of(
                AuditAction.CUSTODY_SIGNED, wallet.id(), null, RequestReader.MAPPER.writeValueAsString(detail));
        return new Signed(new SignedTransaction(raw, hash), record);
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("wallet_not_found", "no wallet " + id);
    }
}
