package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Flag;
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
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.postgres.Page;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Payouts over HTTP (payments.md, Payouts and Approvals): create, list, show, history, and the changes
 * people make — approve and reject (approver flag), cancel (operator, or the creator before it is
 * processing), release (operator; compliance flag for a screening hold), resolve (operator).
 */
public final class PayoutRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/payouts";
    private static final String CURSOR_KIND = "payouts";
    private static final int REASON_LENGTH_MAX = 1_024;
    private static final int RELEASE_IDS_MAX = 1_000;

    private final Payouts payouts;

    public PayoutRoutes(Payouts payouts) {
        this.payouts = payouts;
    }

    public List<Route> routes() {
        return List.of(
                Route.post(BASE, Role.WRITER, this::create),
                Route.list(BASE, Role.READER, true, this::list, "status", "source", "connector"),
                Route.get(BASE + "/{id}", Role.READER, this::show),
                Route.get(BASE + "/{id}/history", Role.READER, this::history),
                Route.post(BASE + "/{id}/approve", Role.READER, this::approve).requiring(Flag.APPROVER),
                Route.post(BASE + "/{id}/reject", Role.READER, this::reject).requiring(Flag.APPROVER),
                Route.post(BASE + "/{id}/cancel", Role.WRITER, this::cancel),
                Route.post(BASE + "/{id}/release", Role.OPERATOR, this::release),
                Route.post(BASE + "/release", Role.OPERATOR, this::releaseMany),
                Route.post(BASE + "/{id}/resolve", Role.OPERATOR, this::resolve),
                Route.put("/v1/ledgers/{ledger}/approval-policy", Role.ADMIN, this::putPolicy),
                Route.get("/v1/ledgers/{ledger}/approval-policy", Role.READER, this::policy));
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, PayoutRequest.FIELDS.toArray(String[]::new));
        PayoutRequest request = PayoutRequest.read(call.path("ledger"), body);
        reader.finish();
        Payouts.Created created = payouts.create(request, call.principal());
        return created.status() == 200 ? replayed(created.payout()) : one(201, created.payout());
    }

    private Reply list(Call call) {
        String statusCode = call.query("status");
        PayoutStatus status = null;
        if (statusCode != null) {
            status = PayoutStatus.byCode().get(statusCode);
            if (status == null) {
                throw ApiException.invalid(
                        List.of(new FieldError("status", FieldError.INVALID_VALUE, "no such status")));
            }
        }
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        Page<PayoutStore.Listed> page = payouts.store()
                .list(
                        call.path("ledger"),
                        status,
                        identifier(call, "source"),
                        identifier(call, "connector"),
                        call.metadataFilters(),
                        before,
                        call.limit());
        return Lists.reply(
                page,
                (out, listed) -> PayoutJson.write(out, listed.payout()),
                last -> Cursor.ofSequence(CURSOR_KIND, last.sequence()));
    }

    private static String identifier(Call call, String name) {
        String value = call.query(name);
        if (value != null && !Limits.isIdentifier(value)) {
            throw ApiException.invalid(List.of(new FieldError(name, FieldError.INVALID_FORMAT, "must be an id")));
        }
        return value;
    }

    private Reply show(Call call) {
        return one(200, found(call));
    }

    private Payout found(Call call) {
        String id = call.path("id");
        return payouts.store().find(call.path("ledger"), id).orElseThrow(() -> Payouts.notFound(id));
    }

    private Reply history(Call call) {
        Payout payout = found(call);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("data");
            out.json.writeStartArray();
            for (PayoutStore.HistoryEntry entry : payouts.store().history(payout.ledger(), payout.id())) {
                out.json.writeStartObject();
                out.number("sequence", entry.sequence());
                out.time("at", entry.atMicros());
                out.string("kind", entry.kind());
                out.string("from", entry.from() == null ? null : entry.from().code());
                out.string("to", entry.to() == null ? null : entry.to().code());
                out.string("principal", entry.principal());
                out.json.writeName("detail");
                if (entry.detail() == null) {
                    out.json.writeNull();
                } else {
                    out.json.writeRawValue(entry.detail());
                }
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply approve(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "payload_hash");
        String hash = body.string("payload_hash", true, 64);
        reader.finish();
        return one(200, payouts.approve(call.path("ledger"), call.path("id"), Actor.of(call), hash));
    }

    private Reply reject(Call call) {
        String reason = reason(call, true);
        return one(
                200,
                payouts.change(
                        call.path("ledger"),
                        call.path("id"),
                        PayoutStatus.REJECTED,
                        PayoutStore.Guard.NONE,
                        PayoutStore.Change.failure(reason),
                        new PayoutStore.Audit(Actor.of(call), AuditAction.PAYOUT_REJECTED, reason)));
    }

    /** Operators cancel any payout the table allows; a writer only one it created itself. */
    private Reply cancel(Call call) {
        String reason = reason(call, false);
        boolean operator = call.key.role().includes(Role.OPERATOR);
        String principal = call.principal();
        return one(
                200,
                payouts.change(
                        call.path("ledger"),
                        call.path("id"),
                        PayoutStatus.CANCELED,
                        current -> operator || current.createdBy().equals(principal) ? null : "not_creator",
                        PayoutStore.Change.failure(reason),
                        new PayoutStore.Audit(Actor.of(call), AuditAction.PAYOUT_CANCELED, reason)));
    }

    private Reply release(Call call) {
        String reason = reason(call, false);
        return one(
                200,
                payouts.release(
                        call.path("ledger"),
                        call.path("id"),
                        null,
                        call.key.hasFlag(Flag.COMPLIANCE),
                        new PayoutStore.Audit(Actor.of(call), AuditAction.PAYOUT_RELEASED, reason)));
    }

    /**
     * Releases many payouts held for one reason (after going live, or lifting a stop): each is released
     * or refused on its own, and the answer says which.
     */
    private Reply releaseMany(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "hold_reason", "ids", "reason");
        String holdReason = body.choice(
                "hold_reason",
                Map.of(
                        "dry_mode", "dry_mode",
                        "emergency_stop", "emergency_stop",
                        "reconciliation", "reconciliation",
                        "screening", "screening"),
                null);
        List<String> ids = new ArrayList<>();
        List<tools.jackson.databind.JsonNode> items = body.array("ids", true, 1, RELEASE_IDS_MAX);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isString() || items.get(i).stringValue().length() > PayoutRequest.ID_LENGTH_MAX) {
                reader.add("ids[" + i + "]", FieldError.INVALID_VALUE, "must be a payout id (a string)");
            } else {
                ids.add(items.get(i).stringValue());
            }
        }
        String reason = body.string("reason", false, REASON_LENGTH_MAX);
        reader.finish();
        PayoutStore.Audit audit = new PayoutStore.Audit(Actor.of(call), AuditAction.PAYOUT_RELEASED, reason);
        boolean compliance = call.key.hasFlag(Flag.COMPLIANCE);
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("released");
            out.json.writeStartArray();
            List<Map<String, String>> refused = new ArrayList<>();
            for (String id : new LinkedHashSet<>(ids)) {
                try {
                    PayoutJson.write(out, payouts.release(call.path("ledger"), id, holdReason, compliance, audit));
                } catch (ApiException e) {
                    refused.add(Map.of("id", id, "code", e.code, "detail", e.getMessage()));
                }
            }
            out.json.writeEndArray();
            out.json.writeName("refused");
            out.json.writeStartArray();
            for (Map<String, String> one : refused) {
                out.json.writeStartObject();
                out.string("id", one.get("id"));
                out.string("code", one.get("code"));
                out.string("detail", one.get("detail"));
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply resolve(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "outcome", "reason");
        PayoutStatus outcome =
                body.choice("outcome", Map.of("paid", PayoutStatus.PAID, "failed", PayoutStatus.FAILED), null);
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        return one(
                200,
                payouts.change(
                        call.path("ledger"),
                        call.path("id"),
                        outcome,
                        current -> current.status() == PayoutStatus.NEEDS_REVIEW
                                ? null
                                : PayoutStore.INVALID_STATE_TRANSITION,
                        outcome == PayoutStatus.FAILED ? PayoutStore.Change.failure(reason) : PayoutStore.Change.NONE,
                        new PayoutStore.Audit(Actor.of(call), AuditAction.PAYOUT_RESOLVED, reason)));
    }

    /** The body's {@code reason}; an empty body is no reason. */
    private static String reason(Call call, boolean required) {
        if (call.body.length == 0 && !required) {
            return null;
        }
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "reason");
        String reason = body.string("reason", required, REASON_LENGTH_MAX);
        reader.finish();
        return reason;
    }

    private Reply putPolicy(Call call) {
        ApprovalPolicy policy = PolicyJson.read(call);
        payouts.policies().put(call.path("ledger"), policy, Actor.of(call));
        return new Reply(200, "application/json", PolicyStore.json(policy).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Reply policy(Call call) {
        ApprovalPolicy policy = payouts.policies().get(call.path("ledger"));
        return new Reply(200, "application/json", PolicyStore.json(policy).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An identical creation again: 200 with the payout and {@code Idempotent-Replayed: true}. */
    public static Reply replayed(Payout payout) {
        try (JsonOutput out = new JsonOutput()) {
            PayoutJson.write(out, payout);
            return Reply.replayed(out);
        }
    }

    private static Reply one(int status, Payout payout) {
        try (JsonOutput out = new JsonOutput()) {
            PayoutJson.write(out, payout);
            return Reply.json(status, out);
        }
    }
}
