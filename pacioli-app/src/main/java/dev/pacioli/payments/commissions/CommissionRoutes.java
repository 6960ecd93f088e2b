package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Database;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Parties and their referrals, commission plans, and applying a plan to an amount (docs/commissions.md).
 * Writers record who referred whom and pay commissions; only admins decide what a plan pays.
 */
public final class CommissionRoutes {
    private static final String PARTIES = "/v1/ledgers/{ledger}/parties/{id}";
    private static final String PLANS = "/v1/ledgers/{ledger}/commission-plans/{id}";

    private final Database database;
    private final CommissionStore store;
    private final CommissionPayments payments;

    public CommissionRoutes(Database database, LedgerPort port) {
        this.database = database;
        this.store = new CommissionStore(database.dataSource());
        this.payments = new CommissionPayments(store, port, database.catalog(), database.reads());
    }

    public List<Route> routes() {
        return List.of(
                Route.put(PARTIES, Role.WRITER, this::putParty),
                Route.get(PARTIES, Role.READER, this::getParty),
                Route.put(PLANS, Role.ADMIN, this::putPlan),
                Route.get(PLANS, Role.READER, this::getPlan),
                Route.post(PLANS + "/apply", Role.WRITER, this::apply));
    }

    // ---- Parties --------------------------------------------------------------------------------

    private Reply putParty(Call call) {
        RequestReader reader = new RequestReader();
        String id = pathIdentifier(call, reader);
        RequestReader.Fields body = call.body(reader, RequestReader.orNull("referrer"));
        String referrer = body.identifier("referrer", false);
        reader.finish();
        return switch (store.putParty(call.path("ledger"), id, referrer)) {
            case CommissionStore.PartyPut.Stored stored -> partyReply(stored.created() ? 201 : 200, stored.party());
            case CommissionStore.PartyPut.Refused refused -> throw refusal(refused.refusal(), id, referrer);
        };
    }

    private static ApiException refusal(CommissionStore.Refusal refusal, String id, String referrer) {
        return switch (refusal) {
            case REFERRER_NOT_FOUND ->
                new ApiException(422, "referrer_not_found", "no party '" + referrer + "' in this ledger");
            case CYCLE ->
                new ApiException(
                        409,
                        "referral_cycle",
                        "party '" + id + "' is '" + referrer + "' or one of its referrers; referrals form no cycle");
            case CHAIN_TOO_LONG ->
                new ApiException(
                        409,
                        "referral_chain_too_long",
                        "the chain of referrers above '" + referrer + "' holds more than "
                                + ReferralCheck.CHAIN_LENGTH_MAX + " parties");
        };
    }

    private Reply getParty(Call call) {
        String id = call.path("id");
        Party party = (Limits.isIdentifier(id) ? store.party(call.path("ledger"), id) : Optional.<Party>empty())
                .orElseThrow(() -> ApiException.notFound("party_not_found", "no party '" + id + "'"));
        return partyReply(200, party);
    }

    private static Reply partyReply(int status, Party party) {
        try (JsonOutput out = new JsonOutput()) {
            CommissionJson.party(out, party);
            return Reply.json(status, out);
        }
    }

    // ---- Plans ----------------------------------------------------------------------------------

    private Reply putPlan(Call call) {
        RequestReader reader = new RequestReader();
        String id = pathIdentifier(call, reader);
        RequestReader.Fields body = call.body(reader, "asset", "levels_bps", "source", "payee_account");
        String asset = body.assetCode("asset");
        List<Integer> levels = levels(body);
        String source = body.identifier("source", true);
        String template = body.string("payee_account", true, CommissionPlan.PAYEE_ACCOUNT_LENGTH_MAX);
        String problem = template == null ? null : CommissionPlan.payeeAccountProblem(template);
        if (problem != null) {
            reader.add("payee_account", FieldError.INVALID_FORMAT, problem);
        }
        reader.finish();
        boolean known = database.catalog().listAssets().stream()
                .anyMatch(stored -> stored.asset().code().equals(asset));
        if (!known) {
            throw Outcomes.failure(
                    ResultCode.ASSET_NOT_FOUND, "no asset '" + asset + "'; create it with PUT /v1/assets/{code}");
        }
        CommissionStore.PlanPut put =
                store.putPlan(call.path("ledger"), new CommissionPlan(id, asset, levels, source, template));
        return planReply(put.created() ? 201 : 200, put.stored());
    }

    /** {@code levels_bps}: 1..10 integers of 0..10000; what is bad is recorded in the reader. */
    private static List<Integer> levels(RequestReader.Fields body) {
        List<JsonNode> items = body.array("levels_bps", true, 1, CommissionPlan.LEVELS_MAX);
        List<Integer> levels = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String field = body.path("levels_bps") + "[" + i + "]";
            if (!item.isIntegralNumber()) {
                body.reader().add(field, FieldError.INVALID_TYPE, "must be an integer of basis points");
            } else if (item.bigIntegerValue().signum() < 0
                    || item.bigIntegerValue().compareTo(BigInteger.valueOf(CommissionPlan.BPS_MAX)) > 0) {
                body.reader().add(field, FieldError.OUT_OF_RANGE, "must be 0 to " + CommissionPlan.BPS_MAX);
            } else {
                levels.add(item.intValue());
            }
        }
        return levels;
    }

    private Reply getPlan(Call call) {
        String id = call.path("id");
        StoredPlan plan = (Limits.isIdentifier(id) ? store.plan(call.path("ledger"), id) : Optional.<StoredPlan>empty())
                .orElseThrow(() -> planNotFound(id));
        return planReply(200, plan);
    }

    private static ApiException planNotFound(String id) {
        return ApiException.notFound("commission_plan_not_found", "no commission plan '" + id + "'");
    }

    private static Reply planReply(int status, StoredPlan plan) {
        try (JsonOutput out = new JsonOutput()) {
            CommissionJson.plan(out, plan);
            return Reply.json(status, out);
        }
    }

    // ---- Apply ----------------------------------------------------------------------------------

    private Reply apply(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "id", "party", "amount");
        String id = body.identifier("id", true);
        String party = body.identifier("party", true);
        long amount = body.amount("amount", true);
        reader.finish();
        String plan = call.path("id");
        if (!Limits.isIdentifier(plan)) {
            throw planNotFound(plan);
        }
        CommissionPayments.Paid paid =
                payments.apply(call.path("ledger"), new CommissionPayments.Request(plan, id, party, amount));
        try (JsonOutput out = new JsonOutput()) {
            CommissionJson.payment(out, paid.transaction());
            return paid.replayed() ? Reply.replayed(out) : Reply.json(201, out);
        }
    }

    /** The path's {@code id} of a resource being put: a 400 when it cannot be an id. */
    private static String pathIdentifier(Call call, RequestReader reader) {
        String id = call.path("id");
        if (id.length() > Limits.IDENTIFIER_LENGTH_MAX) {
            reader.add("id", FieldError.TOO_LONG, "is longer than " + Limits.IDENTIFIER_LENGTH_MAX + " characters");
        } else if (!Limits.isIdentifier(id)) {
            reader.add("id", FieldError.INVALID_FORMAT, "must match ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$");
        }
        return id;
    }
}
