package dev.pacioli.treasury;

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
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Transactions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Treasury's routes (treasury.md): buffers, cycles, conversions. */
final class TreasuryRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/treasury";
    static final int PROVIDERS_MAX = 10;
    static final long TIMEOUT_SECONDS_MAX = 7 * 86_400;

    private final TreasuryStore store;
    private final Cycles cycles;
    private final Providers providers;
    private final ConversionWorker worker;
    private final Jobs jobs;

    TreasuryRoutes(TreasuryStore store, Cycles cycles, Providers providers, ConversionWorker worker, Jobs jobs) {
        this.store = store;
        this.cycles = cycles;
        this.providers = providers;
        this.worker = worker;
        this.jobs = jobs;
    }

    List<Route> routes() {
        return List.of(
                Route.put(BASE + "/buffers/{account}", Role.ADMIN, this::putBuffer),
                Route.get(BASE + "/buffers", Role.READER, this::listBuffers),
                Route.post(BASE + "/cycles", Role.OPERATOR, this::runCycle),
                Route.get(BASE + "/cycles/{id}", Role.READER, this::getCycle),
                Route.post(BASE + "/conversions", Role.OPERATOR, this::createConversion),
                Route.list(BASE + "/conversions", Role.READER, false, this::listConversions, "status", "buffer"),
                Route.get(BASE + "/conversions/{id}", Role.READER, this::getConversion),
                Route.post(BASE + "/conversions/{id}/resolve", Role.OPERATOR, this::resolve));
    }

    /** A buffer's PUT body, checked field by field (every problem in one 400). */
    private record BufferBody(
            Long min,
            Long target,
            Long max,
            Long critical,
            String topUpFrom,
            String sweepTo,
            List<String> providers,
            Long timeout) {}

    private static BufferBody readBuffer(Call call, RequestReader reader) {
        String account = call.path("account");
        RequestReader.Fields body = call.body(
                reader,
                "min",
                "target",
                "max",
                RequestReader.orNull("critical"),
                "top_up_from",
                "sweep_to",
                "providers",
                "conversion_timeout_seconds");
        Long min = required(body, reader, "min");
        Long target = required(body, reader, "target");
        Long max = required(body, reader, "max");
        Long critical = body.integerInRange("critical", 0, Long.MAX_VALUE);
        String topUpFrom = body.identifier("top_up_from", true);
        String sweepTo = body.identifier("sweep_to", true);
        List<String> listed = new ArrayList<>();
        for (JsonNode item : body.array("providers", true, 1, PROVIDERS_MAX)) {
            if (!item.isString() || !Limits.isIdentifier(item.stringValue())) {
                reader.add("providers", FieldError.INVALID_VALUE, "holds connector ids");
            } else {
                listed.add(item.stringValue());
            }
        }
        Long timeout = body.integerInRange("conversion_timeout_seconds", 1, TIMEOUT_SECONDS_MAX);
        if (timeout == null && !body.has("conversion_timeout_seconds")) {
            reader.add("conversion_timeout_seconds", FieldError.REQUIRED, "is required");
        }
        if (min != null && target != null && max != null && !(min <= target && target <= max)) {
            reader.add("target", FieldError.INVALID_VALUE, "min <= target <= max must hold");
        }
        if (critical != null && min != null && critical > min) {
            reader.add("critical", FieldError.INVALID_VALUE, "must not be above min");
        }
        if (!Limits.isIdentifier(account)) {
            reader.add("account", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
        }
        reader.finish();
        return new BufferBody(min, target, max, critical, topUpFrom, sweepTo, listed, timeout);
    }

    private Reply putBuffer(Call call) {
        String ledger = call.path("ledger");
        String account = call.path("account");
        RequestReader reader = new RequestReader();
        BufferBody body = readBuffer(call, reader);
        String topUpFrom = body.topUpFrom();
        String sweepTo = body.sweepTo();
        List<String> listed = body.providers();
        Map<String, TreasuryStore.AccountView> accounts = store.accounts(ledger, List.of(account, topUpFrom, sweepTo));
        TreasuryStore.AccountView buffer = known(accounts, account, "account", reader);
        TreasuryStore.AccountView source = known(accounts, topUpFrom, "top_up_from", reader);
        TreasuryStore.AccountView sweep = known(accounts, sweepTo, "sweep_to", reader);
        reader.finish();
        pairs(listed, source, buffer, "top_up_from", reader);
        pairs(listed, buffer, sweep, "sweep_to", reader);
        reader.finish();
        Buffer made = new Buffer(
                ledger,
                account,
                buffer.asset(),
                body.min(),
                body.target(),
                body.max(),
                body.critical(),
                topUpFrom,
                sweepTo,
                listed,
                body.timeout().intValue(),
                null,
                0,
                0);
        boolean created = store.putBuffer(made, Actor.of(call), TreasuryJson.bytes(made));
        Buffer stored = store.buffers(ledger).stream()
                .filter(b -> b.account().equals(account))
                .findFirst()
                .orElseThrow();
        try (JsonOutput out = new JsonOutput()) {
            TreasuryJson.buffer(out, stored);
            return Reply.json(created ? 201 : 200, out);
        }
    }

    private static Long required(RequestReader.Fields body, RequestReader reader, String name) {
        Long value = body.integerInRange(name, 0, Long.MAX_VALUE);
        if (value == null && !body.has(name)) {
            reader.add(name, FieldError.REQUIRED, "is required");
        }
        return value;
    }

    private static TreasuryStore.AccountView known(
            Map<String, TreasuryStore.AccountView> accounts, String id, String field, RequestReader reader) {
        TreasuryStore.AccountView view = accounts.get(id);
        if (view == null) {
            reader.add(field, FieldError.INVALID_VALUE, "no account '" + id + "' on this ledger");
        }
        return view;
    }

    /** A move between two accounts: same asset (a transfer) or a pair some listed provider converts; same side. */
    private void pairs(
            List<String> listed,
            TreasuryStore.AccountView from,
            TreasuryStore.AccountView to,
            String field,
            RequestReader reader) {
        if (from.debitNormal() != to.debitNormal()) {
            throw new ApiException(
                    400,
                    "incompatible_normal_balances",
                    field + " and the buffer have different normal"
                            + " balances: a move between them cannot come out as one debit and one credit");
        }
        if (!from.asset().equals(to.asset())
                && providers.ordered(listed, from.asset(), to.asset()).isEmpty()) {
            reader.add(
                    "providers",
                    FieldError.INVALID_VALUE,
                    "no listed provider converts " + from.asset() + "/" + to.asset() + " (" + field + ")");
        }
    }

    private Reply listBuffers(Call call) {
        String ledger = call.path("ledger");
        List<Buffer> buffers = store.buffers(ledger);
        List<String> ids = new ArrayList<>();
        buffers.forEach(b -> ids.add(b.account()));
        Map<String, TreasuryStore.AccountView> accounts = store.accounts(ledger, ids);
        Map<String, Conversion> inFlight = Transactions.run(
                store.dataSource(),
                "could not read conversions",
                connection -> TreasuryStore.inFlight(connection, ledger));
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeArrayPropertyStart("data");
            for (Buffer buffer : buffers) {
                TreasuryStore.AccountView view = accounts.get(buffer.account());
                long available = view == null ? 0 : view.available();
                Conversion job = inFlight.get(buffer.account());
                out.json.writeStartObject();
                TreasuryJson.bufferFields(out, buffer);
                out.number("balance", view == null ? 0 : view.balance());
                out.number("available", available);
                out.string("status", job != null ? "converting" : buffer.status(available));
                out.string("job", job == null ? null : job.id());
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply runCycle(Call call) {
        Cycles.Cycle cycle = cycles.run(call.path("ledger"), "request", call.principal());
        return cycleReply(201, cycle.ledger(), cycle.id());
    }

    private Reply getCycle(Call call) {
        return cycleReply(200, call.path("ledger"), call.path("id"));
    }

    private Reply cycleReply(int status, String ledger, String id) {
        String json = Transactions.run(store.dataSource(), "could not read the cycle", connection -> {
            try (var select = connection.prepareStatement("""
                    select jsonb_build_object('id', id, 'ledger', ledger, 'trigger', trigger, 'runner', runner,
                           'started_at', to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                           'finished_at', to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                           'decisions', decisions)::text
                      from treasury_cycles where ledger = ? and id = ?""")) {
                select.setString(1, ledger);
                select.setString(2, id);
                try (var rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
        if (json == null) {
            throw ApiException.notFound("cycle_not_found", "no cycle '" + id + "' on this ledger");
        }
        return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Reply createConversion(Call call) {
        String ledger = call.path("ledger");
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "id", "from_account", "to_account", "from_amount", "provider");
        String id = body.identifier("id", true);
        String from = body.identifier("from_account", true);
        String to = body.identifier("to_account", true);
        long amount = body.amount("from_amount", true);
        String provider = body.identifier("provider", true);
        reader.finish();
        Map<String, TreasuryStore.AccountView> accounts = store.accounts(ledger, List.of(from, to));
        TreasuryStore.AccountView source = known(accounts, from, "from_account", reader);
        TreasuryStore.AccountView target = known(accounts, to, "to_account", reader);
        reader.finish();
        if (source.asset().equals(target.asset())) {
            reader.add(
                    "to_account", FieldError.INVALID_VALUE, "holds the same asset as from_account: nothing to convert");
        } else if (!providers.converts(provider, source.asset(), target.asset())) {
            reader.add(
                    "provider",
                    FieldError.INVALID_VALUE,
                    "'" + provider + "' does not convert " + source.asset() + "/" + target.asset());
        }
        reader.finish();
        pairs(List.of(provider), source, target, "to_account", reader);
        Conversion conversion = new Conversion(
                ledger,
                id,
                null,
                null,
                "one_off",
                from,
                to,
                source.asset(),
                target.asset(),
                amount,
                null,
                null,
                List.of(provider),
                List.of(),
                null,
                null,
                ConversionStatus.PENDING,
                null,
                null,
                1800,
                null,
                call.principal(),
                0,
                0);
        Optional<Conversion> existing = store.conversion(ledger, id);
        if (existing.isEmpty()) {
            boolean inserted = Transactions.run(
                    store.dataSource(),
                    "could not create the conversion",
                    connection -> store.insert(connection, conversion, "asked for by " + call.principal()));
            jobs.wake();
            if (inserted) {
                return conversionReply(201, store.conversion(ledger, id).orElseThrow(), false);
            }
            existing = store.conversion(ledger, id);
        }
        return replay(existing.orElseThrow(), from, to, amount, provider);
    }

    /** The same id again: its conversion when the fields are the same, else 409. */
    private Reply replay(Conversion found, String from, String to, long amount, String provider) {
        if (!found.fromAccount().equals(from)
                || !found.toAccount().equals(to)
                || found.fromAmount() != amount
                || !found.providers().equals(List.of(provider))
                || !found.purpose().equals("one_off")) {
            throw new ApiException(
                    409,
                    "conversion_exists_with_different_fields",
                    "a conversion '" + found.id() + "' exists with other fields");
        }
        return conversionReply(200, found, true);
    }

    private Reply conversionReply(int status, Conversion conversion, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            TreasuryJson.conversion(out, conversion, store.history(conversion.ledger(), conversion.id()));
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }

    private Reply listConversions(Call call) {
        String status = call.query("status");
        if (status != null
                && !List.of("pending", "submitted", "needs_review", "completed", "failed")
                        .contains(status)) {
            throw ApiException.invalid(List.of(new FieldError(
                    "status",
                    FieldError.INVALID_VALUE,
                    "is one of pending, submitted, needs_review, completed, failed")));
        }
        String buffer = call.query("buffer");
        if (buffer != null && !Limits.isIdentifier(buffer)) {
            throw ApiException.invalid(List.of(new FieldError(
                    "buffer", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$")));
        }
        String after = Cursor.id(call.query("cursor"), "conversion");
        List<Conversion> page = store.conversions(call.path("ledger"), status, buffer, after, call.limit() + 1);
        boolean more = page.size() > call.limit();
        List<Conversion> shown = more ? page.subList(0, call.limit()) : page;
        return Lists.reply(
                shown,
                more ? Cursor.ofId("conversion", shown.getLast().id()) : null,
                (out, c) -> TreasuryJson.conversion(out, c, List.of()));
    }

    private Reply getConversion(Call call) {
        return conversionReply(200, found(call), false);
    }

    private Conversion found(Call call) {
        String id = call.path("id");
        return store.conversion(call.path("ledger"), id)
                .orElseThrow(() -> ApiException.notFound("conversion_not_found", "no conversion '" + id + "'"));
    }

    /** An operator ends a conversion in {@code needs_review}: completed (with {@code to_amount}) or failed. */
    private Reply resolve(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "outcome", "reason", RequestReader.orNull("to_amount"));
        ConversionStatus outcome = body.choice(
                "outcome", Map.of("completed", ConversionStatus.COMPLETED, "failed", ConversionStatus.FAILED), null);
        String reason = body.string("reason", true, 500);
        Long toAmount = body.integerInRange("to_amount", 1, Long.MAX_VALUE);
        if (outcome == ConversionStatus.COMPLETED && toAmount == null && !reader.hasErrors()) {
            reader.add("to_amount", FieldError.REQUIRED, "is required to complete a conversion");
        }
        reader.finish();
        Conversion conversion = found(call);
        if (conversion.status() != ConversionStatus.NEEDS_REVIEW) {
            worker.illegalTransition();
            throw new ApiException(
                    409,
                    "invalid_state_transition",
                    "the conversion is " + conversion.status().code() + "; only one in needs_review is resolved");
        }
        Actor actor = Actor.of(call);
        if (outcome == ConversionStatus.COMPLETED) {
            String rate = new BigDecimal(toAmount)
                    .divide(new BigDecimal(conversion.fromAmount()), 12, RoundingMode.DOWN)
                    .stripTrailingZeros()
                    .toPlainString();
            worker.complete(conversion, toAmount, rate, call.principal(), reason, actor);
        } else {
            worker.resolveFailed(conversion, reason, call.principal(), actor);
        }
        return conversionReply(200, found(call), false);
    }
}
