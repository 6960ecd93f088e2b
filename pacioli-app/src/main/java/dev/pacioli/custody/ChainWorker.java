package dev.pacioli.custody;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.jobs.Backoff;
import dev.pacioli.platform.jobs.Claim;
import dev.pacioli.platform.jobs.JobOutcome;
import dev.pacioli.platform.jobs.JobType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * The chain worker: one durable job per chain transaction ({@value ChainStore#JOB}) that takes it from
 * {@code queued} to an end: signed with the next nonce (one database transaction, {@link ChainSigner}),
 * broadcast, then followed until a receipt of any of its attempts has enough confirmations.
 *
 * <p>Order of effects, so a crash anywhere sends nothing twice: the transaction is stored signed before
 * it is broadcast, and a signed one is only ever broadcast again as the same bytes (the node answers
 * "already known"). Signing passes the controls' {@link SubmissionGate}: in dry mode or under an
 * emergency stop a queued transaction is held and nothing is signed. A transaction already signed is
 * still broadcast (its nonce would otherwise stall every later one); no new signature is made.
 *
 * <p>A refusal by the node for good (not a nonce or fee matter) fails the transaction and fills its
 * nonce with a zero-value self-transfer, so the ones after it proceed.
 */
final class ChainWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ChainWorker.class);
    static final long TRANSFER_GAS = 21_000;
    /**
     * Attempts in flight per instance. Each signing holds two database connections (the gate's pass
     * and the signing transaction), and signatures of one address are serialized by its nonce counter
     * anyway, so more would only wait on the pool.
     */
    static final int WORKERS = 4;
    /** The wait of a transaction whose chain no URL answers: its breakers' business, not a tight loop. */
    static final Duration UNREACHABLE_WAIT = Duration.ofSeconds(10);

    private final ChainStore store;
    private final ChainSigner signer;
    private final ChainNodes nodes;
    private final WalletStore wallets;
    private final SubmissionGate gate;
    private final LedgerPort ledgers;
    private final Alerts alerts;
    private final Duration poll;
    private final BiConsumer<String, String> repair;

    ChainWorker(
            ChainStore store,
            ChainSigner signer,
            ChainNodes nodes,
            WalletStore wallets,
            SubmissionGate gate,
            LedgerPort ledgers,
            Alerts alerts,
            Duration poll,
            BiConsumer<String, String> repair) {
        this.store = store;
        this.signer = signer;
        this.nodes = nodes;
        this.wallets = wallets;
        this.gate = gate;
        this.ledgers = ledgers;
        this.alerts = alerts;
        this.poll = poll;
        this.repair = repair;
    }

    JobType type() {
        return new JobType(
                ChainStore.JOB,
                WORKERS,
                Duration.ofSeconds(60),
                1_000,
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2),
                this::run);
    }

    private JobOutcome run(Claim job) {
        Optional<ChainTransaction> found = store.find(job.key());
        if (found.isEmpty()) {
            return JobOutcome.succeeded();
        }
        ChainTransaction transaction = found.get();
        try {
            return switch (transaction.status()) {
                case HELD, CONFIRMED, FAILED -> JobOutcome.succeeded();
                case QUEUED -> sign(transaction);
                case SIGNED -> send(transaction);
                case BROADCAST -> follow(transaction);
            };
        } catch (ChainNodes.Unreachable e) {
            LOG.debug("chain transaction {} waits for its node: {}", transaction.id(), e.getMessage());
            return waitFor(poll.compareTo(UNREACHABLE_WAIT) > 0 ? poll : UNREACHABLE_WAIT);
        }
    }

    private JobOutcome sign(ChainTransaction queued) throws ChainNodes.Unreachable {
        Optional<ChainNodes.Chain> chain = nodes.chain(queued.chain());
        if (chain.isEmpty()) {
            return waitFor(poll); // its connector is gone for now; the transaction waits queued
        }
        long chainId = chain.get().settings().chainId();
        ChainSigner.Fees fees = nodes.market(queued.chain());
        long gas;
        try {
            gas = gasLimit(queued);
        } catch (ChainNodes.RpcError e) {
            return ended(end(queued, ChainStatus.FAILED, null, null, "gas estimate refused: " + e.getMessage()));
        }
        long chainCount = nodes.transactionCount(queued.chain(), queued.address(), "pending");
        Optional<ChainTransaction> signed;
        try (SubmissionGate.Pass pass = gate.enter()) {
            if (!pass.allowed()) {
                if (pass.refusal() != SubmissionGate.Refusal.UNREADABLE) {
                    store.hold(queued.id(), pass.refusal().holdReason());
                    return JobOutcome.succeeded(); // released by an operator, never by itself
                }
                return waitFor(poll);
            }
            signed = signer.signQueued(queued, chainId, gas, fees, chainCount);
        }
        // Broadcast after the gate's pass is closed: the signature was its business, and the pass
        // holds a database connection the broadcast does not need.
        return signed.isEmpty() ? waitFor(Duration.ZERO) : send(signed.get()); // empty: moved meanwhile
    }

    /** 21,000 for a plain transfer; else the node's estimate and a fifth more. */
    private long gasLimit(ChainTransaction queued) throws ChainNodes.Unreachable {
        if (queued.data().length == 0) {
            return TRANSFER_GAS;
        }
        Map<String, String> call = new LinkedHashMap<>();
        call.put("from", queued.address());
        call.put("to", queued.to());
        call.put("value", ChainNodes.hex(queued.valueWei()));
        call.put("data", Numeric.toHexString(queued.data()));
        BigInteger estimate = ChainNodes.quantity(nodes.call(queued.chain(), "eth_estimateGas", call));
        return estimate.multiply(BigInteger.valueOf(6))
                .divide(BigInteger.valueOf(5))
                .longValueExact();
    }

    /** Broadcasts the latest attempt; the node's answer decides what follows. */
    JobOutcome send(ChainTransaction signed) throws ChainNodes.Unreachable {
        try {
            nodes.call(signed.chain(), "eth_sendRawTransaction", Numeric.toHexString(signed.raw()));
        } catch (ChainNodes.RpcError e) {
            String refusal = e.getMessage().toLowerCase(Locale.ROOT);
            if (!refusal.contains("already known") && !refusal.contains("known transaction")) {
                return refused(signed, e.getMessage(), refusal);
            }
        }
        store.broadcast(signed.id(), signed.hash());
        return waitFor(poll);
    }

    private JobOutcome refused(ChainTransaction signed, String message, String refusal) throws ChainNodes.Unreachable {
        if (refusal.contains("nonce too low") || refusal.contains("underpriced")) {
            if (receipt(signed).isPresent()) {
                return follow(signed); // one of its attempts was mined already
            }
            if (refusal.contains("underpriced") && signed.replacements() > 0) {
                store.broadcast(signed.id(), signed.hash()); // an earlier attempt of ours holds the nonce
                return waitFor(poll);
            }
            repair.accept(signed.chain(), signed.address());
            return ended(end(signed, ChainStatus.FAILED, null, null, "nonce used by another transaction: " + message));
        }
        if (refusal.contains("nonce too high")) {
            repair.accept(signed.chain(), signed.address());
            return waitFor(poll);
        }
        if (ChainTransaction.FILLER.equals(signed.kind())) {
            return JobOutcome.failed("the node refused the filler of nonce " + signed.nonce() + ": " + message);
        }
        if (!end(signed, ChainStatus.FAILED, null, null, "refused by the node: " + message)) {
            return ended(false);
        }
        fill(signed);
        return JobOutcome.succeeded();
    }

    /** Fills the nonce of a transaction that failed unsent, and sends the filler through its own job. */
    void fill(ChainTransaction failed) throws ChainNodes.Unreachable {
        Wallet wallet = wallets.find(failed.walletId()).orElseThrow();
        long chainId = nodes.chain(failed.chain()).orElseThrow().settings().chainId();
        ChainSigner.Fees fees = nodes.market(failed.chain());
        try (SubmissionGate.Pass pass = gate.enter()) {
            if (pass.allowed()) { // else the monitor's repair fills it once signing is allowed again
                signer.signFiller(wallet, chainId, failed.nonce(), fees);
            }
        }
    }

    /** A broadcast transaction: final once a receipt of any attempt has its confirmations. */
    private JobOutcome follow(ChainTransaction sent) throws ChainNodes.Unreachable {
        Optional<JsonNode> receipt = receipt(sent);
        if (receipt.isEmpty()) {
            return waitFor(poll);
        }
        long block = ChainNodes.quantity(receipt.get().path("blockNumber")).longValueExact();
        long head =
                ChainNodes.quantity(nodes.call(sent.chain(), "eth_blockNumber")).longValueExact();
        int needed = nodes.chain(sent.chain())
                .map(chain -> chain.settings().confirmations())
                .orElse(1);
        if (head - block + 1 < needed) {
            return waitFor(poll);
        }
        String hash = receipt.get().path("transactionHash").asString();
        boolean succeeded = "0x1".equals(receipt.get().path("status").asString());
        return ended(end(
                sent,
                succeeded ? ChainStatus.CONFIRMED : ChainStatus.FAILED,
                hash,
                block,
                succeeded ? null : "reverted"));
    }

    /** The receipt of whichever attempt was mined, newest attempt first. */
    Optional<JsonNode> receipt(ChainTransaction sent) throws ChainNodes.Unreachable {
        List<ChainTransaction.Attempt> attempts = store.attempts(sent.id());
        for (int i = attempts.size() - 1; i >= 0; i--) {
            JsonNode receipt = nodes.call(
                    sent.chain(), "eth_getTransactionReceipt", attempts.get(i).hash());
            if (receipt != null && receipt.isObject()) {
                return Optional.of(receipt);
            }
        }
        return Optional.empty();
    }

    /**
     * Ends it, its ledger posting posted (confirmed) or voided (failed) first; false, and nothing
     * ended, when the ledger did not take that (its writer elsewhere or stopped): the job tries again.
     */
    boolean end(ChainTransaction transaction, ChainStatus to, String hash, Long block, String reason) {
        if (transaction.ledgerPosting() != null) {
            String ledger = transaction.ledgerPosting().ledger();
            TransactionResult result = Engines.await(
                    to == ChainStatus.CONFIRMED
                            ? ledgers.post(ledger, transaction.reserveId(), null)
                            : ledgers.voidPending(ledger, transaction.reserveId()));
            ResultCode code = result.code();
            if (!code.succeeded()
                    && code != ResultCode.PENDING_ALREADY_POSTED
                    && code != ResultCode.PENDING_ALREADY_VOIDED) {
                LOG.warn(
                        "chain transaction {}: the ledger answered {} to its reserve {}; trying again",
                        transaction.id(),
                        code.code(),
                        transaction.reserveId());
                return false;
            }
        }
        store.finish(transaction.id(), to, hash, block, reason);
        alerts.resolve("custody.pending:" + transaction.id());
        return true;
    }

    private static JobOutcome ended(boolean ended) {
        return ended ? JobOutcome.succeeded() : JobOutcome.failed("the ledger did not take the reserve's end");
    }

    private static JobOutcome waitFor(Duration delay) {
        return new JobOutcome.Deferred(delay, connection -> true);
    }
}
