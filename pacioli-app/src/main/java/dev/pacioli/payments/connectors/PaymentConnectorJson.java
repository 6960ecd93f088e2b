package dev.pacioli.payments.connectors;

import dev.pacioli.platform.JsonOutput;
import java.util.Map;
import java.util.TreeMap;

/** A payment connector's own fields, as its answers and {@code GET /v1/connectors} show them. */
final class PaymentConnectorJson {
    private PaymentConnectorJson() {}

    /** The fields a payment connector adds to the platform's connector object: never a secret. */
    static void details(JsonOutput out, PaymentConnector connector) {
        out.json.writeName("assets");
        out.json.writeStartObject();
        for (Map.Entry<String, String> asset : new TreeMap<>(connector.assets()).entrySet()) {
            out.string(asset.getKey(), asset.getValue());
        }
        out.json.writeEndObject();
        out.json.writeName("config");
        out.json.writeTree(connector.config());
        out.json.writeName("inbound");
        String inbound = PaymentConnectorStore.inboundJson(connector.inbound());
        if (inbound == null) {
            out.json.writeNull();
        } else {
            out.json.writeRawValue(inbound);
        }
        out.number("priority", connector.priority());
        out.time("created_at", connector.createdAtMicros());
        out.time("updated_at", connector.updatedAtMicros());
    }
}
