package dev.pacioli.custody;

import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Transactions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.web3j.crypto.RawTransaction;
import org.web3j.utils.Numeric;

/**
 * Nonces and signatures. A nonce is allocated by a conditional UPDATE of its (chain, address) counter
 * ({@code next_nonce = the value read}) on the database transaction that stores the transaction signed
 * with it and the signature's audit record: they commit together, or none does, so no nonce is lost
 * between allocation and storage, and the unique index on live (chain, address, nonce) stops two
 * intents from ever holding one nonce, whichever instance signed them.
 *
 * <p>Why no deadlock: an allocation locks the counter row, then the one transaction row it moves; no
 * other writer locks a transaction row and then a counter. A racing allocation waits for the first
 * to commit, sees its counter changed (zero rows) and reads it again.
 */
final class ChainSigner {
    private static final int ALLOCATION_TRIES_MAX = 1_000;

    private final ChainStore store;
    private final Wallets wallets;

    ChainSigner(ChainStore store, Wallets wallets) {
        this.store = store;
        this.wallets = wallets;
    }

    /** Fees of an EIP-1559 transaction, in wei per gas. */
    record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
        /** Both raised by 12.5 %, rounded up, and at least the market's: a replacement the node takes. */
        Fees raised(Fees market) {
            return new Fees(
                    bump(maxFeePerGas).max(market.maxFeePerGas()),
                    bump(maxPriorityFeePerGas).max(market.maxPriorityFeePerGas()));
        }

        private static BigInteger bump(BigInteger fee) {
            // fee * 1.125 rounded up: (fee * 9 + 7) / 8
            return fee.multiply(BigInteger.valueOf(9))
                    .add(BigInteger.valueOf(7))
                    .divide(BigInteger.valueOf(8));
        }
    }

    private static final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Signs a queued transaction with the next nonce of its address, storing it {@code signed} with its
     * first attempt; empty when another worker moved it first (nothing is kept then).
     *
     * @param chainCount the chain's pending transaction count, the counter's start when there is none
     */
    Optional<ChainTransaction> signQueued(
            ChainTransaction queued, long chainId, long gasLimit, Fees fees, long chainCount) {
        try {
            return Optional.of(Transactions.run(store.dataSource(), "could not sign " + queued.id(), connection -> {
                long nonce = allocate(connection, queued.chain(), queued.address(), chainCount);
                Wallets.SignedTransaction signed = wallets.signTransaction(
                        connection,
                        queued.walletId(),
                        raw(chainId, nonce, gasLimit, queued.to(), queued.valueWei(), queued.data(), fees),
                        Actor.SYSTEM);
                int moved = ChainStore.execute(
                        connection,
                        "update custody_transactions set status = 'signed', nonce = ?, gas_limit = ?,"
                                + " max_fee_per_gas = ?, max_priority_fee_per_gas = ?, hash = ?, raw = ?,"
                                + " updated_at = now() where id = ? and status = 'queued'",
                        nonce,
                        gasLimit,
                        new BigDecimal(fees.maxFeePerGas()),
                        new BigDecimal(fees.maxPriorityFeePerGas()),
                        signed.hash(),
                        signed.raw(),
                        queued.id());
                if (moved != 1) {
                    throw new Lost(); // rolls the allocation back with it
                }
                attempt(connection, queued.id(), 1, signed.hash(), fees, "first");
                return store.find(connection, queued.id());
            }));
        } catch (Lost e) {
            return Optional.empty();
        }
    }

    /**
     * Signs a replacement of a broadcast transaction (same nonce, raised fees) and stores it as its
     * latest attempt; empty when it changed meanwhile (mined, or replaced by another instance).
     */
    Optional<ChainTransaction> signReplacement(ChainTransaction sent, long chainId, Fees fees) {
        try {
            return Optional.of(Transactions.run(store.dataSource(), "could not replace " + sent.id(), connection -> {
                Wallets.SignedTransaction signed = wallets.signTransaction(
                        connection,
                        sent.walletId(),
                        raw(chainId, sent.nonce(), sent.gasLimit(), sent.to(), sent.valueWei(), sent.data(), fees),
                        Actor.SYSTEM);
                int moved = ChainStore.execute(
                        connection,
                        "update custody_transactions set max_fee_per_gas = ?, max_priority_fee_per_gas = ?, hash = ?,"
                                + " raw = ?, replacements = replacements + 1, sent_at = now(), updated_at = now()"
                                + " where id = ? and status = 'broadcast' and replacements = ?",
                        new BigDecimal(fees.maxFeePerGas()),
                        new BigDecimal(fees.maxPriorityFeePerGas()),
                        signed.hash(),
                        signed.raw(),
                        sent.id(),
                        sent.replacements());
                if (moved != 1) {
                    throw new Lost();
                }
                attempt(connection, sent.id(), sent.replacements() + 2, signed.hash(), fees, "replacement");
                return store.find(connection, sent.id());
            }));
        } catch (Lost e) {
            return Optional.empty();
        }
    }

    /**
     * Fills a nonce no transaction of ours can use any more with a zero-value self-transfer, stored
     * signed; empty when a live transaction holds the nonce (the unique index refuses a second).
     */
    Optional<ChainTransaction> signFiller(Wallet wallet, long chainId, long nonce, Fees fees) {
        String id = "filler:" + wallet.chain() + ":" + wallet.address() + ":" + nonce;
        return Transactions.run(store.dataSource(), "could not fill nonce " + nonce, connection -> {
                    try (PreparedStatement insert = connection.prepareStatement("insert into custody_transactions (id,"
                            + " wallet_id, chain, address, kind, to_address, value_wei, data, status, nonce, gas_limit,"
                            + " max_fee_per_gas, max_priority_fee_per_gas, hash, raw, fingerprint, created_by) select ?, ?, ?,"
                            + " ?, 'filler', ?, 0, ''::bytea, 'signed', ?, 21000, ?, ?, '', ''::bytea, 'filler', 'system'"
                            + " where not exists (select 1 from custody_transactions where chain = ? and address = ? and"
                            + " nonce = ? and status <> 'failed') on conflict do nothing")) {
                        insert.setString(1, id);
                        insert.setString(2, wallet.id());
                        insert.setString(3, wallet.chain());
                        insert.setString(4, wallet.address());
                        insert.setString(5, wallet.address());
                        insert.setLong(6, nonce);
                        insert.setBigDecimal(7, new BigDecimal(fees.maxFeePerGas()));
                        insert.setBigDecimal(8, new BigDecimal(fees.maxPriorityFeePerGas()));
                        insert.setString(9, wallet.chain());
                        insert.setString(10, wallet.address());
                        insert.setLong(11, nonce);
                        if (insert.executeUpdate() != 1) {
                            return Optional.<ChainTransaction>empty();
                        }
                    }
                    Wallets.SignedTransaction signed = wallets.signTransaction(
                            connection,
                            wallet.id(),
                            raw(chainId, nonce, 21_000, wallet.address(), BigInteger.ZERO, new byte[0], fees),
                            Actor.SYSTEM);
                    ChainStore.execute(
                            connection,
                            "update custody_transactions set hash = ?, raw = ? where id = ?",
                            signed.hash(),
                            signed.raw(),
                            id);
                    attempt(connection, id, 1, signed.hash(), fees, "first");
                    store.enqueue(connection, id);
                    return Optional.of(store.find(connection, id));
                })
                .map(filler -> {
                    store.wake();
                    return filler;
                });
    }

    /** The next nonce of (chain, address), its counter moved past it on the caller's transaction. */
    static long allocate(Connection connection, String chain, String address, long chainCount) throws SQLException {
        ChainStore.execute(
                connection,
                "insert into custody_nonces (chain, address, next_nonce) values (?, ?, ?) on conflict do nothing",
                chain,
                address,
                chainCount);
        for (int tries = 0; tries < ALLOCATION_TRIES_MAX; tries++) {
            long stored = next(connection, chain, address);
            // Never below the chain's count: a counter behind the chain (a database older than the
            // chain, the key used elsewhere) would sign nonces already used.
            long next = Math.max(stored, chainCount);
            int moved = ChainStore.execute(
                    connection,
                    "update custody_nonces set next_nonce = ? where chain = ? and address = ? and next_nonce = ?",
                    next + 1,
                    chain,
                    address,
                    stored);
            if (moved == 1) {
                return next;
            }
        }
        throw new IllegalStateException("no nonce of " + address + " after " + ALLOCATION_TRIES_MAX + " tries");
    }

    static long next(Connection connection, String chain, String address) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select next_nonce from custody_nonces where chain = ? and address = ?")) {
            select.setString(1, chain);
            select.setString(2, address);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no nonce counter of " + address + " on " + chain);
                }
                return row.getLong(1);
            }
        }
    }

    private static void attempt(Connection connection, String id, int attempt, String hash, Fees fees, String reason)
            throws SQLException {
        ChainStore.execute(
                connection,
                "insert into custody_transaction_attempts (transaction_id, attempt, hash, max_fee_per_gas,"
                        + " max_priority_fee_per_gas, reason) values (?, ?, ?, ?, ?, ?)",
                id,
                attempt,
                hash,
                new BigDecimal(fees.maxFeePerGas()),
                new BigDecimal(fees.maxPriorityFeePerGas()),
                reason);
    }

    static RawTransaction raw(
            long chainId, long nonce, long gasLimit, String to, BigInteger value, byte[] data, Fees fees) {
        return RawTransaction.createTransaction(
                chainId,
                BigInteger.valueOf(nonce),
                BigInteger.valueOf(gasLimit),
                to,
                value,
                Numeric.toHexString(data),
                fees.maxPriorityFeePerGas(),
                fees.maxFeePerGas());
    }
}
