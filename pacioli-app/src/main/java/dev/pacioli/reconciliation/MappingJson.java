package dev.pacioli.reconciliation;

import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A CSV mapping as JSON: read from a request with every fault a field error, written in one form. */
final class MappingJson {
    static final int NAME_LENGTH_MAX = 128;

    private MappingJson() {}

    static CsvMapping read(String id, RequestReader.Fields body) {
        RequestReader.Fields columns = body.object("columns", true, CsvMapping.FIELDS.toArray(String[]::new));
        Map<String, String> named = new LinkedHashMap<>();
        for (String field : CsvMapping.FIELDS) {
            boolean required = field.equals("date") || field.equals("amount");
            String header = columns.string(field, required, NAME_LENGTH_MAX);
            if (header != null) {
                named.put(field, header);
            }
        }
        String dateFormat = body.string("date_format", true, 64);
        if (dateFormat != null) {
            try {
                DateTimeFormatter.ofPattern(dateFormat);
            } catch (IllegalArgumentException e) {
                body.reader().add(body.path("date_format"), FieldError.INVALID_FORMAT, "is no date pattern");
            }
        }
        Boolean minor = body.choice("amount", Map.of("decimal", false, "minor_units", true), false);
        String signColumn = null;
        String debit = null;
        String credit = null;
        if (body.has("sign") && body.node().get("sign").isObject()) {
            RequestReader.Fields sign = body.object("sign", true, "column", "debit", "credit");
            signColumn = sign.string("column", true, NAME_LENGTH_MAX);
            debit = sign.string("debit", true, NAME_LENGTH_MAX);
            credit = sign.string("credit", true, NAME_LENGTH_MAX);
        } else if (body.has("sign")) {
            body.choice("sign", Map.of("signed", true), true);
        }
        return new CsvMapping(id, named, dateFormat, minor, signColumn, debit, credit);
    }

    static String write(CsvMapping mapping) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", mapping.id());
        out.put("columns", mapping.columns());
        out.put("date_format", mapping.dateFormat());
        out.put("amount", mapping.amountInMinorUnits() ? "minor_units" : "decimal");
        if (mapping.signColumn() == null) {
            out.put("sign", "signed");
        } else {
            Map<String, String> sign = new LinkedHashMap<>();
            sign.put("column", mapping.signColumn());
            sign.put("debit", mapping.debit());
            sign.put("credit", mapping.credit());
            out.put("sign", sign);
        }
        return ReconciliationJson.text(out);
    }

    static CsvMapping parse(String id, String json) {
        JsonNode root = RequestReader.MAPPER.readTree(json);
        Map<String, String> columns = new LinkedHashMap<>();
        root.get("columns")
                .properties()
                .forEach(entry -> columns.put(entry.getKey(), entry.getValue().stringValue()));
        JsonNode sign = root.get("sign");
        return new CsvMapping(
                id,
                columns,
                root.get("date_format").stringValue(),
                root.get("amount").stringValue().equals("minor_units"),
                sign.isObject() ? sign.get("column").stringValue() : null,
                sign.isObject() ? sign.get("debit").stringValue() : null,
                sign.isObject() ? sign.get("credit").stringValue() : null);
    }
}
