package dev.pacioli.treasury;

import dev.pacioli.platform.JsonOutput;

/** A balance monitor as the API shows it. */
final class MonitorJson {
    private MonitorJson() {}

    static void monitor(JsonOutput out, BalanceMonitor m) {
        out.json.writeStartObject();
        out.string("id", m.id());
        out.string("ledger", m.ledger());
        out.string("account", m.account());
        out.number("below", m.below());
        out.number("above", m.above());
        out.string("on", m.on());
        out.string("severity", m.severity());
        out.string("state", m.state());
        out.number("last_sequence", m.lastSequence());
        out.number("last_value", m.lastValue());
        out.time("created_at", m.createdAtMicros());
        out.time("updated_at", m.updatedAtMicros());
        out.json.writeEndObject();
    }

    static byte[] bytes(BalanceMonitor m) {
        try (JsonOutput out = new JsonOutput()) {
            monitor(out, m);
            return out.toBytes();
        }
    }
}
