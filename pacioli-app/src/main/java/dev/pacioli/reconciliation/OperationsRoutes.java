package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.AccountFilter;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Page;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Legacy balance comparisons, the daily schedule and the daily report. */
final class OperationsRoutes {
    static final String CSP = "default-src 'none'; img-src data:; frame-ancestors 'none'";
    private static final int ACCOUNTS_MAX = 100;

    private final Database database;
    private final Reconciliation reconciliation;
    private final DailyStore daily;
    private final DailyReport report;
    private final Alerts alerts;

    OperationsRoutes(
            Database database, Reconciliation reconciliation, DailyStore daily, DailyReport report, Alerts alerts) {
        this.database = database;
        this.reconciliation = reconciliation;
        this.daily = daily;
        this.report = report;
        this.alerts = alerts;
    }

    List<Route> routes() {
        String base = ReconciliationRoutes.BASE;
        return List.of(
                Route.post(base + "/balance-comparisons", Role.OPERATOR, this::compare, "as_of", "tolerance")
                        .withBodyBytesMax(StatementFile.BYTES_MAX)
                        .accepting(ReconciliationRoutes.CSV),
                Route.get(base + "/balance-comparisons/{id}", Role.READER, this::getComparison, "format"),
                Route.put(base + "/schedule", Role.ADMIN, this::putSchedule),
                Route.get(base + "/reports/{date}", Role.READER, this::getReport, "format"));
    }

    private Reply compare(Call call) {
        String ledger = call.path("ledger");
        String type = call.context.contentType() == null ? "" : HttpServer.mediaType(call.context.contentType());
        if (!type.equals(ReconciliationRoutes.CSV)) {
            throw new ApiException(415, "unsupported_media_type", "send the legacy balances as text/csv");
        }
        OffsetDateTime asOf = asOf(call.query("as_of"));
        long tolerance = tolerance(call.query("tolerance"));
        long ledgerId = database.catalog().findLedger(ledger).orElseThrow().id();
        List<BalanceComparison.LegacyRow> legacy;
        try {
            legacy = BalanceComparison.read(call.body);
        } catch (StatementFile.Refused refused) {
            throw new ApiException(400, refused.code, refused.getMessage());
        }
        long micros = asOf.toInstant().toEpochMilli() * 1_000 + asOf.getNano() / 1_000 % 1_000;
        List<BalanceComparison.LedgerBalance> balances = new ArrayList<>();
        String after = null;
        while (true) {
            Page<Account> page = database.reads()
                    .accounts(ledgerId, new AccountFilter(null, null, null, Map.of()), after, Page.LIMIT_MAX);
            for (Account account : page.items()) {
                balances.add(new BalanceComparison.LedgerBalance(
                        account.id(),
                        account.asset(),
                        reconciliation
                                .port()
                                .balancesAsOf(ledger, account.id(), micros)
                                .balance()));
                after = account.id();
            }
            if (!page.hasMore()) {
                break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String id = StatementStore.newId("cmp");
        out.put("id", id);
        out.put("ledger", ledger);
        out.put("as_of", asOf.toString());
        out.put("tolerance", tolerance);
        out.putAll(BalanceComparison.compare(legacy, balances, tolerance));
        daily.putComparison(
                id,
                ledger,
                asOf,
                tolerance,
                ReconciliationJson.text(out),
                BalanceComparison.csv(out),
                call.principal());
        if ((int) out.get("exception_count") > 0) {
            alerts.raise(new Alerts.Raise(
                    Severity.WARNING,
                    "reconciliation.comparison",
                    "recon-comparison:" + ledger,
                    out.get("exception_count") + " accounts disagree with the legacy system in " + ledger,
                    "comparison " + id + ", sum of differences " + out.get("sum_abs_difference"),
                    "ledger:" + ledger));
        } else {
            alerts.resolve("recon-comparison:" + ledger);
        }
        return ReconciliationRoutes.json(201, out);
    }

    private static OffsetDateTime asOf(String text) {
        if (text == null) {
            return OffsetDateTime.now(ZoneOffset.UTC);
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(List.of(new FieldError(
                    "as_of", FieldError.INVALID_FORMAT, "must be an RFC 3339 time, 2026-12-01T00:00:00Z")));
        }
    }

    private static long tolerance(String text) {
        if (text == null) {
            return 0;
        }
        try {
            long tolerance = Long.parseLong(text);
            if (tolerance >= 0) {
                return tolerance;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(List.of(new FieldError(
                "tolerance", FieldError.INVALID_VALUE, "must be a non-negative integer of minor units")));
    }

    private Reply getComparison(Call call) {
        String id = call.path("id");
        String[] stored = daily.comparison(call.path("ledger"), id)
                .orElseThrow(() -> ApiException.notFound("comparison_not_found", "no comparison '" + id + "'"));
        if (csv(call)) {
            return new Reply(200, "text/csv", stored[1].getBytes(StandardCharsets.UTF_8), Map.of());
        }
        return new Reply(200, Reply.JSON, stored[0].getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static boolean csv(Call call) {
        String format = call.query("format");
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw ApiException.invalid(List.of(new FieldError("format", FieldError.INVALID_VALUE, "must be json or csv")));
    }

    private Reply putSchedule(Call call) {
        String ledger = call.path("ledger");
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "accounts", "at", "time_zone");
        List<String> accounts = new ArrayList<>();
        List<JsonNode> items = body.array("accounts", true, 1, ACCOUNTS_MAX);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isString() || !Limits.isIdentifier(items.get(i).stringValue())) {
                reader.add("accounts[" + i + "]", FieldError.INVALID_FORMAT, "must be an account id");
            } else {
                accounts.add(items.get(i).stringValue());
            }
        }
        String at = body.string("at", true, 5);
        LocalTime time = null;
        if (at != null) {
            try {
                time = LocalTime.parse(at);
            } catch (DateTimeParseException e) {
                reader.add("at", FieldError.INVALID_FORMAT, "must be a time of day, 02:00");
            }
        }
        String zone = body.string("time_zone", false, 64);
        ZoneId timeZone = ZoneId.of("UTC");
        if (zone != null) {
            try {
                timeZone = ZoneId.of(zone);
            } catch (RuntimeException e) {
                reader.add("time_zone", FieldError.INVALID_VALUE, "must be an IANA time zone, Europe/Berlin");
            }
        }
        reader.finish();
        for (String account : accounts) {
            reconciliation.account(ledger, account);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ledger", ledger);
        out.put("accounts", accounts);
        out.put("at", time.toString());
        out.put("time_zone", timeZone.getId());
        daily.putSchedule(
                new DailyStore.Schedule(ledger, accounts, time, timeZone),
                ReconciliationJson.text(out),
                Actor.of(call));
        return ReconciliationRoutes.json(200, out);
    }

    private Reply getReport(Call call) {
        LocalDate day;
        try {
            day = LocalDate.parse(call.path("date"));
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(
                    List.of(new FieldError("date", FieldError.INVALID_FORMAT, "must be 2026-12-01")));
        }
        String format = call.query("format");
        Map<String, Object> json = report.json(call.path("ledger"), day);
        if (format == null || format.equals("json")) {
            return ReconciliationRoutes.json(200, json);
        }
        if (format.equals("csv")) {
            return new Reply(200, "text/csv", DailyReport.csv(json).getBytes(StandardCharsets.UTF_8), Map.of());
        }
        if (format.equals("html")) {
            return new Reply(
                    200,
                    "text/html; charset=utf-8",
                    DailyReport.html(json).getBytes(StandardCharsets.UTF_8),
                    Map.of("Content-Security-Policy", CSP));
        }
        throw ApiException.invalid(
                List.of(new FieldError("format", FieldError.INVALID_VALUE, "must be json, csv or html")));
    }
}
