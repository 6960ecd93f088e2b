package dev.pacioli.controls.limits;

import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsage;
import dev.pacioli.platform.JsonOutput;

/** The limits' resources as the API shows them (and their events and audit records carry them). */
final class LimitJson {
    private LimitJson() {}

    static void limit(JsonOutput out, Limit limit) {
        LimitSpec spec = limit.spec();
        out.json.writeStartObject();
        out.string("id", limit.id());
        out.string("accounts", spec.accounts());
        out.string("asset", spec.asset());
        out.string("direction", spec.direction().wireName());
        out.number("max_amount_per_transaction", spec.maxAmountPerTransaction());
        out.number("window_seconds", spec.windowSeconds());
        out.number("max_amount_per_window", spec.maxAmountPerWindow());
        out.number("max_count_per_window", spec.maxCountPerWindow());
        out.number("version", limit.version());
        out.time("changed_at", limit.changedAtMicros());
        out.json.writeEndObject();
    }

    static byte[] limit(Limit limit) {
        try (JsonOutput out = new JsonOutput()) {
            limit(out, limit);
            return out.toBytes();
        }
    }

    static void usage(JsonOutput out, LimitUsage usage) {
        out.json.writeStartObject();
        out.number("used_amount", usage.usedAmount());
        out.number("used_count", usage.usedCount());
        out.number("remaining_amount", usage.remainingAmount());
        out.number("remaining_count", usage.remainingCount());
        out.number("window_seconds", usage.windowSeconds());
        out.time("as_of", usage.asOfMicros());
        out.json.writeEndObject();
    }
}
