package dev.pacioli.reconciliation;

import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Times;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;

/** The JSON of reconciliation's objects, for replies, events and the audit log, with keys in a fixed order. */
final class ReconciliationJson {
    private ReconciliationJson() {}

    static byte[] bytes(Object value) {
        return RequestReader.MAPPER.writeValueAsBytes(value);
    }

    static String text(Object value) {
        return RequestReader.MAPPER.writeValueAsString(value);
    }

    static String strings(List<String> values) {
        return text(values);
    }

    static List<String> parseStrings(String json) {
        return RequestReader.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    }

    static Map<String, Object> statement(StatementStore.Statement statement) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", statement.id());
        out.put("ledger", statement.ledger());
        out.put("account", statement.account());
        out.put("asset", statement.asset());
        out.put("format", statement.format());
        out.put("opening_balance", statement.openingBalance());
        out.put("closing_balance", statement.closingBalance());
        out.put(
                "closing_date",
                statement.closingDate() == null ? null : statement.closingDate().toString());
        out.put("line_count", statement.lineCount());
        out.put("created_by", statement.createdBy());
        out.put("created_at", Times.format(statement.createdAtMicros()));
        return out;
    }

    static byte[] statementEvent(StatementStore.Statement statement) {
        return bytes(statement(statement));
    }

    static Map<String, Object> line(StatementStore.Line line) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", line.id());
        out.put("statement_id", line.statementId());
        out.put("position", line.position());
        out.put("external_id", line.externalId());
        out.put("booking_date", line.bookingDate().toString());
        out.put("value_date", line.valueDate() == null ? null : line.valueDate().toString());
        out.put("amount", line.amount());
        out.put("asset", line.asset());
        out.put("reference", line.reference());
        out.put("end_to_end_id", line.endToEndId());
        out.put("counterparty", line.counterparty());
        out.put("description", line.description());
        out.put("status", line.status());
        out.put("match_id", line.matchId());
        if (line.ignoreReason() != null) {
            out.put("ignore_reason", line.ignoreReason());
        }
        return out;
    }

    static List<Map<String, Object>> lines(List<StatementStore.Line> lines) {
        List<Map<String, Object>> out = new ArrayList<>(lines.size());
        lines.forEach(line -> out.add(line(line)));
        return out;
    }

    static Map<String, Object> match(MatchStore.StoredMatch match) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", match.id());
        out.put("ledger", match.ledger());
        out.put("account", match.account());
        out.put("run_id", match.runId());
        out.put("tier", match.tier());
        out.put("lines", match.lines());
        out.put("entries", match.entries());
        out.put("transactions", match.transactions());
        out.put("write_off_transaction", match.writeOffTransaction());
        out.put("created_by", match.createdBy());
        out.put("created_at", Times.format(match.createdAtMicros()));
        return out;
    }

    static String matchAudit(MatchStore.StoredMatch match) {
        Map<String, Object> out = new LinkedHashMap<>(match(match));
        out.remove("created_at");
        return text(out);
    }

    static byte[] matchEvent(MatchStore.StoredMatch match) {
        return bytes(match(match));
    }

    static Map<String, Object> proposal(MatchStore.StoredProposal proposal) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", proposal.id());
        out.put("run_id", proposal.runId());
        out.put("tier", proposal.tier());
        out.put("lines", proposal.lines());
        out.put("entries", proposal.entries());
        out.put("score", proposal.score());
        out.put("reasons", proposal.reasons());
        out.put("status", proposal.status());
        return out;
    }
}
