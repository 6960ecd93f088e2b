package dev.pacioli.reconciliation;

import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.reconciliation.DriftPolicy.Action;
import dev.pacioli.reconciliation.DriftPolicy.Severity;
import dev.pacioli.reconciliation.DriftPolicy.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * An account's drift settings as JSON: {@code {"tiers": [{"max_abs": "100"|100, "severity"}|{"max_ratio"},
 * …], "above": "critical", "actions": {"high": "alert", …}}}. Read from a request (every fault a field
 * error) and written back in one canonical form, which is what is stored.
 */
final class DriftSettings {
    private DriftSettings() {}

    private static final Map<String, Severity> SEVERITIES = Map.of(
            "low", Severity.LOW, "medium", Severity.MEDIUM, "high", Severity.HIGH, "critical", Severity.CRITICAL);

    static DriftPolicy read(RequestReader.Fields body) {
        List<JsonNode> items = body.array("tiers", true, 1, DriftPolicy.TIERS_MAX);
        List<Tier> tiers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item = body.item("tiers", i, items.get(i), "max_abs", "max_ratio", "severity");
            Severity severity = item.choice("severity", SEVERITIES, null);
            BigDecimal abs = decimal(item, "max_abs");
            BigDecimal ratio = decimal(item, "max_ratio");
            if ((abs == null) == (ratio == null)) {
                body.reader()
                        .add(
                                body.path("tiers") + "[" + i + "]",
                                FieldError.INVALID_FORMAT,
                                "give exactly one of max_abs and max_ratio");
            } else if (severity == null) {
                body.reader().add(body.path("tiers") + "[" + i + "].severity", FieldError.REQUIRED, "is required");
            } else {
                tiers.add(new Tier(abs, ratio, severity));
            }
        }
        Severity above = body.choice("above", SEVERITIES, Severity.CRITICAL);
        Map<Severity, Action> actions = new EnumMap<>(Severity.class);
        if (body.has("actions")) {
            RequestReader.Fields given = body.object("actions", true, "low", "medium", "high", "critical");
            Map<String, Action> choices = new LinkedHashMap<>();
            for (Action action : Action.values()) {
                choices.put(action.code(), action);
            }
            for (Map.Entry<String, Severity> severity : SEVERITIES.entrySet()) {
                if (given.has(severity.getKey())) {
                    Action action = given.choice(severity.getKey(), choices, null);
                    if (action != null) {
                        actions.put(severity.getValue(), action);
                    }
                }
            }
        }
        return new DriftPolicy(tiers, above, actions);
    }

    /** A non-negative decimal given as a string or a number, or null when absent. */
    private static BigDecimal decimal(RequestReader.Fields item, String name) {
        if (!item.has(name)) {
            return null;
        }
        JsonNode node = item.node().get(name);
        try {
            BigDecimal value = node.isNumber() ? node.decimalValue() : new BigDecimal(node.stringValue());
            if (value.signum() < 0 || value.scale() > 18 || value.precision() - value.scale() > 18) {
                throw new NumberFormatException();
            }
            return value;
        } catch (RuntimeException e) {
            item.reader().add(item.path(name), FieldError.INVALID_FORMAT, "must be a non-negative decimal");
            return null;
        }
    }

    static String write(DriftPolicy policy) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (Tier tier : policy.tiers()) {
            Map<String, Object> item = new LinkedHashMap<>();
            if (tier.maxAbs() != null) {
                item.put("max_abs", tier.maxAbs().toPlainString());
            } else {
                item.put("max_ratio", tier.maxRatio().toPlainString());
            }
            item.put("severity", tier.severity().code());
            tiers.add(item);
        }
        out.put("tiers", tiers);
        out.put("above", policy.above().code());
        Map<String, String> actions = new LinkedHashMap<>();
        for (Severity severity : List.of(Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)) {
            actions.put(severity.code(), policy.action(severity).code());
        }
        out.put("actions", actions);
        return ReconciliationJson.text(out);
    }

    /** Reads what {@link #write} stored. */
    static DriftPolicy parse(String json) {
        JsonNode root = RequestReader.MAPPER.readTree(json);
        List<Tier> tiers = new ArrayList<>();
        for (JsonNode tier : root.get("tiers")) {
            BigDecimal abs =
                    tier.has("max_abs") ? new BigDecimal(tier.get("max_abs").stringValue()) : null;
            BigDecimal ratio =
                    tier.has("max_ratio") ? new BigDecimal(tier.get("max_ratio").stringValue()) : null;
            tiers.add(new Tier(abs, ratio, Severity.ofCode(tier.get("severity").stringValue())));
        }
        Map<Severity, Action> actions = new EnumMap<>(Severity.class);
        root.get("actions")
                .properties()
                .forEach(entry -> actions.put(
                        Severity.ofCode(entry.getKey()),
                        Action.ofCode(entry.getValue().stringValue())));
        return new DriftPolicy(tiers, Severity.ofCode(root.get("above").stringValue()), actions);
    }
}
