package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.platform.JsonOutput;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How each resource looks on the wire: one method per resource, field names exactly as API.md and
 * docs/api.md give them. The only place that decides a response's shape.
 */
public final class Wire {
    private static final HexFormat HEX = HexFormat.of();

    private Wire() {}

    /** Each enum's wire names, lower-cased once: the benchmark profile showed lower-casing per response. */
    private static final ClassValue<String[]> NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < constants.length; i++) {
                names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            }
            return names;
        }
    };

    public static String name(Enum<?> value) {
        return NAMES.get(value.getDeclaringClass())[value.ordinal()];
    }

    public static void ledger(JsonOutput out, Ledger ledger) {
        out.json.writeStartObject();
        out.string("name", ledger.name());
        out.metadata("metadata", ledger.metadata());
        out.time("created_at", ledger.createdAtMicros());
        out.json.writeEndObject();
    }

    public static void asset(JsonOutput out, Asset asset, long createdAtMicros) {
        out.json.writeStartObject();
        out.string("code", asset.code());
        out.number("scale", asset.scale());
        out.time("created_at", createdAtMicros);
        out.json.writeEndObject();
    }

    public static void account(JsonOutput out, Account account) {
        AccountSpec spec = account.spec();
        out.json.writeStartObject();
        out.string("id", spec.id());
        out.string("asset", spec.asset());
        out.string("normal_balance", name(spec.normalBalance()));
        out.number("min_balance", spec.minBalance());
        out.number("max_balance", spec.maxBalance());
        out.string("status", name(account.status()));
        out.metadata("metadata", spec.metadata());
        out.time("created_at", account.createdAtMicros());
        balances(out, "balances", account.balances(), spec.normalBalance());
        out.number("version", account.version());
        out.json.writeEndObject();
    }

    public static void balances(JsonOutput out, String name, Balances balances, NormalBalance normal) {
        out.json.writeName(name);
        out.json.writeStartObject();
        out.number("posted_debits", balances.postedDebits());
        out.number("posted_credits", balances.postedCredits());
        out.number("pending_debits", balances.pendingDebits());
        out.number("pending_credits", balances.pendingCredits());
        out.number("balance", balances.balance(normal));
        out.number("available", balances.available(normal));
        out.json.writeEndObject();
    }

    /**
     * A transaction. A dry run's answer has no sequence, time or hash: those would belong to whichever
     * real transaction commits next, so showing them would mislead.
     */
    public static void transaction(JsonOutput out, Transaction transaction, boolean dryRun) {
        TransactionSpec spec = transaction.spec();
        out.json.writeStartObject();
        out.string("id", spec.id());
        out.string("status", name(transaction.status()));
        postings(out, transaction);
        out.json.writeBooleanProperty("pending", spec.pending());
        out.number("timeout_seconds", spec.timeoutSeconds());
        if (transaction.expiresAtMicros() == 0) {
            out.json.writeNullProperty("expires_at");
        } else {
            out.time("expires_at", transaction.expiresAtMicros());
        }
        out.metadata("metadata", spec.metadata());
        out.string("description", spec.description());
        out.string("reverses", transaction.reverses());
        out.string("reversed_by", transaction.reversedBy());
        if (dryRun) {
            out.json.writeBooleanProperty("dry_run", true);
        } else {
            out.number("sequence", transaction.sequence());
            out.time("committed_at", transaction.committedAtMicros());
            out.string("hash", HEX.formatHex(transaction.hash()));
        }
        out.json.writeEndObject();
    }

    private static void postings(JsonOutput out, Transaction transaction) {
        List<Posting> postings = transaction.spec().postings();
        out.json.writeName("postings");
        out.json.writeStartArray();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            out.json.writeStartObject();
            out.string("from", posting.from());
            out.string("to", posting.to());
            out.number("amount", posting.amount());
            out.string("asset", posting.asset());
            out.number("posted_amount", transaction.postedAmount(i));
            out.json.writeEndObject();
        }
        out.json.writeEndArray();
    }

    public static void entry(JsonOutput out, Entry entry) {
        out.json.writeStartObject();
        out.number("sequence", entry.sequence());
        out.string("transaction_id", entry.transactionId());
        out.string("kind", name(entry.kind()));
        out.number("debit", entry.debit());
        out.number("credit", entry.credit());
        out.number("balance_after", entry.balanceAfter());
        out.number("available_after", entry.availableAfter());
        out.time("committed_at", entry.committedAtMicros());
        out.json.writeEndObject();
    }
}
