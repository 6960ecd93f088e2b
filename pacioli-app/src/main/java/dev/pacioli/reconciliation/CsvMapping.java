package dev.pacioli.reconciliation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a bank's CSV export reads as statement lines: which header names the date, amount and the rest,
 * how dates are written, whether amounts are decimals or minor units, and where the sign is.
 *
 * @param columns field → header name; {@code date} and {@code amount} are required
 * @param amountInMinorUnits {@code "amount": "minor_units"}; else decimals in the asset's major unit
 * @param signColumn null when amounts are signed; else the column holding {@code debit} or {@code credit}
 */
public record CsvMapping(
        String id,
        Map<String, String> columns,
        String dateFormat,
        boolean amountInMinorUnits,
        String signColumn,
        String debit,
        String credit) {
    /** The fields a mapping may name; the first two are required. */
    public static final List<String> FIELDS = List.of(
            "date",
            "amount",
            "currency",
            "reference",
            "external_id",
            "description",
            "value_date",
            "end_to_end_id",
            "counterparty");

    public CsvMapping {
        columns = new TreeMap<>(columns);
    }

    public String column(String field) {
        return columns.get(field);
    }
}
