package dev.pacioli.platform.alerts;

import dev.pacioli.platform.JsonOutput;
import java.util.List;

/** An alert and its deliveries as JSON: the API's answer and the generic webhook's body share it. */
final class AlertJson {
    static final String DELIVERY_PREFIX = "adl_";

    private AlertJson() {}

    static void write(JsonOutput out, Alert alert, List<AlertStore.Delivery> deliveries) {
        out.json.writeStartObject();
        out.string("id", alert.id());
        out.string("severity", alert.severity().code());
        out.string("category", alert.category());
        out.string("dedupe_key", alert.dedupeKey());
        out.string("summary", alert.summary());
        out.string("details", alert.details());
        out.string("object", alert.object());
        out.string("status", alert.status().code());
        out.time("raised_at", alert.raisedAtMicros());
        out.time("last_seen_at", alert.lastSeenAtMicros());
        out.number("count", alert.count());
        nullableTime(out, "acknowledged_at", alert.acknowledgedAtMicros());
        out.string("acknowledged_by", alert.acknowledgedBy());
        nullableTime(out, "resolved_at", alert.resolvedAtMicros());
        if (deliveries != null) {
            out.json.writeName("deliveries");
            out.json.writeStartArray();
            deliveries.forEach(delivery -> write(out, delivery));
            out.json.writeEndArray();
        }
        out.json.writeEndObject();
    }

    private static void write(JsonOutput out, AlertStore.Delivery delivery) {
        out.json.writeStartObject();
        out.string("id", DELIVERY_PREFIX + delivery.id());
        out.string("channel", delivery.channelId());
        out.string("notice", delivery.notice());
        out.string("status", delivery.status());
        out.number("attempts", delivery.attempts());
        nullableTime(out, "next_attempt_at", delivery.nextAttemptAtMicros());
        nullableTime(out, "last_attempt_at", delivery.lastAttemptAtMicros());
        out.string("last_error", delivery.lastError());
        nullableTime(out, "delivered_at", delivery.deliveredAtMicros());
        out.time("created_at", delivery.createdAtMicros());
        out.json.writeEndObject();
    }

    static void nullableTime(JsonOutput out, String name, Long micros) {
        if (micros == null) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, micros);
        }
    }
}
