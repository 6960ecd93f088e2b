package dev.pacioli.clearing;

import dev.pacioli.platform.JsonOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Clearing's objects as the API answers them (clearing.md). */
public final class ClearingJson {
    private ClearingJson() {}

    public static byte[] obligation(Obligation obligation) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, obligation);
            return out.toBytes();
        }
    }

    public static void write(JsonOutput out, Obligation obligation) {
        out.json.writeStartObject();
        out.string("id", obligation.id());
        out.string("ledger", obligation.ledger());
        out.string("window", obligation.window());
        out.number("position", obligation.position());
        out.string("debtor", obligation.debtor());
        out.string("creditor", obligation.creditor());
        out.number("amount", obligation.amount());
        out.string("asset", obligation.asset());
        out.string("reference", obligation.reference());
        out.string("debtor_name", obligation.debtorName());
        out.string("creditor_name", obligation.creditorName());
        out.string("status", obligation.status().code());
        out.string("reason", obligation.reason());
        out.time("created_at", obligation.createdAtMicros());
        out.time("updated_at", obligation.updatedAtMicros());
        out.json.writeEndObject();
    }

    public static byte[] window(Window window) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, window);
            return out.toBytes();
        }
    }

    public static void write(JsonOutput out, Window window) {
        out.json.writeStartObject();
        out.string("id", window.id());
        out.string("ledger", window.ledger());
        out.number("number", window.number());
        out.string("status", window.status().code());
        out.number("first_position", window.firstPosition());
        out.number("last_position", window.lastPosition());
        out.time("opened_at", window.openedAtMicros());
        optionalTime(out, "closed_at", window.closedAtMicros());
        optionalTime(out, "settled_at", window.settledAtMicros());
        out.string("settlement_transaction", window.settlementTransaction());
        out.json.writeName("failure");
        if (window.failure() == null) {
            out.json.writeNull();
        } else {
            out.json.writeRawValue(window.failure());
        }
        out.json.writeEndObject();
    }

    private static void optionalTime(JsonOutput out, String name, Long micros) {
        if (micros == null) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, micros);
        }
    }

    public static byte[] participant(Participant participant) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, participant);
            return out.toBytes();
        }
    }

    public static void write(JsonOutput out, Participant participant) {
        out.json.writeStartObject();
        out.string("id", participant.id());
        out.string("ledger", participant.ledger());
        out.string("name", participant.name());
        out.string("bic", participant.bic());
        out.json.writeName("settlement_accounts");
        out.json.writeStartObject();
        for (Map.Entry<String, String> account : new TreeMap<>(participant.settlementAccounts()).entrySet()) {
            out.string(account.getKey(), account.getValue());
        }
        out.json.writeEndObject();
        out.json.writeName("net_debit_caps");
        out.json.writeStartObject();
        for (Map.Entry<String, Long> cap : new TreeMap<>(participant.netDebitCaps()).entrySet()) {
            out.number(cap.getKey(), cap.getValue());
        }
        out.json.writeEndObject();
        out.string("status", participant.status());
        out.json.writeEndObject();
    }

    /**
     * A window's netting report: per asset its obligations, gross, net settlement, efficiency, every
     * participant's position, and the settlement instructions (who pays the hub, who the hub pays).
     *
     * @param accounts settlement accounts by participant, then asset
     */
    public static String report(String window, List<Netting.AssetResult> assets, Map<String, Participant> accounts) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("window", window);
            out.json.writeName("assets");
            out.json.writeStartArray();
            for (Netting.AssetResult asset : assets) {
                out.json.writeStartObject();
                out.string("asset", asset.asset());
                out.number("obligations", asset.obligations());
                out.number("gross", asset.gross());
                out.number("net_settlement", asset.netSettlement());
                out.string("efficiency", asset.efficiency());
                out.json.writeName("positions");
                out.json.writeStartArray();
                for (Netting.Position position : asset.positions()) {
                    out.json.writeStartObject();
                    out.string("participant", position.participant());
                    out.number("incoming", position.incoming());
                    out.number("outgoing", position.outgoing());
                    out.number("net", position.net());
                    out.json.writeEndObject();
                }
                out.json.writeEndArray();
                out.json.writeName("instructions");
                out.json.writeStartArray();
                instructions(out, asset.debtors(), "pay", asset.asset(), accounts);
                instructions(out, asset.creditors(), "receive", asset.asset(), accounts);
                out.json.writeEndArray();
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return new String(out.toBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void instructions(
            JsonOutput out, List<Netting.Position> positions, String side, String asset, Map<String, Participant> all) {
        for (Netting.Position position : positions) {
            out.json.writeStartObject();
            out.string("participant", position.participant());
            out.string("side", side);
            out.string(
                    "account",
                    all.get(position.participant()).settlementAccounts().get(asset));
            out.number("amount", Math.abs(position.net()));
            out.json.writeEndObject();
        }
    }
}
