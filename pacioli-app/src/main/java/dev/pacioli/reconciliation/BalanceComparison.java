package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The legacy system's balances against the ledger's, account by account (shadow migration). Pure: the
 * caller reads the ledger's balances as of the comparison's time and hands them in.
 *
 * <p>A ledger account the legacy file leaves out counts as missing only when its balance is not zero:
 * exports of the systems we replace leave empty accounts out. Totals are exact ({@link BigInteger}).
 */
final class BalanceComparison {
    static final int ROWS_MAX = 1_000_000;

    private BalanceComparison() {}

    record LegacyRow(String account, long balance, String asset) {}

    record LedgerBalance(String account, String asset, long balance) {}

    /** One account that does not agree: {@code status} missing_in_ledger, missing_in_legacy, differs, asset_differs. */
    record Exception(String account, String asset, Long ledger, Long legacy, String status) {
        BigInteger difference() {
            return BigInteger.valueOf(ledger == null ? 0 : ledger)
                    .subtract(BigInteger.valueOf(legacy == null ? 0 : legacy));
        }
    }

    /** Reads {@code account,balance[,asset]} with a header row; a refusal names the line. */
    static List<LegacyRow> read(byte[] csv) {
        Reader reader = new InputStreamReader(
                new ByteArrayInputStream(csv),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT));
        List<LegacyRow> rows = new ArrayList<>();
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setTrim(true)
                .get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            if (header.size() < 2
                    || !header.get(0).equals("account")
                    || !header.get(1).equals("balance")
                    || (header.size() == 3 && !header.get(2).equals("asset"))
                    || header.size() > 3) {
                throw refused("line 1", "the header is account,balance[,asset]");
            }
            Set<String> seen = new HashSet<>();
            for (CSVRecord record : parser) {
                String at = "line " + (record.getRecordNumber() + 1);
                if (!record.isConsistent()) {
                    throw refused(at, "the row has " + record.size() + " fields, the header " + header.size());
                }
                if (rows.size() == ROWS_MAX) {
                    throw new StatementFile.Refused("too_many_lines", at, "up to " + ROWS_MAX + " accounts");
                }
                String account = record.get(0);
                if (!Limits.isIdentifier(account) || !seen.add(account)) {
                    throw refused(at, "'" + account + "' is not an account id, or is given twice");
                }
                long balance;
                try {
                    balance = Long.parseLong(record.get(1));
                } catch (NumberFormatException e) {
                    throw refused(at, "balance '" + record.get(1) + "' is not an integer of minor units");
                }
                rows.add(new LegacyRow(account, balance, header.size() == 3 ? record.get(2) : null));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw refused("file", "malformed CSV: " + e.getMessage());
        }
        return rows;
    }

    private static StatementFile.Refused refused(String at, String message) {
        return new StatementFile.Refused("invalid_csv", at, at + ": " + message);
    }

    /** The report: what disagrees beyond {@code tolerance}, with counts and exact totals per asset. */
    static Map<String, Object> compare(List<LegacyRow> legacy, List<LedgerBalance> ledger, long tolerance) {
        Map<String, LedgerBalance> ours = new TreeMap<>();
        ledger.forEach(balance -> ours.put(balance.account(), balance));
        Map<String, LegacyRow> theirs = new TreeMap<>();
        legacy.forEach(row -> theirs.put(row.account(), row));
        List<Exception> exceptions = new ArrayList<>();
        Map<String, BigInteger[]> perAsset = new TreeMap<>();
        for (LegacyRow row : theirs.values()) {
            LedgerBalance balance = ours.get(row.account());
            if (balance == null) {
                exceptions.add(new Exception(row.account(), row.asset(), null, row.balance(), "missing_in_ledger"));
                continue;
            }
            total(perAsset, balance.asset(), balance.balance(), row.balance());
            if (row.asset() != null && !row.asset().equals(balance.asset())) {
                exceptions.add(new Exception(
                        row.account(), balance.asset(), balance.balance(), row.balance(), "asset_differs"));
            } else if (BigInteger.valueOf(balance.balance())
                            .subtract(BigInteger.valueOf(row.balance()))
                            .abs()
                            .compareTo(BigInteger.valueOf(tolerance))
                    > 0) {
                exceptions.add(
                        new Exception(row.account(), balance.asset(), balance.balance(), row.balance(), "differs"));
            }
        }
        for (LedgerBalance balance : ours.values()) {
            if (!theirs.containsKey(balance.account()) && balance.balance() != 0) {
                total(perAsset, balance.asset(), balance.balance(), 0);
                exceptions.add(new Exception(
                        balance.account(), balance.asset(), balance.balance(), null, "missing_in_legacy"));
            }
        }
        return report(legacy.size(), exceptions, perAsset);
    }

    private static void total(Map<String, BigInteger[]> perAsset, String asset, long ledger, long legacy) {
        BigInteger[] totals =
                perAsset.computeIfAbsent(asset, key -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
        totals[0] = totals[0].add(BigInteger.valueOf(ledger));
        totals[1] = totals[1].add(BigInteger.valueOf(legacy));
    }

    private static Map<String, Object> report(
            int rows, List<Exception> exceptions, Map<String, BigInteger[]> perAsset) {
        BigInteger sum = BigInteger.ZERO;
        BigInteger largest = BigInteger.ZERO;
        List<Map<String, Object>> listed = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Exception exception : exceptions) {
            BigInteger difference = exception.difference().abs();
            sum = sum.add(difference);
            largest = largest.max(difference);
            counts.merge(exception.status(), 1, Integer::sum);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("account", exception.account());
            item.put("asset", exception.asset());
            item.put("ledger_balance", exception.ledger());
            item.put("legacy_balance", exception.legacy());
            item.put("difference", exception.difference().toString());
            item.put("status", exception.status());
            listed.add(item);
        }
        Map<String, Object> assets = new LinkedHashMap<>();
        perAsset.forEach((asset, totals) -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("ledger_total", totals[0].toString());
            item.put("legacy_total", totals[1].toString());
            item.put("difference", totals[0].subtract(totals[1]).toString());
            assets.put(asset, item);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("legacy_accounts", rows);
        out.put("missing_in_ledger", counts.getOrDefault("missing_in_ledger", 0));
        out.put("missing_in_legacy", counts.getOrDefault("missing_in_legacy", 0));
        out.put("differing", counts.getOrDefault("differs", 0) + counts.getOrDefault("asset_differs", 0));
        out.put("exception_count", exceptions.size());
        out.put("sum_abs_difference", sum.toString());
        out.put("largest_abs_difference", largest.toString());
        out.put("per_asset", assets);
        out.put("exceptions", listed);
        return out;
    }

    /** The exceptions as CSV, for a spreadsheet. */
    @SuppressWarnings("unchecked")
    static String csv(Map<String, Object> report) {
        StringBuilder out = new StringBuilder();
        CsvRows.row(out, List.of("account", "asset", "ledger_balance", "legacy_balance", "difference", "status"));
        for (Map<String, Object> item : (List<Map<String, Object>>) report.get("exceptions")) {
            CsvRows.row(out, new ArrayList<>(item.values()));
        }
        return out.toString();
    }
}
