package dev.pacioli.payments.intake;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.platform.RequestReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** A mapped inbound event as stored, so its processing (a job, maybe after a crash) reads what was verified. */
final class InboundEventJson {
    private InboundEventJson() {}

    static String write(InboundEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("provider_event_id", event.providerEventId());
        json.put("provider_type", event.providerType());
        json.put("kind", event.kind().name());
        json.put("transfer_id", event.transferId());
        json.put("payout_id", event.payoutId());
        if (event.amount() != null) {
            json.put(
                    "amount",
                    Map.of(
                            "value", event.amount().value(),
                            "minor_units", event.amount().minorUnits(),
                            "currency", event.amount().currency()));
        }
        json.put("provider_reference", event.providerReference());
        json.put("failure_reason", event.failureReason());
        json.put("metadata", new TreeMap<>(event.metadata()));
        json.put("routing_reference", event.routingReference());
        if (event.originator() != null) {
            Map<String, String> originator = new LinkedHashMap<>();
            originator.put("name", event.originator().name());
            originator.put("country", event.originator().country());
            originator.put("address", event.originator().address());
            json.put("originator", originator);
        }
        return RequestReader.MAPPER.writeValueAsString(json);
    }

    static InboundEvent read(String text) {
        JsonNode json = RequestReader.MAPPER.readTree(text);
        JsonNode amount = json.get("amount");
        Map<String, String> metadata = new LinkedHashMap<>();
        json.path("metadata")
                .properties()
                .forEach(entry -> metadata.put(entry.getKey(), entry.getValue().stringValue()));
        return new InboundEvent(
                json.path("provider_event_id").stringValue(),
                text(json, "provider_type"),
                InboundEvent.Kind.valueOf(json.path("kind").stringValue()),
                text(json, "transfer_id"),
                text(json, "payout_id"),
                amount == null
                        ? null
                        : new InboundEvent.Amount(
                                amount.path("value").stringValue(),
                                amount.path("minor_units").booleanValue(),
                                amount.path("currency").stringValue()),
                text(json, "provider_reference"),
                text(json, "failure_reason"),
                metadata,
                text(json, "routing_reference"),
                originator(json.get("originator")));
    }

    private static Subject originator(JsonNode json) {
        return json == null || !json.isObject()
                ? null
                : new Subject(text(json, "name"), text(json, "country"), text(json, "address"));
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() ? null : value.stringValue();
    }
}
