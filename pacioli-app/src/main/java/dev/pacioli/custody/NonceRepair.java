package dev.pacioli.custody;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Brings an address's nonce counter in line with the chain (custody.md, Nonces), comparing it with the
 * chain's pending transaction count (mined, and in the node's pool):
 * <ul>
 *   <li>behind (the chain counts more: the key was used elsewhere, or the database is older than the
 *       chain): the counter jumps to the chain's count, so no nonce is signed twice;
 *   <li>otherwise, every nonce from the chain's mined count up to the counter: one held by a live
 *       transaction of ours is broadcast again; one that none holds (its transaction failed unsent, or
 *       the counter was set ahead) is filled with a zero-value self-transfer, so later ones are not
 *       stuck behind the gap.
 * </ul>
 */
final class NonceRepair {
    private static final Logger LOG = LoggerFactory.getLogger(NonceRepair.class);
    /** Fillers one repair signs at most; the next run goes on. */
    static final int FILLERS_PER_REPAIR_MAX = 1_000;

    private final DataSource dataSource;
    private final ChainStore store;
    private final ChainSigner signer;
    private final ChainNodes nodes;
    private final WalletStore wallets;
    private final SubmissionGate gate;

    NonceRepair(
            DataSource dataSource,
            ChainStore store,
            ChainSigner signer,
            ChainNodes nodes,
            WalletStore wallets,
            SubmissionGate gate) {
        this.dataSource = dataSource;
        this.store = store;
        this.signer = signer;
        this.nodes = nodes;
        this.wallets = wallets;
        this.gate = gate;
    }

    /** Every (chain, address) with a counter, as {@code chain|address}. */
    List<String> addresses() {
        return strings("select chain || '|' || address from custody_nonces order by chain, address");
    }

    /** Every chain with a counter. */
    List<String> chains() {
        return strings("select distinct chain from custody_nonces order by chain");
    }

    private List<String> strings(String sql) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rows = select.executeQuery()) {
            List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getString(1));
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("could not read the nonce counters", e);
        }
    }

    void repair(String chain, String address) throws ChainNodes.Unreachable {
        Optional<ChainNodes.Chain> found = nodes.chain(chain);
        if (found.isEmpty()) {
            return;
        }
        long pending = nodes.transactionCount(chain, address, "pending");
        long next = Transactions.run(
                dataSource, "could not read a nonce counter", c -> ChainSigner.next(c, chain, address));
        if (next < pending) {
            int moved = Transactions.run(
                    dataSource,
                    "could not move a nonce counter",
                    c -> ChainStore.execute(
                            c,
                            "update custody_nonces set next_nonce = ?, repaired_at = now() where chain = ? and"
                                    + " address = ? and next_nonce = ?",
                            pending,
                            chain,
                            address,
                            next));
            LOG.warn(
                    "nonce counter of {} on {} was behind the chain ({} < {}): moved up{}",
                    address,
                    chain,
                    next,
                    pending,
                    moved == 1 ? "" : " by another instance");
            return;
        }
        // From the chain's mined count: a nonce in the pool beyond a gap counts as pending on some
        // nodes, yet waits on the gap.
        long mined = nodes.transactionCount(chain, address, "latest");
        long last = Math.min(next, mined + FILLERS_PER_REPAIR_MAX);
        for (long nonce = mined; nonce < last; nonce++) {
            Optional<ChainTransaction> live = live(chain, address, nonce);
            if (live.isPresent()) {
                if (live.get().status().open() && live.get().raw() != null) {
                    resend(live.get());
                }
                continue;
            }
            Wallet wallet = wallet(chain, address).orElseThrow();
            Optional<ChainTransaction> signed;
            try (SubmissionGate.Pass pass = gate.enter()) {
                if (!pass.allowed()) {
                    return; // a filler is a signature: none while dry or stopped; the next repair fills it
                }
                signed = signer.signFiller(wallet, found.get().settings().chainId(), nonce, nodes.market(chain));
            }
            LOG.warn("nonce {} of {} on {} is held by no transaction: filled", nonce, address, chain);
            signed.ifPresent(filler -> {
                try {
                    resend(filler);
                } catch (ChainNodes.Unreachable e) {
                    LOG.debug("filler {} waits for its worker: {}", filler.id(), e.getMessage());
                }
            });
        }
    }

    private void resend(ChainTransaction transaction) throws ChainNodes.Unreachable {
        try {
            nodes.call(transaction.chain(), "eth_sendRawTransaction", Numeric.toHexString(transaction.raw()));
            store.broadcast(transaction.id(), transaction.hash());
        } catch (ChainNodes.RpcError e) {
            LOG.info("repair: {} not broadcast again: {}", transaction.id(), e.getMessage());
        }
    }

    private Optional<ChainTransaction> live(String chain, String address, long nonce) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select id from custody_transactions where"
                        + " chain = ? and address = ? and nonce = ? and status <> 'failed'")) {
            select.setString(1, chain);
            select.setString(2, address);
            select.setLong(3, nonce);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? store.find(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read nonce " + nonce + " of " + address, e);
        }
    }

    private Optional<Wallet> wallet(String chain, String address) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("select id from custody_wallets where chain = ? and address = ?")) {
            select.setString(1, chain);
            select.setString(2, address);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? wallets.find(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the wallet of " + address, e);
        }
    }

    /**
     * Nonces below an address's counter that no live transaction holds, above the last one the
     * chain mined from it as far as stored: {@code pacioli_custody_nonce_gaps}. A nonce is live from
     * the commit that allocates it, so a healthy service shows 0.
     */
    long gaps() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("select coalesce(sum((select count(*) from"
                        + " generate_series(coalesce((select max(t.nonce) + 1 from custody_transactions t where"
                        + " t.chain = n.chain and t.address = n.address and t.status = 'confirmed'), 0),"
                        + " n.next_nonce - 1) g where not exists (select 1 from custody_transactions t where t.chain"
                        + " = n.chain and t.address = n.address and t.nonce = g and (t.status <> 'failed' or t.mined_hash is not null)))), 0)"
                        + " from custody_nonces n");
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("could not count nonce gaps", e);
        }
    }
}
