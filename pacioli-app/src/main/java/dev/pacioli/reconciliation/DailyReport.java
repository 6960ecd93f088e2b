package dev.pacioli.reconciliation;

import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The report of a ledger's day: per account, the lines booked up to that day and their states, the
 * match rate, the drift as of the day and over the 30 days before it, and the aged exceptions (open
 * lines booked more than {@link DailySchedule#AGED_DAYS} days before). As JSON, as CSV (the
 * exceptions), or as an HTML page a person reads: no script, no style sheet, no external resource, so it
 * renders under {@code Content-Security-Policy: default-src 'none'}; the chart is inline SVG.
 */
final class DailyReport {
    static final int CHART_DAYS = 30;
    static final int EXCEPTIONS_MAX = 1_000;

    private final DataSource dataSource;
    private final DriftStore drifts;
    private final DailyStore daily;

    DailyReport(DataSource dataSource, DriftStore drifts, DailyStore daily) {
        this.dataSource = dataSource;
        this.drifts = drifts;
        this.daily = daily;
    }

    Map<String, Object> json(String ledger, LocalDate day) {
        List<String> accounts =
                daily.schedule(ledger).map(DailyStore.Schedule::accounts).orElseGet(() -> accounts(ledger));
        List<Map<String, Object>> items = new ArrayList<>();
        long lines = 0;
        long matched = 0;
        for (String account : accounts) {
            Map<String, Object> item = account(ledger, account, day);
            lines += (long) item.get("statement_lines");
            matched += (long) item.get("matched_lines");
            items.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ledger", ledger);
        out.put("date", day.toString());
        out.put("statement_lines", lines);
        out.put("matched_lines", matched);
        out.put("match_rate", Reconciliation.matchRate(matched, lines).toPlainString());
        out.put("accounts", items);
        return out;
    }

    private List<String> accounts(String ledger) {
        return Transactions.run(dataSource, "could not read the accounts", connection -> {
            List<String> accounts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select distinct account from recon_lines"
                    + " where ledger = ? union select distinct account from recon_drifts where ledger = ?"
                    + " order by 1")) {
                select.setString(1, ledger);
                select.setString(2, ledger);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        accounts.add(row.getString(1));
                    }
                }
            }
            return accounts;
        });
    }

    private Map<String, Object> account(String ledger, String account, LocalDate day) {
        Map<String, Long> states = Transactions.run(
                dataSource, "could not count the lines", connection -> states(connection, ledger, account, day));
        long total = states.values().stream().mapToLong(Long::longValue).sum();
        long matched = states.getOrDefault("matched", 0L);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", account);
        out.put("statement_lines", total);
        out.put("matched_lines", matched);
        out.put("lines_by_status", states);
        out.put("match_rate", Reconciliation.matchRate(matched, total).toPlainString());
        Map<String, Long> chart = new TreeMap<>();
        Map<String, Object> latest = null;
        for (DriftStore.Drift drift : drifts.history(ledger, account, day.minusDays(CHART_DAYS - 1))) {
            if (!drift.asOf().isAfter(day)) {
                chart.put(drift.asOf().toString(), drift.drift());
                latest = drift.json();
            }
        }
        out.put("drift", latest);
        out.put("drift_by_day", chart);
        List<Map<String, Object>> aged = new ArrayList<>();
        Transactions.run(dataSource, "could not read the exceptions", connection -> {
            for (StatementStore.Line line : StatementStore.lines(
                    connection,
                    ledger,
                    account,
                    LocalDate.of(1970, 1, 1),
                    day.minusDays(DailySchedule.AGED_DAYS + 1),
                    "unmatched",
                    "proposed")) {
                if (aged.size() == EXCEPTIONS_MAX) {
                    break;
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("line", line.id());
                item.put("booking_date", line.bookingDate().toString());
                item.put("age_days", ChronoUnit.DAYS.between(line.bookingDate(), day));
                item.put("amount", line.amount());
                item.put("status", line.status());
                item.put("reference", line.reference());
                aged.add(item);
            }
            return null;
        });
        out.put("aged_exceptions", aged);
        return out;
    }

    private static Map<String, Long> states(Connection connection, String ledger, String account, LocalDate day)
            throws SQLException {
        Map<String, Long> states = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement("select status, count(*) from recon_lines"
                + " where ledger = ? and account = ? and booking_date <= ? group by status")) {
            select.setString(1, ledger);
            select.setString(2, account);
            select.setObject(3, day);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    states.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return states;
    }

    @SuppressWarnings("unchecked")
    static String csv(Map<String, Object> report) {
        StringBuilder out = new StringBuilder();
        CsvRows.row(out, List.of("account", "line", "booking_date", "age_days", "amount", "status", "reference"));
        for (Map<String, Object> account : (List<Map<String, Object>>) report.get("accounts")) {
            for (Map<String, Object> item : (List<Map<String, Object>>) account.get("aged_exceptions")) {
                List<Object> row = new ArrayList<>();
                row.add(account.get("account"));
                row.addAll(item.values());
                CsvRows.row(out, row);
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static String html(Map<String, Object> report) {
        StringBuilder html = new StringBuilder(4096);
        String title = "Reconciliation of " + report.get("ledger") + " on " + report.get("date");
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>")
                .append(escape(title))
                .append("</title></head><body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n")
                .append("<p>Statement lines: ")
                .append(report.get("statement_lines"))
                .append(", matched: ")
                .append(report.get("matched_lines"))
                .append(", match rate: ")
                .append(escape(String.valueOf(report.get("match_rate"))))
                .append("</p>\n");
        for (Map<String, Object> account : (List<Map<String, Object>>) report.get("accounts")) {
            html.append("<section><h2>")
                    .append(escape((String) account.get("account")))
                    .append("</h2>\n<p>Match rate ")
                    .append(escape(String.valueOf(account.get("match_rate"))))
                    .append("; drift ");
            Map<String, Object> drift = (Map<String, Object>) account.get("drift");
            html.append(
                            drift == null
                                    ? "not measured"
                                    : escape(drift.get("drift") + " (" + drift.get("severity") + ")"))
                    .append("</p>\n");
            html.append(chart(
                    LocalDate.parse((String) report.get("date")), (Map<String, Long>) account.get("drift_by_day")));
            html.append("<table><caption>Aged exceptions</caption><thead><tr><th>Line</th><th>Booked</th>"
                    + "<th>Age (days)</th><th>Amount</th><th>Status</th><th>Reference</th></tr></thead><tbody>\n");
            for (Map<String, Object> item : (List<Map<String, Object>>) account.get("aged_exceptions")) {
                html.append("<tr>");
                for (Object value : item.values()) {
                    html.append("<td>")
                            .append(escape(value == null ? "" : String.valueOf(value)))
                            .append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody></table></section>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** The drift of each of the 30 days to {@code day} as an SVG line around a zero axis. */
    static String chart(LocalDate day, Map<String, Long> byDay) {
        int width = 600;
        int height = 160;
        long largest = 1;
        for (long drift : byDay.values()) {
            largest = Math.max(largest, Math.abs(drift));
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < CHART_DAYS; i++) {
            Long drift = byDay.get(day.minusDays(CHART_DAYS - 1 - i).toString());
            if (drift != null) {
                long x = 10 + (long) i * (width - 20) / (CHART_DAYS - 1);
                long y = height / 2 - Math.round((double) drift / largest * (height / 2 - 10));
                points.append(x).append(',').append(y).append(' ');
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" role=\"img\"><title>Drift over the last "
                + CHART_DAYS + " days (largest " + largest + " minor units)</title>"
                + "<line x1=\"10\" y1=\"" + height / 2 + "\" x2=\"" + (width - 10) + "\" y2=\"" + height / 2
                + "\" stroke=\"gray\"/><polyline fill=\"none\" stroke=\"black\" stroke-width=\"2\" points=\""
                + points.toString().trim() + "\"/></svg>\n";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
