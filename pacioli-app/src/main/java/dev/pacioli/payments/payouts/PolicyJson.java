package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** An approval policy as {@code PUT .../approval-policy} takes it, checked whole. */
final class PolicyJson {
    private PolicyJson() {}

    static ApprovalPolicy read(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "rules", "approval_window_seconds", "routing");
        List<ApprovalPolicy.Rule> rules = new ArrayList<>();
        List<JsonNode> items = body.array("rules", true, 0, ApprovalPolicy.RULES_MAX);
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item = body.item("rules", i, items.get(i), "asset", "min_amount", "approvals");
            if (item == null) {
                continue;
            }
            String asset = item.assetCode("asset");
            Long minAmount = item.integerInRange("min_amount", 0, Long.MAX_VALUE);
            Long approvals = item.integerInRange("approvals", 0, ApprovalPolicy.APPROVALS_MAX);
            if (asset != null && minAmount != null && approvals != null) {
                rules.add(new ApprovalPolicy.Rule(asset, minAmount, approvals.intValue()));
            }
        }
        Long window = body.has("approval_window_seconds")
                ? body.integerInRange("approval_window_seconds", 1, ApprovalPolicy.WINDOW_SECONDS_MAX)
                : Long.valueOf(ApprovalPolicy.WINDOW_SECONDS_DEFAULT);
        Map<String, List<String>> routing = routing(body);
        reader.finish();
        return new ApprovalPolicy(rules, window == null ? ApprovalPolicy.WINDOW_SECONDS_DEFAULT : window, routing);
    }

    private static Map<String, List<String>> routing(RequestReader.Fields body) {
        Map<String, List<String>> routing = new LinkedHashMap<>();
        JsonNode node = body.node().get("routing");
        if (node == null) {
            return routing;
        }
        if (!node.isObject() || node.size() > ApprovalPolicy.RULES_MAX) {
            body.reader().add("routing", FieldError.INVALID_TYPE, "must be an object: asset → [connector ids]");
            return routing;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String path = "routing." + entry.getKey();
            if (!Limits.isAssetCode(entry.getKey())) {
                body.reader().add(path, FieldError.INVALID_FORMAT, "keys are asset codes");
                continue;
            }
            if (!entry.getValue().isArray()
                    || entry.getValue().isEmpty()
                    || entry.getValue().size() > 10) {
                body.reader().add(path, FieldError.INVALID_TYPE, "must be a list of 1 to 10 connector ids");
                continue;
            }
            List<String> connectors = new ArrayList<>();
            for (JsonNode connector : entry.getValue()) {
                if (!connector.isString() || !Limits.isIdentifier(connector.stringValue())) {
                    body.reader().add(path, FieldError.INVALID_FORMAT, "connector ids are strings");
                } else {
                    connectors.add(connector.stringValue());
                }
            }
            routing.put(entry.getKey(), connectors);
        }
        return routing;
    }
}
