package dev.pacioli.treasury;

import dev.pacioli.platform.JsonOutput;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/** Treasury's resources as the API shows them (docs/treasury.md). */
final class TreasuryJson {
    private TreasuryJson() {}

    static void buffer(JsonOutput out, Buffer buffer) {
        JsonGenerator json = out.json;
        json.writeStartObject();
        bufferFields(out, buffer);
        json.writeEndObject();
    }

    static void bufferFields(JsonOutput out, Buffer buffer) {
        JsonGenerator json = out.json;
        out.string("ledger", buffer.ledger());
        out.string("account", buffer.account());
        out.string("asset", buffer.asset());
        out.number("min", buffer.min());
        out.number("target", buffer.target());
        out.number("max", buffer.max());
        out.number("critical", buffer.critical());
        out.string("top_up_from", buffer.topUpFrom());
        out.string("sweep_to", buffer.sweepTo());
        json.writeArrayPropertyStart("providers");
        buffer.providers().forEach(json::writeString);
        json.writeEndArray();
        out.number("conversion_timeout_seconds", buffer.conversionTimeoutSeconds());
        out.string("last_cycle", buffer.lastCycle());
        out.time("created_at", buffer.createdAtMicros());
        out.time("updated_at", buffer.updatedAtMicros());
    }

    static byte[] bytes(Buffer buffer) {
        try (JsonOutput out = new JsonOutput()) {
            buffer(out, buffer);
            return out.toBytes();
        }
    }

    static void conversion(JsonOutput out, Conversion c, List<Conversion.Step> history) {
        JsonGenerator json = out.json;
        json.writeStartObject();
        out.string("id", c.id());
        out.string("ledger", c.ledger());
        out.string("buffer", c.buffer());
        out.string("cycle", c.cycle());
        out.string("purpose", c.purpose());
        out.string("from_account", c.fromAccount());
        out.string("to_account", c.toAccount());
        out.string("from_asset", c.fromAsset());
        out.string("to_asset", c.toAsset());
        out.number("from_amount", c.fromAmount());
        out.number("to_amount", c.toAmount());
        out.string("rate", c.rate());
        out.string("status", c.status().code());
        out.string("hold_reason", c.holdReason());
        out.string("provider", c.provider());
        strings(json, "providers", c.providers());
        strings(json, "tried", c.tried());
        out.string("reserve_transaction", c.reserveTransaction());
        out.string("failure_reason", c.failureReason());
        out.number("timeout_seconds", c.timeoutSeconds());
        if (c.deadlineMicros() == null) {
            json.writeNullProperty("deadline_at");
        } else {
            out.time("deadline_at", c.deadlineMicros());
        }
        out.string("created_by", c.createdBy());
        out.time("created_at", c.createdAtMicros());
        out.time("updated_at", c.updatedAtMicros());
        if (!history.isEmpty()) {
            json.writeArrayPropertyStart("history");
            for (Conversion.Step step : history) {
                json.writeStartObject();
                out.time("at", step.atMicros());
                out.string("actor", step.actor());
                out.string("kind", step.kind());
                out.string("from_status", step.fromStatus());
                out.string("to_status", step.toStatus());
                out.string("provider", step.provider());
                out.string("reason", step.reason());
                strings(json, "transactions", step.transactions());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    static byte[] bytes(Conversion conversion, List<Conversion.Step> history) {
        try (JsonOutput out = new JsonOutput()) {
            conversion(out, conversion, history);
            return out.toBytes();
        }
    }

    static byte[] decisions(List<Cycles.Decision> decisions) {
        try (JsonOutput out = new JsonOutput()) {
            JsonGenerator json = out.json;
            json.writeStartArray();
            for (Cycles.Decision d : decisions) {
                json.writeStartObject();
                out.string("buffer", d.buffer());
                out.number("balance", d.balance());
                out.number("available", d.available());
                out.string("status", d.status());
                out.string("action", d.action());
                out.number("amount", d.amount());
                out.string("conversion", d.job());
                out.string("transaction", d.transaction());
                out.string("reason", d.reason());
                json.writeEndObject();
            }
            json.writeEndArray();
            return out.toBytes();
        }
    }

    private static void strings(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        values.forEach(json::writeString);
        json.writeEndArray();
    }
}
