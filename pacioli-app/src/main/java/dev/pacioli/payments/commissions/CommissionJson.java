package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.platform.JsonOutput;
import java.util.Map;

/** The commission resources as the API shows them: the one place their shape is decided. */
final class CommissionJson {
    private CommissionJson() {}

    static void party(JsonOutput out, Party party) {
        out.json.writeStartObject();
        out.string("id", party.id());
        out.string("referrer", party.referrer());
        out.time("created_at", party.createdAtMicros());
        out.time("updated_at", party.updatedAtMicros());
        out.json.writeEndObject();
    }

    static void plan(JsonOutput out, StoredPlan stored) {
        CommissionPlan plan = stored.plan();
        out.json.writeStartObject();
        out.string("id", plan.id());
        out.string("asset", plan.asset());
        out.json.writeName("levels_bps");
        out.json.writeStartArray();
        for (int bps : plan.levelsBps()) {
            out.json.writeNumber(bps);
        }
        out.json.writeEndArray();
        out.string("source", plan.source());
        out.string("payee_account", plan.payeeAccount());
        out.time("created_at", stored.createdAtMicros());
        out.time("updated_at", stored.updatedAtMicros());
        out.json.writeEndObject();
    }

    /**
     * A transaction that paid commissions: its id, what it was for (from its metadata, so a replay
     * shows the request that made it), its postings, and where it stands in the journal. The ledger's
     * {@code GET .../transactions/{id}} shows the rest.
     */
    static void payment(JsonOutput out, Transaction transaction) {
        Map<String, String> made = transaction.spec().metadata().values();
        out.json.writeStartObject();
        out.string("id", transaction.id());
        out.string("commission_plan", made.get(CommissionPayments.PLAN_KEY));
        out.string("party", made.get(CommissionPayments.PARTY_KEY));
        out.number("amount", Long.parseLong(made.get(CommissionPayments.AMOUNT_KEY)));
        out.string("asset", transaction.spec().postings().getFirst().asset());
        out.json.writeName("postings");
        out.json.writeStartArray();
        for (Posting posting : transaction.spec().postings()) {
            out.json.writeStartObject();
            out.string("from", posting.from());
            out.string("to", posting.to());
            out.number("amount", posting.amount());
            out.string("asset", posting.asset());
            out.json.writeEndObject();
        }
        out.json.writeEndArray();
        out.number("sequence", transaction.sequence());
        out.time("committed_at", transaction.committedAtMicros());
        out.json.writeEndObject();
    }
}
