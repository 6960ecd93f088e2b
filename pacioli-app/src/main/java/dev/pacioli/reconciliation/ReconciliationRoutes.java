package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Statements in (camt.053 XML, or CSV through a saved mapping), matching runs, and what a person does
 * with their result (docs/reconciliation.md).
 */
final class ReconciliationRoutes {
    static final String BASE = "/v1/ledgers/{ledger}/reconciliation";
    static final String XML = "application/xml";
    static final String CSV = "text/csv";
    static final int MATCH_ITEMS_MAX = 100;
    static final int REASON_LENGTH_MAX = 1_000;
    static final int RUN_DAYS_MAX = 366;
    private static final String LINE_CURSOR_KIND = "statement_line";

    private final Reconciliation reconciliation;
    private final ManualMatches manual;

    ReconciliationRoutes(Reconciliation reconciliation, ManualMatches manual) {
        this.reconciliation = reconciliation;
        this.manual = manual;
    }

    List<Route> routes() {
        return List.of(
                Route.put("/v1/reconciliation/csv-mappings/{id}", Role.WRITER, this::putMapping),
                Route.post(BASE + "/statements", Role.WRITER, this::postStatement, "account", "mapping")
                        .withBodyBytesMax(StatementFile.BYTES_MAX)
                        .accepting(XML, CSV),
                Route.get(BASE + "/statements/{id}", Role.READER, this::getStatement),
                Route.list(BASE + "/statements/{id}/lines", Role.READER, false, this::getLines, "status"),
                Route.post(BASE + "/lines/{id}/ignore", Role.OPERATOR, this::ignore),
                Route.post(BASE + "/runs", Role.OPERATOR, this::postRun),
                Route.get(BASE + "/runs/{id}", Role.READER, this::getRun),
                Route.get(BASE + "/runs/{id}/matches", Role.READER, this::getRunMatches),
                Route.post(BASE + "/matches", Role.OPERATOR, this::postMatch),
                Route.delete(BASE + "/matches/{id}", Role.OPERATOR, this::deleteMatch),
                Route.post(BASE + "/proposals/{id}/accept", Role.OPERATOR, this::accept));
    }

    // ---- CSV mappings

    private Reply putMapping(Call call) {
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw ApiException.invalid(List.of(new FieldError("id", FieldError.INVALID_FORMAT, "must be an id")));
        }
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "columns", "date_format", "amount", "sign");
        CsvMapping mapping = MappingJson.read(id, body);
        reader.finish();
        String json = MappingJson.write(mapping);
        reconciliation.statements.putMapping(id, json);
        return json(200, RequestReader.MAPPER.readTree(json));
    }

    private static ApiException mappingNotFound(String id) {
        return ApiException.notFound("csv_mapping_not_found", "no CSV mapping '" + id + "'");
    }

    // ---- statements

    private Reply postStatement(Call call) {
        String account = call.query("account");
        if (account == null || !Limits.isIdentifier(account)) {
            throw ApiException.invalid(List.of(new FieldError("account", FieldError.REQUIRED, "name the account")));
        }
        String type = call.context.contentType() == null ? "" : HttpServer.mediaType(call.context.contentType());
        CsvMapping mapping = null;
        if (type.equals(CSV)) {
            String id = call.query("mapping");
            if (id == null) {
                throw ApiException.invalid(
                        List.of(new FieldError("mapping", FieldError.REQUIRED, "a CSV statement needs its mapping")));
            }
            mapping =
                    MappingJson.parse(id, reconciliation.statements.mapping(id).orElseThrow(() -> mappingNotFound(id)));
        } else if (!type.equals(XML)) {
            throw new ApiException(415, "unsupported_media_type", "send a camt.053 as application/xml or a CSV file");
        }
        StatementStore.Stored stored =
                reconciliation.importStatement(call.path("ledger"), account, call.body, mapping, call.principal());
        Map<String, Object> out = ReconciliationJson.statement(stored.statement());
        return json(stored.created() ? 201 : 200, out);
    }

    private Reply getStatement(Call call) {
        String id = call.path("id");
        StatementStore.Statement statement = reconciliation
                .statements
                .statement(call.path("ledger"), id)
                .orElseThrow(() -> ApiException.notFound("statement_not_found", "no statement '" + id + "'"));
        Map<String, Object> out = ReconciliationJson.statement(statement);
        out.put("lines_by_status", reconciliation.statements.lineCountsOfStatement(id));
        return json(200, out);
    }

    /** A statement's lines by page, in the file's order: a statement may hold 500,000 of them. */
    private Reply getLines(Call call) {
        String id = call.path("id");
        reconciliation
                .statements
                .statement(call.path("ledger"), id)
                .orElseThrow(() -> ApiException.notFound("statement_not_found", "no statement '" + id + "'"));
        String status = call.query("status");
        if (status != null && !StatementStore.LINE_STATES.contains(status)) {
            throw ApiException.invalid(List.of(new FieldError(
                    "status", FieldError.INVALID_VALUE, "must be one of " + StatementStore.LINE_STATES)));
        }
        Long after = Cursor.sequence(call.query("cursor"), LINE_CURSOR_KIND);
        Page<StatementStore.Line> page = reconciliation.statements.linesOfStatement(
                id, status, after == null ? null : Math.toIntExact(after), call.limit());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("data", ReconciliationJson.lines(page.items()));
        if (page.hasMore()) {
            out.put(
                    "next_cursor",
                    Cursor.ofSequence(LINE_CURSOR_KIND, page.last().position()));
        }
        return json(200, out);
    }

    private StatementStore.Line line(Call call) {
        String id = call.path("id");
        return reconciliation
                .statements
                .line(call.path("ledger"), id)
                .orElseThrow(() -> ApiException.notFound("line_not_found", "no line '" + id + "'"));
    }

    private Reply ignore(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "reason");
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        line(call);
        return json(
                200,
                ReconciliationJson.line(manual.ignore(call.path("ledger"), call.path("id"), reason, Actor.of(call))));
    }

    // ---- runs

    private Reply postRun(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "account", "from", "to", "date_window_days");
        String account = body.identifier("account", true);
        LocalDate from = date(body, "from");
        LocalDate to = date(body, "to");
        Long window = body.integerInRange("date_window_days", 0, Matcher.WINDOW_DAYS_MAX);
        if (from != null
                && to != null
                && (to.isBefore(from) || from.plusDays(RUN_DAYS_MAX).isBefore(to))) {
            reader.add("to", FieldError.OUT_OF_RANGE, "must be from 'from' to " + RUN_DAYS_MAX + " days after it");
        }
        reader.finish();
        String json = reconciliation.run(
                call.path("ledger"), account, from, to, window == null ? 2 : window.intValue(), call.principal());
        return new Reply(201, Reply.JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static LocalDate date(RequestReader.Fields body, String name) {
        String text = body.string(name, true, 10);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            body.reader().add(body.path(name), FieldError.INVALID_FORMAT, "must be a date, 2026-12-01");
            return null;
        }
    }

    private Reply getRun(Call call) {
        String id = call.path("id");
        String json = reconciliation.runJson(call.path("ledger"), id).orElseThrow(() -> runNotFound(id));
        return new Reply(200, Reply.JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static ApiException runNotFound(String id) {
        return ApiException.notFound("run_not_found", "no run '" + id + "'");
    }

    private Reply getRunMatches(Call call) {
        String id = call.path("id");
        reconciliation.runJson(call.path("ledger"), id).orElseThrow(() -> runNotFound(id));
        List<Map<String, Object>> items = new ArrayList<>();
        reconciliation
                .matchesOfRun(call.path("ledger"), id)
                .forEach(match -> items.add(ReconciliationJson.match(match)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        return json(200, out);
    }

    // ---- by hand

    private Reply postMatch(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "lines", "entries", RequestReader.orNull("write_off_account"));
        List<String> lines = identifiers(body, "lines", 1);
        List<String> entries = identifiers(body, "entries", 0);
        String writeOff = body.identifier("write_off_account", false);
        reader.finish();
        return json(
                201,
                ReconciliationJson.match(manual.match(call.path("ledger"), lines, entries, writeOff, Actor.of(call))));
    }

    private static List<String> identifiers(RequestReader.Fields body, String name, int min) {
        List<JsonNode> items = body.array(name, true, min, MATCH_ITEMS_MAX);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isString() || !Limits.isIdentifier(item.stringValue())) {
                body.reader().add(body.path(name) + "[" + i + "]", FieldError.INVALID_FORMAT, "must be an id");
            } else if (ids.contains(item.stringValue())) {
                body.reader().add(body.path(name) + "[" + i + "]", FieldError.INVALID_VALUE, "is given twice");
            } else {
                ids.add(item.stringValue());
            }
        }
        return ids;
    }

    private Reply deleteMatch(Call call) {
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw ApiException.notFound("match_not_found", "no match '" + id + "'");
        }
        return json(200, ReconciliationJson.match(manual.unmatch(call.path("ledger"), id, null, Actor.of(call))));
    }

    private Reply accept(Call call) {
        // No field: an empty object, read like every body so a bad one is refused as it is elsewhere.
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
        return json(201, ReconciliationJson.match(manual.accept(call.path("ledger"), call.path("id"), Actor.of(call))));
    }

    static Reply json(int status, Object value) {
        return new Reply(status, Reply.JSON, ReconciliationJson.bytes(value), Map.of());
    }
}
