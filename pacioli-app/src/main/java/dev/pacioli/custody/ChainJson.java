package dev.pacioli.custody;

import dev.pacioli.platform.JsonOutput;
import java.math.BigInteger;
import java.util.List;
import org.web3j.utils.Numeric;

/** Chain transactions and wallet monitors as the API shows them: amounts of wei as decimal strings. */
final class ChainJson {
    private ChainJson() {}

    /** A transaction; {@code attempts} null leaves its history out (listings). */
    static void write(JsonOutput out, ChainTransaction transaction, List<ChainTransaction.Attempt> attempts) {
        out.json.writeStartObject();
        out.string("id", transaction.id());
        out.string("wallet", transaction.walletId());
        out.string("chain", transaction.chain());
        out.string("kind", transaction.kind());
        out.string("from", transaction.address());
        out.string("to", transaction.to());
        out.string("value_wei", transaction.valueWei().toString());
        out.string("data", Numeric.toHexString(transaction.data()));
        out.string("status", transaction.status().code());
        out.string("hold_reason", transaction.holdReason());
        out.number("nonce", transaction.nonce());
        out.number("gas_limit", transaction.gasLimit());
        wei(out, "max_fee_per_gas", transaction.maxFeePerGas());
        wei(out, "max_priority_fee_per_gas", transaction.maxPriorityFeePerGas());
        out.string("hash", transaction.hash());
        out.number("replacements", transaction.replacements());
        out.string("mined_hash", transaction.minedHash());
        out.number("block_number", transaction.blockNumber());
        out.string("failure_reason", transaction.failureReason());
        writePosting(out, transaction);
        out.string("created_by", transaction.createdBy());
        out.time("created_at", transaction.createdAtMicros());
        out.time("updated_at", transaction.updatedAtMicros());
        if (attempts != null) {
            out.json.writeName("attempts");
            out.json.writeStartArray();
            for (ChainTransaction.Attempt attempt : attempts) {
                out.json.writeStartObject();
                out.number("attempt", attempt.attempt());
                out.string("hash", attempt.hash());
                wei(out, "max_fee_per_gas", attempt.maxFeePerGas());
                wei(out, "max_priority_fee_per_gas", attempt.maxPriorityFeePerGas());
                out.string("reason", attempt.reason());
                out.number("broadcasts", attempt.broadcasts());
                out.time("created_at", attempt.createdAtMicros());
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
        }
        out.json.writeEndObject();
    }

    private static void writePosting(JsonOutput out, ChainTransaction transaction) {
        out.json.writeName("ledger_posting");
        ChainTransaction.LedgerPosting posting = transaction.ledgerPosting();
        if (posting == null) {
            out.json.writeNull();
            return;
        }
        out.json.writeStartObject();
        out.string("ledger", posting.ledger());
        out.string("from", posting.from());
        out.string("to", posting.to());
        out.number("amount", posting.amount());
        out.string("asset", posting.asset());
        out.string("transaction", transaction.reserveId());
        out.json.writeEndObject();
    }

    static void wei(JsonOutput out, String name, BigInteger wei) {
        out.string(name, wei == null ? null : wei.toString());
    }

    static void writeMonitor(JsonOutput out, WalletMonitors.Monitor monitor) {
        out.json.writeStartObject();
        out.string("wallet", monitor.walletId());
        out.string("below_wei", monitor.belowWei().toString());
        out.string("severity", monitor.severity().code());
        out.time("updated_at", monitor.updatedAtMicros());
        out.json.writeEndObject();
    }
}
