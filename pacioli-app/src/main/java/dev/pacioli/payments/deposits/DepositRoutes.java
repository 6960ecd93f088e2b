package dev.pacioli.payments.deposits;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
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
import java.util.List;

/**
 * Deposits over HTTP: an operator's record of money that arrived another way (succeeded at once), the
 * list (by account and status) and one deposit, a reversal (operator), and the deposit routes that say
 * which account a provider's reference credits (admin).
 */
public final class DepositRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/deposits";
    private static final String CURSOR_KIND = "deposits";

    private final Deposits deposits;

    public DepositRoutes(Deposits deposits) {
        this.deposits = deposits;
    }

    public List<Route> routes() {
        return List.of(
                Route.post(BASE, Role.OPERATOR, this::create),
                Route.list(BASE, Role.READER, false, this::list, "account", "status"),
                Route.get(BASE + "/{id}", Role.READER, this::show),
                Route.post(BASE + "/{id}/reverse", Role.OPERATOR, this::reverse),
                Route.post("/v1/ledgers/{ledger}/deposit-routes", Role.ADMIN, this::route));
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(
                reader,
                "id",
                "account",
                "amount",
                "asset",
                "connector",
                RequestReader.orNull("provider_reference"),
                "metadata",
                "originator");
        String id = body.identifier("id", true);
        String account = body.identifier("account", true);
        long amount = body.amount("amount", true);
        String asset = body.assetCode("asset");
        String connector = body.string("connector", true, 64);
        String reference = body.string("provider_reference", false, 256);
        Metadata metadata = body.metadata("metadata");
        Subject originator = DepositRequest.originator(body);
        reader.finish();
        Deposits.Outcome outcome = deposits.report(
                new DepositRequest(
                        call.path("ledger"),
                        id,
                        account,
                        amount,
                        asset,
                        connector,
                        reference,
                        null,
                        metadata,
                        originator),
                DepositStatus.SUCCEEDED,
                call.principal(),
                null,
                Deposits.Source.CLIENT);
        return switch (outcome.kind()) {
            case CREATED -> one(201, outcome.deposit());
            // A deposit a provider reported pending, which the operator says arrived.
            case MOVED -> one(200, outcome.deposit());
            case UNCHANGED -> {
                try (JsonOutput out = new JsonOutput()) {
                    DepositStore.write(out, outcome.deposit());
                    yield Reply.replayed(out);
                }
            }
            case REFUSED ->
                throw new ApiException(
                        409,
                        "invalid_state_transition",
                        "deposit " + id + " is " + outcome.deposit().status().code() + "; it cannot succeed");
        };
    }

    private Reply list(Call call) {
        String account = call.query("account");
        if (account != null && !Limits.isIdentifier(account)) {
            throw ApiException.invalid(List.of(new FieldError("account", FieldError.INVALID_FORMAT, "must be an id")));
        }
        String statusCode = call.query("status");
        DepositStatus status =
                statusCode == null ? null : DepositStatus.byCode().get(statusCode);
        if (statusCode != null && status == null) {
            throw ApiException.invalid(List.of(new FieldError("status", FieldError.INVALID_VALUE, "no such status")));
        }
        return Lists.reply(
                deposits.store()
                        .list(
                                call.path("ledger"),
                                account,
                                status,
                                Cursor.sequence(call.query("cursor"), CURSOR_KIND),
                                call.limit()),
                (out, listed) -> DepositStore.write(out, listed.deposit()),
                last -> Cursor.ofSequence(CURSOR_KIND, last.sequence()));
    }

    private Reply show(Call call) {
        return one(200, deposits.found(call.path("ledger"), call.path("id")));
    }

    private Reply reverse(Call call) {
        String reason = null;
        if (call.body.length > 0) {
            RequestReader reader = new RequestReader();
            reason = call.body(reader, "reason").string("reason", false, Limits.DESCRIPTION_LENGTH_MAX);
            reader.finish();
        }
        return one(200, deposits.reverse(call.path("ledger"), call.path("id"), call.principal(), reason));
    }

    private Reply route(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "connector", "reference", "account");
        String connector = body.string("connector", true, 64);
        String reference = body.string("reference", true, 256);
        String account = body.identifier("account", true);
        reader.finish();
        DepositStore.Route route = new DepositStore.Route(connector, reference, call.path("ledger"), account);
        if (!deposits.store().addRoute(route)) {
            throw new ApiException(
                    409,
                    "deposit_route_exists",
                    "reference '" + reference + "' of " + connector + " is routed already");
        }
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("connector", connector);
            out.string("reference", reference);
            out.string("ledger", route.ledger());
            out.string("account", account);
            out.json.writeEndObject();
            return Reply.json(201, out);
        }
    }

    private static Reply one(int status, Deposit deposit) {
        try (JsonOutput out = new JsonOutput()) {
            DepositStore.write(out, deposit);
            return Reply.json(status, out);
        }
    }
}
