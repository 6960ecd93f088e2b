package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.ResultCode;
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
import dev.pacioli.platform.Times;
import dev.pacioli.postgres.AccountFilter;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Page;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accounts: open, read, list, statement, balances as of a time, close. */
public final class AccountRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/accounts";
    private static final String CURSOR_KIND = "accounts";
    private static final String ENTRIES_CURSOR_KIND = "entries";
    private static final Map<String, NormalBalance> NORMAL_BALANCES =
            Map.of("debit", NormalBalance.DEBIT, "credit", NormalBalance.CREDIT);
    private static final Map<String, AccountStatus> STATUSES =
            Map.of("open", AccountStatus.OPEN, "closed", AccountStatus.CLOSED);

    private final Database database;
    private final Ledgers ledgers;
    private final LedgerPort port;

    public AccountRoutes(Database database, Ledgers ledgers, LedgerPort port) {
        this.port = port;
        this.database = database;
        this.ledgers = ledgers;
    }

    public List<Route> routes() {
        return List.of(
                Route.post(BASE, Role.WRITER, this::create),
                Route.list(BASE, Role.READER, true, this::list, "prefix", "asset", "status"),
                Route.get(BASE + "/{id}", Role.READER, this::get),
                Route.list(BASE + "/{id}/entries", Role.READER, false, this::entries),
                Route.get(BASE + "/{id}/balances", Role.READER, this::balances, "as_of"),
                Route.post(BASE + "/{id}/close", Role.OPERATOR, this::close));
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(
                reader,
                "id",
                "asset",
                "normal_balance",
                RequestReader.orNull("min_balance"),
                RequestReader.orNull("max_balance"),
                "metadata");
        String id = body.identifier("id", true);
        String asset = body.assetCode("asset");
        NormalBalance normal = body.choice("normal_balance", NORMAL_BALANCES, NormalBalance.CREDIT);
        Long minBalance = body.signedLong("min_balance");
        Long maxBalance = body.signedLong("max_balance");
        Metadata metadata = body.metadata("metadata");
        if (minBalance != null && maxBalance != null && minBalance > maxBalance) {
            reader.add("min_balance", FieldError.INVALID_VALUE, "is greater than max_balance");
        }
        reader.finish();
        AccountSpec spec = new AccountSpec(id, asset, normal, minBalance, maxBalance, metadata);
        AccountResult result = Engines.await(port.openAccount(call.path("ledger"), spec));
        return switch (result.code()) {
            case CREATED -> accountReply(201, result.account(), false);
            case EXISTS -> accountReply(200, result.account(), true);
            default -> throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        };
    }

    private Reply list(Call call) {
        RequestReader reader = new RequestReader();
        String prefix = call.query("prefix");
        if (prefix != null && prefix.isEmpty()) {
            reader.add("prefix", FieldError.INVALID_FORMAT, "must not be empty; leave it out to list every account");
        } else if (prefix != null && prefix.length() > Limits.IDENTIFIER_LENGTH_MAX) {
            reader.add("prefix", FieldError.TOO_LONG, "is longer than an id");
        } else if (prefix != null && !Limits.isIdentifierPrefix(prefix)) {
            reader.add("prefix", FieldError.INVALID_FORMAT, "may hold only the characters of an id: A-Za-z0-9:_.@-");
        }
        String asset = call.query("asset");
        if (asset != null && !Limits.isAssetCode(asset)) {
            reader.add("asset", FieldError.INVALID_FORMAT, "must be an asset code");
        }
        String statusName = call.query("status");
        AccountStatus status = statusName == null ? null : STATUSES.get(statusName);
        if (statusName != null && status == null) {
            reader.add("status", FieldError.INVALID_VALUE, "must be open or closed");
        }
        int limit = call.limit();
        Map<String, String> metadata = call.metadataFilters();
        reader.finish();
        String after = Cursor.id(call.query("cursor"), CURSOR_KIND);
        Page<Account> page = database.reads()
                .accounts(
                        ledgers.of(call).ledger().id(),
                        new AccountFilter(prefix, asset, status, metadata),
                        after,
                        limit);
        return Lists.reply(page, Wire::account, last -> Cursor.ofId(CURSOR_KIND, last.id()));
    }

    private Reply get(Call call) {
        return accountReply(200, account(call), false);
    }

    private Account account(Call call) {
        String id = call.path("id");
        return (Limits.isIdentifier(id)
                        ? database.reads().account(ledgers.of(call).ledger().id(), id)
                        : Optional.<Account>empty())
                .orElseThrow(() -> ApiException.notFound("account_not_found", "no account '" + id + "'"));
    }

    private Reply entries(Call call) {
        int limit = call.limit();
        Long before = Cursor.sequence(call.query("cursor"), ENTRIES_CURSOR_KIND);
        Account account = account(call);
        Page<Entry> page = database.reads().entries(ledgers.of(call).ledger().id(), account.id(), before, limit);
        return Lists.reply(page, Wire::entry, last -> Cursor.ofSequence(ENTRIES_CURSOR_KIND, last.sequence()));
    }

    private Reply balances(Call call) {
        String asOfText = call.query("as_of");
        Long asOf = asOfText == null ? Long.valueOf(nowMicros()) : Times.parseMicros(asOfText);
        if (asOf == null) {
            throw ApiException.invalid(List.of(new FieldError(
                    "as_of", FieldError.INVALID_FORMAT, "must be an RFC 3339 time, e.g. 2026-11-23T12:00:00Z")));
        }
        Account account = account(call);
        BalancesAsOf balances =
                database.reads().balancesAsOf(ledgers.of(call).ledger().id(), account.id(), asOf);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("account_id", account.id());
            out.time("as_of", asOf);
            Wire.balances(out, "balances", balances.balances(), account.spec().normalBalance());
            out.number("sequence", balances.sequence());
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private Reply close(Call call) {
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
        String id = call.path("id");
        AccountResult result = Limits.isIdentifier(id)
                ? Engines.await(port.closeAccount(call.path("ledger"), id))
                : new AccountResult(ResultCode.ACCOUNT_NOT_FOUND, null);
        return switch (result.code()) {
            case OK -> accountReply(200, result.account(), false);
            case ACCOUNT_NOT_FOUND -> throw ApiException.notFound("account_not_found", "no account '" + id + "'");
            default -> throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        };
    }

    private static Reply accountReply(int status, Account account, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.account(out, account);
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }
}
