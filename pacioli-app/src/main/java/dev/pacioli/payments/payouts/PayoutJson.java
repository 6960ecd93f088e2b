package dev.pacioli.payments.payouts;

import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.RequestReader;
import java.util.Map;
import java.util.TreeMap;

/** A payout as the API, its events and its history show it. */
public final class PayoutJson {
    private PayoutJson() {}

    static byte[] bytes(Payout payout) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, payout);
            return out.toBytes();
        }
    }

    public static void write(JsonOutput out, Payout payout) {
        out.json.writeStartObject();
        out.string("id", payout.id());
        out.string("ledger", payout.ledger());
        out.string("source", payout.source());
        out.number("amount", payout.amount());
        out.string("asset", payout.asset());
        out.string("connector", payout.connector());
        out.json.writeName("destination");
        out.json.writeRawValue(payout.destination());
        out.json.writeName("fee");
        if (payout.feeAmount() == null) {
            out.json.writeNull();
        } else {
            out.json.writeStartObject();
            out.number("amount", payout.feeAmount());
            out.string("account", payout.feeAccount());
            out.json.writeEndObject();
        }
        out.string("status", payout.status().code());
        out.string("hold_reason", payout.holdReason());
        out.number("approvals_required", payout.approvalsRequired());
        out.json.writeName("approvals");
        out.json.writeStartArray();
        for (Payout.Approval approval : payout.approvals()) {
            out.json.writeStartObject();
            out.string("principal", approval.principal());
            out.time("at", approval.atMicros());
            out.json.writeEndObject();
        }
        out.json.writeEndArray();
        nullableTime(out, "approval_expires_at", payout.approvalExpiresAtMicros());
        out.string("payload_hash", payout.payloadHash());
        out.string("submitted_via", payout.submittedVia());
        out.string("provider_reference", payout.providerReference());
        out.string("failure_reason", payout.failureReason());
        out.number("attempts", payout.attempts());
        out.json.writeName("ledger_transactions");
        out.json.writeStartArray();
        payout.ledgerTransactions().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.string("created_by", payout.createdBy());
        out.time("created_at", payout.createdAtMicros());
        out.time("updated_at", payout.updatedAtMicros());
        out.metadata("metadata", payout.metadata());
        out.string("description", payout.description());
        out.json.writeEndObject();
    }

    static void nullableTime(JsonOutput out, String name, Long micros) {
        if (micros == null) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, micros);
        }
    }

    /** A small JSON object for a history entry's detail. */
    static String detail(Map<String, ?> fields) {
        return RequestReader.MAPPER.writeValueAsString(new TreeMap<>(fields));
    }
}
