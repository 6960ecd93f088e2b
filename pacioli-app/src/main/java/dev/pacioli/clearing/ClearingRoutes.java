package dev.pacioli.clearing;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Clearing over HTTP (clearing.md): participants, obligations, windows and their reports. */
public final class ClearingRoutes {
    static final String BASE = "/v1/ledgers/{ledger}/clearing";
    private static final int NAME_LENGTH_MAX = 256;
    private static final int ASSETS_MAX = 64;

    private final ClearingStore store;
    private final Participants participants;
    private final Intake intake;
    private final Windows windows;
    private final Settlement settlement;

    public ClearingRoutes(
            ClearingStore store, Participants participants, Intake intake, Windows windows, Settlement settlement) {
        this.store = store;
        this.participants = participants;
        this.intake = intake;
        this.windows = windows;
        this.settlement = settlement;
    }

    public List<Route> routes() {
        return List.of(
                Route.put(BASE + "/participants/{id}", Role.ADMIN, this::putParticipant),
                Route.get(BASE + "/participants/{id}", Role.READER, this::participant),
                Route.list(BASE + "/participants", Role.READER, false, this::participants),
                Route.post(BASE + "/obligations", Role.WRITER, this::create),
                Route.post(BASE + "/obligations/batch", Role.WRITER, this::batch)
                        .withBodyBytesMax(Route.BATCH_BODY_BYTES_MAX),
                Route.list(
                        BASE + "/obligations",
                        Role.READER,
                        false,
                        this::obligations,
                        "window",
                        "participant",
                        "status"),
                Route.get(BASE + "/obligations/{id}", Role.READER, this::obligation),
                Route.post(BASE + "/obligations/{id}/cancel", Role.WRITER, this::cancel),
                Route.list(BASE + "/windows", Role.READER, false, this::windows, "status"),
                Route.get(BASE + "/windows/current", Role.READER, this::current),
                Route.get(BASE + "/windows/{id}", Role.READER, this::window),
                Route.get(BASE + "/windows/{id}/report", Role.READER, this::report, "format"),
                Route.post(BASE + "/windows/{id}/close", Role.OPERATOR, this::close),
                Route.post(BASE + "/windows/{id}/settle", Role.OPERATOR, this::settle));
    }

    // ---- participants

    private Reply putParticipant(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(
                reader, "name", RequestReader.orNull("bic"), "settlement_accounts", "net_debit_caps", "status");
        String name = body.string("name", true, NAME_LENGTH_MAX);
        String bic = body.string("bic", false, 11);
        if (bic != null && !bic.matches("[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")) {
            reader.add("bic", FieldError.INVALID_FORMAT, "must be a BIC of 8 or 11 characters");
        }
        Map<String, String> accounts = new TreeMap<>();
        Map<String, Long> caps = new TreeMap<>();
        JsonNode accountsNode = map(reader, body, "settlement_accounts", true);
        if (accountsNode != null) {
            assets(reader, "settlement_accounts", accountsNode, (asset, value) -> {
                if (!value.isString() || !Limits.isIdentifier(value.stringValue())) {
                    reader.add("settlement_accounts." + asset, FieldError.INVALID_FORMAT, "must be an account id");
                } else {
                    accounts.put(asset, value.stringValue());
                }
            });
        }
        JsonNode capsNode = map(reader, body, "net_debit_caps", false);
        if (capsNode != null) {
            assets(reader, "net_debit_caps", capsNode, (asset, value) -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                    reader.add("net_debit_caps." + asset, FieldError.INVALID_AMOUNT, "must be an integer ≥ 0");
                } else {
                    caps.put(asset, value.longValue());
                }
            });
        }
        Boolean active = body.choice("status", Map.of("active", true, "suspended", false), true);
        reader.finish();
        for (String asset : caps.keySet()) {
            if (!accounts.containsKey(asset)) {
                throw ApiException.invalid(List.of(new FieldError(
                        "net_debit_caps." + asset,
                        FieldError.INVALID_VALUE,
                        "a cap needs a settlement account in " + asset)));
            }
        }
        Participant participant = new Participant(call.path("ledger"), id(call), name, bic, accounts, caps, active);
        Participants.Put put = participants.put(participant, Actor.of(call));
        return new Reply(put.created() ? 201 : 200, Reply.JSON, ClearingJson.participant(put.participant()), Map.of());
    }

    /** A field whose names are data (asset codes): the object, or null (absent, or the error recorded). */
    private static JsonNode map(RequestReader reader, RequestReader.Fields body, String name, boolean required) {
        JsonNode value = body.node().get(name);
        if (value == null || value.isNull()) {
            if (required) {
                reader.add(name, FieldError.REQUIRED, "is required");
            }
            return null;
        }
        if (!value.isObject()) {
            reader.add(name, FieldError.INVALID_TYPE, "must be an object keyed by asset code");
            return null;
        }
        return value;
    }

    private interface AssetValue {
        void accept(String asset, JsonNode value);
    }

    private static void assets(RequestReader reader, String field, JsonNode node, AssetValue each) {
        if (node.size() > ASSETS_MAX) {
            reader.add(field, FieldError.TOO_MANY, "at most " + ASSETS_MAX + " assets");
            return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!Limits.isAssetCode(entry.getKey())) {
                reader.add(
                        field + "." + RequestReader.printable(entry.getKey()),
                        FieldError.INVALID_FORMAT,
                        "must be an asset code");
            } else {
                each.accept(entry.getKey(), entry.getValue());
            }
        }
    }

    private static String id(Call call) {
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw ApiException.invalid(List.of(new FieldError("id", FieldError.INVALID_FORMAT, "must be an id")));
        }
        return id;
    }

    private Reply participant(Call call) {
        Participant participant = store.participant(call.path("ledger"), call.path("id"))
                .orElseThrow(() -> ApiException.notFound("participant_not_found", "no participant " + call.path("id")));
        return new Reply(200, Reply.JSON, ClearingJson.participant(participant), Map.of());
    }

    private Reply participants(Call call) {
        List<Participant> all = store.participants(call.path("ledger"));
        String after = Cursor.id(call.query("cursor"), "participants");
        return Lists.inMemory(
                all,
                Participant::id,
                after,
                call.limit(),
                ClearingJson::write,
                last -> Cursor.ofId("participants", last.id()));
    }

    // ---- obligations

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, ObligationRequest.FIELDS.toArray(String[]::new));
        ObligationRequest request = ObligationRequest.read(body);
        reader.finish();
        Intake.Outcome outcome = intake.take(call.path("ledger"), List.of(request), call.principal())
                .getFirst();
        return switch (outcome.status()) {
            case "created" -> new Reply(201, Reply.JSON, ClearingJson.obligation(outcome.obligation()), Map.of());
            case "exists" ->
                new Reply(
                        200,
                        Reply.JSON,
                        ClearingJson.obligation(outcome.obligation()),
                        Map.of("Idempotent-Replayed", "true"));
            default -> throw outcome.failure();
        };
    }

    private Reply batch(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "obligations");
        List<JsonNode> items = body.array("obligations", true, 1, Intake.BATCH_MAX);
        List<ObligationRequest> requests = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item =
                    body.item("obligations", i, items.get(i), ObligationRequest.FIELDS.toArray(String[]::new));
            if (item != null) {
                requests.add(ObligationRequest.read(item));
            }
        }
        reader.finish();
        List<Intake.Outcome> outcomes = intake.take(call.path("ledger"), requests, call.principal());
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("results");
            out.json.writeStartArray();
            for (int i = 0; i < outcomes.size(); i++) {
                Intake.Outcome outcome = outcomes.get(i);
                out.json.writeStartObject();
                out.number("index", i);
                out.string("status", outcome.status());
                if (outcome.failure() != null) {
                    out.string("code", outcome.failure().code);
                    out.string("detail", outcome.failure().getMessage());
                } else {
                    out.json.writeName("obligation");
                    ClearingJson.write(out, outcome.obligation());
                }
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply obligations(Call call) {
        String status = call.query("status");
        ObligationStatus filter = null;
        if (status != null) {
            filter = ObligationStatus.byCode().get(status);
            if (filter == null) {
                throw ApiException.invalid(
                        List.of(new FieldError("status", FieldError.INVALID_VALUE, "no such status")));
            }
        }
        Long before = Cursor.sequence(call.query("cursor"), "obligations");
        Page<Obligation> page = store.obligations(
                call.path("ledger"), query(call, "window"), query(call, "participant"), filter, before, call.limit());
        return Lists.reply(page, ClearingJson::write, last -> Cursor.ofSequence("obligations", last.sequence()));
    }

    private static String query(Call call, String name) {
        String value = call.query(name);
        if (value != null && !Limits.isIdentifier(value)) {
            throw ApiException.invalid(List.of(new FieldError(name, FieldError.INVALID_FORMAT, "must be an id")));
        }
        return value;
    }

    private Reply obligation(Call call) {
        Obligation obligation = store.obligation(call.path("ledger"), call.path("id"))
                .orElseThrow(() -> Windows.obligationNotFound(call.path("id")));
        return new Reply(200, Reply.JSON, ClearingJson.obligation(obligation), Map.of());
    }

    private Reply cancel(Call call) {
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
        Obligation canceled = windows.cancel(call.path("ledger"), call.path("id"), Actor.of(call));
        return new Reply(200, Reply.JSON, ClearingJson.obligation(canceled), Map.of());
    }

    // ---- windows

    private Reply windows(Call call) {
        String status = call.query("status");
        WindowStatus filter = null;
        if (status != null) {
            filter = WindowStatus.byCode().get(status);
            if (filter == null) {
                throw ApiException.invalid(
                        List.of(new FieldError("status", FieldError.INVALID_VALUE, "no such status")));
            }
        }
        Long before = Cursor.sequence(call.query("cursor"), "windows");
        Page<Window> page = store.windows(call.path("ledger"), filter, before, call.limit());
        return Lists.reply(page, ClearingJson::write, last -> Cursor.ofSequence("windows", last.number()));
    }

    private Reply current(Call call) {
        ClearingStore.State state = store.state(call.path("ledger"));
        return windowReply(store.window(call.path("ledger"), state.openWindow()).orElseThrow());
    }

    private Window found(Call call) {
        return store.window(call.path("ledger"), call.path("id"))
                .orElseThrow(() -> Windows.windowNotFound(call.path("id")));
    }

    private Reply window(Call call) {
        return windowReply(found(call));
    }

    private static Reply windowReply(Window window) {
        return new Reply(200, Reply.JSON, ClearingJson.window(window), Map.of());
    }

    private Reply report(Call call) {
        String format = call.query("format");
        if (format != null && !format.equals("json") && !format.equals("csv")) {
            throw ApiException.invalid(List.of(new FieldError("format", FieldError.INVALID_VALUE, "json or csv")));
        }
        Window window = found(call);
        if (window.report() == null) {
            throw new ApiException(
                    409, "window_open", "window " + window.id() + " is open: it is netted when it closes");
        }
        if ("csv".equals(format)) {
            return new Reply(200, "text/csv; charset=utf-8", ReportCsv.of(window.report()), Map.of());
        }
        return new Reply(200, Reply.JSON, window.report().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Reply close(Call call) {
        emptyBody(call);
        return windowReply(windows.close(call.path("ledger"), call.path("id"), Actor.of(call)));
    }

    private Reply settle(Call call) {
        emptyBody(call);
        return windowReply(settlement.settle(call.path("ledger"), call.path("id"), Actor.of(call)));
    }

    private static void emptyBody(Call call) {
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
    }
}
