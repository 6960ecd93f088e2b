package dev.pacioli.controls.limits;

import dev.pacioli.ledger.LedgerLimits;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitChange;
import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitResult;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
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
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Catalog;
import dev.pacioli.postgres.PostgresLedgerStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The limits' routes (docs/limits.md): admins define them, readers see them and their usage. A change
 * is made by the ledger's writer, which commits its audit record and event ({@code limit.created},
 * {@code limit.replaced}, {@code limit.deleted}) in the change's own database transaction.
 */
final class LimitRoutes {
    static final String EVENT_CREATED = "limit.created";
    static final String EVENT_REPLACED = "limit.replaced";
    static final String EVENT_DELETED = "limit.deleted";

    private static final String BASE = "/v1/ledgers/{ledger}/limits";
    private static final String CURSOR = "limit";
    private static final Map<String, LimitDirection> DIRECTIONS =
            Map.of("debit", LimitDirection.DEBIT, "credit", LimitDirection.CREDIT);
    private static final String[] BOUNDS = {
        "max_amount_per_transaction", "max_amount_per_window", "max_count_per_window"
    };

    private final LedgerLimits limits;
    private final Catalog catalog;

    LimitRoutes(LedgerLimits limits, Catalog catalog) {
        this.limits = limits;
        this.catalog = catalog;
    }

    List<Route> routes() {
        return List.of(
                Route.put(BASE + "/{id}", Role.ADMIN, this::put),
                Route.get(BASE + "/{id}", Role.READER, this::get),
                Route.delete(BASE + "/{id}", Role.ADMIN, this::delete),
                Route.list(BASE, Role.READER, false, this::list),
                Route.get(BASE + "/{id}/usage", Role.READER, this::usage, "account"));
    }

    private Reply put(Call call) {
        RequestReader reader = new RequestReader();
        LimitSpec spec = read(call, reader);
        reader.finish();
        boolean known = catalog.listAssets().stream()
                .anyMatch(stored -> stored.asset().code().equals(spec.asset()));
        if (!known) {
            throw Outcomes.failure(
                    ResultCode.ASSET_NOT_FOUND,
                    "no asset '" + spec.asset() + "'; create it with PUT /v1/assets/{code}");
        }
        Actor actor = Actor.of(call);
        String ledger = call.path("ledger");
        LimitResult result = Engines.await(limits.putLimit(ledger, spec, change -> rows(actor, ledger, change)));
        return switch (result.code()) {
            case CREATED -> limitReply(201, result.limit(), false);
            case OK -> limitReply(200, result.limit(), false);
            case EXISTS -> limitReply(200, result.limit(), true);
            default -> throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        };
    }

    /** The body of a PUT; every bad field is recorded in the reader, and the spec is null then. */
    private static LimitSpec read(Call call, RequestReader reader) {
        String id = call.path("id");
        if (id.length() > Limits.IDENTIFIER_LENGTH_MAX) {
            reader.add("id", FieldError.TOO_LONG, "is longer than " + Limits.IDENTIFIER_LENGTH_MAX + " characters");
        } else if (!Limits.isIdentifier(id)) {
            reader.add("id", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
        }
        RequestReader.Fields body = call.body(
                reader,
                "accounts",
                "asset",
                "direction",
                RequestReader.orNull("max_amount_per_transaction"),
                RequestReader.orNull("window_seconds"),
                RequestReader.orNull("max_amount_per_window"),
                RequestReader.orNull("max_count_per_window"));
        String accounts = body.string("accounts", true, Limits.IDENTIFIER_LENGTH_MAX);
        String problem = accounts == null ? null : LimitSpec.accountsProblem(accounts);
        if (problem != null) {
            reader.add("accounts", FieldError.INVALID_FORMAT, problem);
        }
        String asset = body.assetCode("asset");
        LimitDirection direction = body.choice("direction", DIRECTIONS, null);
        Long perTransaction = optionalAmount(body, "max_amount_per_transaction");
        Long windowSeconds = body.integerInRange("window_seconds", 1, Limits.LIMIT_WINDOW_SECONDS_MAX);
        Long perWindow = optionalAmount(body, "max_amount_per_window");
        Long countPerWindow = body.integerInRange("max_count_per_window", 1, Long.MAX_VALUE);
        boolean windowBound = body.has("max_amount_per_window") || body.has("max_count_per_window");
        if (!windowBound && !body.has("max_amount_per_transaction")) {
            for (String bound : BOUNDS) {
                reader.add(bound, FieldError.REQUIRED, "a limit has at least one bound: " + String.join(", ", BOUNDS));
            }
        } else if (windowBound && !body.has("window_seconds")) {
            reader.add("window_seconds", FieldError.REQUIRED, "is required with a window's bound");
        } else if (!windowBound && body.has("window_seconds")) {
            reader.add(
                    "window_seconds",
                    FieldError.INVALID_VALUE,
                    "goes with max_amount_per_window or max_count_per_window");
        }
        if (reader.hasErrors()) {
            return null;
        }
        return new LimitSpec(id, accounts, asset, direction, perTransaction, windowSeconds, perWindow, countPerWindow);
    }

    private static Long optionalAmount(RequestReader.Fields body, String name) {
        long amount = body.amount(name, false);
        return amount == 0 ? null : amount;
    }

    /** The audit record and event of a change, written by the writer in the change's transaction. */
    private static PostgresLedgerStore.CommitRows rows(Actor actor, String ledger, LimitChange change) {
        AuditAction action = switch (change.verb()) {
            case "created" -> AuditAction.LIMIT_CREATED;
            case "replaced" -> AuditAction.LIMIT_REPLACED;
            default -> AuditAction.LIMIT_DELETED;
        };
        Limit shown = change.after().deleted() ? change.before() : change.after();
        byte[] data = LimitJson.limit(shown);
        String before = change.before() == null ? null : text(LimitJson.limit(change.before()));
        String after = change.after().deleted() ? null : text(data);
        AuditEntry entry =
                AuditEntry.of(action, change.after().id(), before, after).inLedger(ledger);
        String type = "limit." + change.verb();
        return connection -> {
            AuditLog.append(connection, actor, entry);
            ServiceEvents.append(connection, type, ledger, data);
        };
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private Reply get(Call call) {
        return limitReply(200, found(call), false);
    }

    private Limit found(Call call) {
        String id = call.path("id");
        return limits.limit(call.path("ledger"), id).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("limit_not_found", "no limit '" + id + "' in force in this ledger");
    }

    private Reply delete(Call call) {
        Actor actor = Actor.of(call);
        String ledger = call.path("ledger");
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw notFound(id);
        }
        LimitResult result = Engines.await(limits.deleteLimit(ledger, id, change -> rows(actor, ledger, change)));
        return switch (result.code()) {
            case OK -> limitReply(200, result.limit(), false);
            case LIMIT_NOT_FOUND -> throw notFound(id);
            default -> throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        };
    }

    private Reply list(Call call) {
        String after = Cursor.id(call.query("cursor"), CURSOR);
        if (after != null && !Limits.isIdentifier(after)) {
            throw new ApiException(400, "invalid_cursor", "the cursor is not one this list gave out");
        }
        return Lists.inMemory(
                limits.limits(call.path("ledger")),
                Limit::id,
                after,
                call.limit(),
                LimitJson::limit,
                last -> Cursor.ofId(CURSOR, last.id()));
    }

    private Reply usage(Call call) {
        String account = call.query("account");
        RequestReader reader = new RequestReader();
        if (account == null) {
            reader.add("account", FieldError.REQUIRED, "is required: the account whose usage to show");
        } else if (!Limits.isIdentifier(account)) {
            reader.add("account", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
        }
        reader.finish();
        String id = call.path("id");
        if (!Limits.isIdentifier(id)) {
            throw notFound(id);
        }
        LimitUsageResult result = Engines.await(limits.usage(call.path("ledger"), id, account));
        return switch (result.code()) {
            case OK -> {
                try (JsonOutput out = new JsonOutput()) {
                    LimitJson.usage(out, result.usage());
                    yield Reply.json(200, out);
                }
            }
            case LIMIT_NOT_FOUND -> throw notFound(id);
            case ACCOUNT_NOT_FOUND -> throw ApiException.notFound("account_not_found", "no account '" + account + "'");
            default -> throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        };
    }

    private static Reply limitReply(int status, Limit limit, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            LimitJson.limit(out, limit);
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }
}
