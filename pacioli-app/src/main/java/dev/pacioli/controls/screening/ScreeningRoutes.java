package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Screening over HTTP (controls.md, Screening; docs/screening.md): lists loaded by admins or anyone with
 * the compliance flag, a check any reader may run, and cases that only the compliance flag decides.
 */
public final class ScreeningRoutes {
    /** Entries of one list. */
    public static final int ENTRIES_MAX = 100_000;
    /** Blocked countries of one list. */
    public static final int BLOCKED_COUNTRIES_MAX = 250;
    /** A list's body: 100,000 entries with a few aliases and addresses each fit. */
    public static final long LIST_BODY_BYTES_MAX = 64L << 20;

    static final String CSV = "text/csv";
    private static final String LISTS = "/v1/screening/lists";
    private static final String CASES = "/v1/screening/cases";
    private static final int REASON_LENGTH_MAX = 1_024;

    private final Screening screening;

    public ScreeningRoutes(Screening screening) {
        this.screening = screening;
    }

    public List<Route> routes() {
        return List.of(
                Route.put(LISTS + "/{name}", Role.READER, this::putList)
                        .requiring(Flag.COMPLIANCE)
                        .waivingFlagsFor(Role.ADMIN)
                        .withBodyBytesMax(LIST_BODY_BYTES_MAX)
                        .accepting(CSV),
                Route.put(LISTS + "/{name}/aliases", Role.READER, this::putAliases)
                        .requiring(Flag.COMPLIANCE)
                        .waivingFlagsFor(Role.ADMIN)
                        .withBodyBytesMax(LIST_BODY_BYTES_MAX)
                        .accepting(CSV),
                Route.list(LISTS, Role.READER, false, this::lists),
                Route.post("/v1/screening/check", Role.READER, this::check),
                Route.list(CASES, Role.READER, false, this::cases, "status"),
                Route.get(CASES + "/{id}", Role.READER, this::show),
                Route.post(CASES + "/{id}/decide", Role.READER, this::decide).requiring(Flag.COMPLIANCE));
    }

    // ---- Lists ------------------------------------------------------------------------------------

    private Reply putList(Call call) {
        String name = listName(call);
        String source;
        ScreeningStore.Change change;
        if (isCsv(call)) {
            List<ScreeningEntry> entries = sdn(call.body);
            source = "sdn_csv";
            // A CSV file names no blocked countries: the list keeps those it had.
            change = current ->
                    new ScreeningStore.Version(0, entries, current == null ? List.of() : current.blockedCountries());
        } else {
            ScreeningStore.Version read = ListBody.read(call);
            source = "json";
            change = current -> read;
        }
        return listReply(screening.load(name, source, Actor.of(call), change));
    }

    private Reply putAliases(Call call) {
        String name = listName(call);
        if (call.body.length > 0 && !isCsv(call)) {
            throw new ApiException(415, "unsupported_media_type", "send the aliases as text/csv in alt.csv's layout");
        }
        Map<String, List<String>> aliases;
        try {
            aliases = OfacCsv.alt(call.body);
        } catch (OfacCsv.Malformed e) {
            throw invalidCsv(e);
        }
        ScreeningJson.ListInfo loaded = screening.load(name, "alt_csv", Actor.of(call), current -> {
            if (current == null) {
                throw listNotFound(name);
            }
            return withAliases(current, aliases);
        });
        return listReply(loaded);
    }

    /** The current entries with the file's aliases in place of theirs; an alias of no entry refuses the file. */
    private static ScreeningStore.Version withAliases(
            ScreeningStore.Version current, Map<String, List<String>> aliases) {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < current.entries().size(); i++) {
            positions.put(current.entries().get(i).id(), i);
        }
        for (String id : aliases.keySet()) {
            if (!positions.containsKey(id)) {
                throw new ApiException(
                        422,
                        "screening_entry_not_found",
                        "alt.csv names ent_num " + id + ", which is no entry of version " + current.version()
                                + "; load sdn.csv first");
            }
        }
        List<ScreeningEntry> entries = new ArrayList<>(current.entries().size());
        for (ScreeningEntry entry : current.entries()) {
            entries.add(entry.withAliases(aliases.getOrDefault(entry.id(), List.of())));
        }
        return new ScreeningStore.Version(0, entries, current.blockedCountries());
    }

    private static List<ScreeningEntry> sdn(byte[] body) {
        try {
            return OfacCsv.sdn(body, ENTRIES_MAX);
        } catch (OfacCsv.Malformed e) {
            throw invalidCsv(e);
        } catch (OfacCsv.TooMany e) {
            throw tooMany();
        }
    }

    static ApiException tooMany() {
        return new ApiException(
                413,
                "screening_list_too_large",
                "a list holds at most " + ENTRIES_MAX + " entries; this one holds more");
    }

    private static ApiException invalidCsv(OfacCsv.Malformed e) {
        return new ApiException(400, "invalid_csv", e.getMessage());
    }

    private static boolean isCsv(Call call) {
        String type = call.context.contentType();
        return type != null && HttpServer.mediaType(type).equals(CSV);
    }

    private static String listName(Call call) {
        String name = call.path("name");
        if (!Limits.isIdentifier(name)) {
            throw ApiException.invalid(List.of(new FieldError(
                    "name", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$")));
        }
        return name;
    }

    static ApiException listNotFound(String name) {
        return ApiException.notFound("screening_list_not_found", "no screening list '" + name + "'");
    }

    private static Reply listReply(ScreeningJson.ListInfo loaded) {
        try (JsonOutput out = new JsonOutput()) {
            ScreeningJson.list(out, loaded);
            return Reply.json(200, out);
        }
    }

    private Reply lists(Call call) {
        String after = Cursor.id(call.query("cursor"), "screening_lists");
        Page<ScreeningJson.ListInfo> page = screening.store().lists(after, call.limit());
        return Lists.reply(page, ScreeningJson::list, last -> Cursor.ofId("screening_lists", last.name()));
    }

    // ---- Check ------------------------------------------------------------------------------------

    private Reply check(Call call) {
        Subject subject = ListBody.subject(call);
        List<Hit> hits = screening.screen(subject);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeNumberProperty("threshold", screening.settings().threshold());
            out.json.writeName("matches");
            out.json.writeStartArray();
            hits.forEach(hit -> ScreeningJson.hit(out, hit));
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    // ---- Cases ------------------------------------------------------------------------------------

    private Reply cases(Call call) {
        String code = call.query("status");
        ScreeningCase.Status status = code == null ? null : ScreeningCase.Status.ofCode(code);
        if (code != null && status == null) {
            throw ApiException.invalid(
                    List.of(new FieldError("status", FieldError.INVALID_VALUE, "must be open, cleared or confirmed")));
        }
        Long before = Cursor.sequence(call.query("cursor"), "screening_cases");
        Page<ScreeningCase> page = screening.store().cases(status, before, call.limit());
        return Lists.reply(
                page, ScreeningJson::screeningCase, last -> Cursor.ofSequence("screening_cases", last.sequence()));
    }

    private Reply show(Call call) {
        String id = call.path("id");
        ScreeningCase found = (Limits.isIdentifier(id) ? screening.store().find(id) : Optional.<ScreeningCase>empty())
                .orElseThrow(() -> caseNotFound(id));
        return caseReply(found);
    }

    private Reply decide(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "decision", "reason");
        ScreeningCase.Decision decision = body.choice(
                "decision",
                Map.of("clear", ScreeningCase.Decision.CLEAR, "confirm", ScreeningCase.Decision.CONFIRM),
                null);
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw caseNotFound(id);
        }
        return switch (screening.decide(id, decision, reason, Actor.of(call))) {
            case Screening.Decided.Done done -> caseReply(done.screeningCase());
            case Screening.Decided.NotFound notFound -> throw caseNotFound(id);
            case Screening.Decided.DeciderIsCreator creator ->
                throw new ApiException(
                        403,
                        "decider_is_creator",
                        "case " + id + " is on a " + creator.screeningCase().objectType() + " that "
                                + creator.screeningCase().createdBy() + " created; someone else decides it");
            case Screening.Decided.AlreadyDecided decided ->
                throw new ApiException(
                        409,
                        "invalid_state_transition",
                        "case " + id + " is " + decided.screeningCase().status().code() + " already ("
                                + decided.screeningCase().decidedBy() + "); a case is decided once");
        };
    }

    private static ApiException caseNotFound(String id) {
        return ApiException.notFound(
                "screening_case_not_found", "no screening case '" + RequestReader.printable(id) + "'");
    }

    private static Reply caseReply(ScreeningCase c) {
        try (JsonOutput out = new JsonOutput()) {
            ScreeningJson.screeningCase(out, c);
            return Reply.json(200, out);
        }
    }
}
