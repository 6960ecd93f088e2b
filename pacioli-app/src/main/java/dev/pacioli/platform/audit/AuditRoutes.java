package dev.pacioli.platform.audit;

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
import dev.pacioli.platform.Times;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log over HTTP: list (filtered, newest first) and verify. Both for admins, or any role with
 * the {@code compliance} flag. A key scoped to ledgers lists only the records of its ledgers.
 */
final class AuditRoutes {
    private static final String CURSOR_KIND = "audit-log";

    private final AuditLog log;

    AuditRoutes(AuditLog log) {
        this.log = log;
    }

    List<Route> routes() {
        return List.of(
                Route.list(
                                "/v1/audit-log",
                                Role.READER,
                                false,
                                this::list,
                                "principal",
                                "action",
                                "object_id",
                                "ledger",
                                "from",
                                "to")
                        .requiring(Flag.COMPLIANCE)
                        .waivingFlagsFor(Role.ADMIN),
                Route.post("/v1/audit-log/verify", Role.READER, this::verify)
                        .requiring(Flag.COMPLIANCE)
                        .waivingFlagsFor(Role.ADMIN));
    }

    private Reply list(Call call) {
        List<FieldError> errors = new ArrayList<>();
        String principal = text(call, "principal", errors);
        String action = call.query("action");
        if (action != null && AuditAction.ofCode(action) == null) {
            errors.add(new FieldError("action", FieldError.INVALID_VALUE, "is not an action of the audit log"));
        }
        String objectId = text(call, "object_id", errors);
        String ledger = call.query("ledger");
        if (ledger != null && !Limits.isIdentifier(ledger)) {
            errors.add(new FieldError("ledger", FieldError.INVALID_FORMAT, "must be a ledger name"));
        }
        Long from = time(call, "from", errors);
        Long to = time(call, "to", errors);
        int limit = call.limit();
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        AuditLog.Filter filter = new AuditLog.Filter(principal, action, objectId, ledger, from, to, call.key.ledgers());
        Page<AuditRecord> page = log.list(filter, before, limit);
        return Lists.reply(page, AuditRoutes::write, record -> Cursor.ofSequence(CURSOR_KIND, record.sequence()));
    }

    /** A text filter: 1 to 256 characters (principals are at most that; ids far less). */
    private static String text(Call call, String name, List<FieldError> errors) {
        String value = call.query(name);
        if (value != null && (value.isEmpty() || value.length() > 256)) {
            errors.add(new FieldError(name, FieldError.INVALID_VALUE, "must be 1 to 256 characters"));
            return null;
        }
        return value;
    }

    private static Long time(Call call, String name, List<FieldError> errors) {
        String value = call.query(name);
        if (value == null) {
            return null;
        }
        Long micros = Times.parseMicros(value);
        if (micros == null) {
            errors.add(new FieldError(
                    name, FieldError.INVALID_FORMAT, "must be an RFC 3339 time, e.g. 2026-11-23T12:00:00Z"));
        }
        return micros;
    }

    private Reply verify(Call call) {
        // The body is empty or {}: verify takes no options.
        call.body(new RequestReader()).reader().finish();
        AuditLog.VerifyResult result = log.verify();
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeBooleanProperty("ok", result.ok());
            out.json.writeName("checked");
            out.json.writeStartObject();
            out.number("records", result.checked());
            out.json.writeEndObject();
            out.json.writeName("failures");
            out.json.writeStartArray();
            for (AuditLog.Failure failure : result.failures()) {
                out.json.writeStartObject();
                out.number("sequence", failure.sequence());
                out.string("problem", failure.problem());
                out.string("detail", failure.detail());
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    static void write(JsonOutput out, AuditRecord record) {
        out.json.writeStartObject();
        out.string("id", record.id());
        out.number("sequence", record.sequence());
        out.time("at", record.atMicros());
        out.string("principal", record.principal());
        out.string("key_id", record.keyId());
        out.string("action", record.action());
        out.string("object_type", record.objectType());
        out.string("object_id", record.objectId());
        out.string("ledger", record.ledger());
        out.string("request_id", record.requestId());
        out.string("source_ip", record.sourceIp());
        out.string("reason", record.reason());
        json(out, "before", record.before());
        json(out, "after", record.after());
        out.string("hash", HexFormat.of().formatHex(record.hash()));
        out.json.writeEndObject();
    }

    /** Before and after are stored as the JSON text that was hashed; sent as the objects they are. */
    private static void json(JsonOutput out, String name, String value) {
        out.json.writeName(name);
        if (value == null) {
            out.json.writeNull();
        } else {
            out.json.writeRawValue(value);
        }
    }
}
