package dev.pacioli.ledger.http;

import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
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
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Page;
import dev.pacioli.postgres.PostgresLedgerStore;
import dev.pacioli.postgres.TransactionFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Transactions: create (one, batch, dry run), read, list, post, void, reverse. */
public final class TransactionRoutes {
    private static final String BASE = "/v1/ledgers/{ledger}/transactions";
    private static final String CURSOR_KIND = "transactions";
    private static final Map<String, TransactionStatus> STATUSES = Map.of(
            "pending", TransactionStatus.PENDING,
            "posted", TransactionStatus.POSTED,
            "voided", TransactionStatus.VOIDED,
            "expired", TransactionStatus.EXPIRED);
    private static final String[] TRANSACTION_FIELDS = {
        "id",
        "postings",
        "pending",
        RequestReader.orNull("timeout_seconds"),
        "metadata",
        RequestReader.orNull("description")
    };

    private final Database database;
    private final Ledgers ledgers;
    private final LedgerPort port;
    private final LedgerMetrics metrics;

    public TransactionRoutes(Database database, Ledgers ledgers, LedgerPort port, LedgerMetrics metrics) {
        this.port = port;
        this.database = database;
        this.ledgers = ledgers;
        this.metrics = metrics;
    }

    public List<Route> routes() {
        return List.of(
                Route.post(BASE, Role.WRITER, this::create, "dry_run"),
                Route.post(BASE + "/batch", Role.WRITER, this::batch, "dry_run")
                        .withBodyBytesMax(Route.BATCH_BODY_BYTES_MAX),
                Route.get(BASE + "/{id}", Role.READER, this::get),
                Route.list(BASE, Role.READER, true, this::list, "account", "status"),
                Route.post(BASE + "/{id}/post", Role.OPERATOR, this::post),
                Route.post(BASE + "/{id}/void", Role.OPERATOR, this::voidPending),
                Route.post(BASE + "/{id}/reverse", Role.OPERATOR, this::reverse));
    }

    private Reply create(Call call) {
        boolean dryRun = call.flag("dry_run");
        RequestReader reader = new RequestReader();
        TransactionSpec spec = read(call.body(reader, TRANSACTION_FIELDS));
        reader.finish();
        String ledger = call.path("ledger");
        TransactionResult result = dryRun
                ? Engines.await(port.submitBatch(ledger, List.of(spec), false, true))
                        .getFirst()
                : Engines.await(port.submit(ledger, spec));
        record(call, result.code());
        return reply(result, dryRun);
    }

    private Reply batch(Call call) {
        boolean dryRun = call.flag("dry_run");
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "atomic", "transactions");
        boolean atomic = body.flag("atomic", false);
        List<JsonNode> items = body.array("transactions", true, 1, Limits.TRANSACTIONS_PER_BATCH_MAX);
        List<TransactionSpec> specs = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item = body.item("transactions", i, items.get(i), TRANSACTION_FIELDS);
            specs.add(item == null ? null : read(item));
        }
        reader.finish();
        List<TransactionResult> results = Engines.await(port.submitBatch(call.path("ledger"), specs, atomic, dryRun));
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("results");
            out.json.writeStartArray();
            for (int i = 0; i < results.size(); i++) {
                batchItem(out, i, results.get(i), dryRun);
                record(call, results.get(i).code());
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private static void batchItem(JsonOutput out, int index, TransactionResult result, boolean dryRun) {
        ResultCode code = result.code();
        out.json.writeStartObject();
        out.number("index", index);
        if (code == ResultCode.CREATED || code == ResultCode.EXISTS) {
            out.string("status", code == ResultCode.CREATED ? "created" : "exists");
            out.json.writeName("transaction");
            Wire.transaction(out, result.transaction(), dryRun && code == ResultCode.CREATED);
        } else {
            out.string("status", "failed");
            out.string("code", code.code());
            if (result.breach() != null) {
                out.string("limit_id", result.breach().limitId());
                out.string("account", result.breach().accountId());
                out.number("remaining", result.breach().remaining());
            }
        }
        out.json.writeEndObject();
    }

    /** One transaction request; null when a field is bad (the reader has recorded why). */
    private static TransactionSpec read(RequestReader.Fields fields) {
        String id = fields.identifier("id", true);
        List<JsonNode> items = fields.array("postings", true, 1, Limits.POSTINGS_PER_TRANSACTION_MAX);
        List<Posting> postings = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields posting = fields.item("postings", i, items.get(i), "from", "to", "amount", "asset");
            if (posting == null) {
                continue;
            }
            String from = posting.identifier("from", true);
            String to = posting.identifier("to", true);
            long amount = posting.amount("amount", true);
            String asset = posting.assetCode("asset");
            if (from != null && to != null && amount > 0 && asset != null) {
                postings.add(new Posting(from, to, amount, asset));
            }
        }
        boolean pending = fields.flag("pending", false);
        Long timeoutSeconds = fields.integerInRange("timeout_seconds", 1, Limits.PENDING_TIMEOUT_SECONDS_MAX);
        if (timeoutSeconds != null && !pending) {
            fields.reader()
                    .add(
                            fields.path("timeout_seconds"),
                            FieldError.INVALID_VALUE,
                            "applies only to pending transactions");
        }
        Metadata metadata = fields.metadata("metadata");
        String description = fields.string("description", false, Limits.DESCRIPTION_LENGTH_MAX);
        if (fields.reader().hasErrors() || id == null || postings.size() != items.size()) {
            return null;
        }
        return new TransactionSpec(id, postings, pending, timeoutSeconds, metadata, description);
    }

    private Reply get(Call call) {
        String id = call.path("id");
        return database.reads()
                .transaction(ledgers.of(call).ledger().id(), id)
                .map(transaction -> transactionReply(200, transaction))
                .orElseThrow(() -> ApiException.notFound("transaction_not_found", "no transaction '" + id + "'"));
    }

    private Reply list(Call call) {
        RequestReader reader = new RequestReader();
        String account = call.query("account");
        if (account != null && !Limits.isIdentifier(account)) {
            reader.add("account", FieldError.INVALID_FORMAT, "must be an account id");
        }
        String statusName = call.query("status");
        TransactionStatus status = statusName == null ? null : STATUSES.get(statusName);
        if (statusName != null && status == null) {
            reader.add("status", FieldError.INVALID_VALUE, "must be pending, posted, voided or expired");
        }
        int limit = call.limit();
        Map<String, String> metadata = call.metadataFilters();
        reader.finish();
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        Page<Transaction> page = database.reads()
                .transactions(
                        ledgers.of(call).ledger().id(),
                        new TransactionFilter(account, status, metadata),
                        before,
                        limit);
        return Lists.reply(
                page,
                (out, transaction) -> Wire.transaction(out, transaction, false),
                last -> Cursor.ofSequence(CURSOR_KIND, last.sequence()));
    }

    private Reply post(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "amount");
        Long amount = body.has("amount") ? body.amount("amount", true) : null;
        reader.finish();
        return resolved(call, Engines.await(port.post(call.path("ledger"), call.path("id"), amount)));
    }

    private Reply voidPending(Call call) {
        RequestReader reader = new RequestReader();
        call.body(reader);
        reader.finish();
        return resolved(call, Engines.await(port.voidPending(call.path("ledger"), call.path("id"))));
    }

    private Reply reverse(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "id", "metadata", RequestReader.orNull("description"), "force");
        String reversalId = body.identifier("id", true);
        Metadata metadata = body.metadata("metadata");
        String description = body.string("description", false, Limits.DESCRIPTION_LENGTH_MAX);
        boolean force = body.flag("force", false);
        reader.finish();
        String originalId = call.path("id");
        CommitAttachment audit = force ? forcedReversalRecord(call, originalId, reversalId, description) : null;
        TransactionResult result = Engines.await(port.reverse(
                call.path("ledger"),
                new LedgerPort.Reversal(originalId, reversalId, metadata, description, force, audit)));
        record(call, result.code());
        return reply(result, false);
    }

    /**
     * A forced reversal's audit record, committed by the writer in the reversal's own database
     * transaction, and only if the reversal is made (not when refused, nor on a replay).
     */
    private static PostgresLedgerStore.CommitRows forcedReversalRecord(
            Call call, String originalId, String reversalId, String description) {
        Actor actor = Actor.of(call);
        String ledger = call.path("ledger");
        AuditEntry entry = AuditEntry.of(
                        AuditAction.TRANSACTION_FORCE_REVERSED,
                        originalId,
                        AuditJson.object("id", originalId, "reversed_by", null),
                        AuditJson.object("id", originalId, "reversed_by", reversalId, "force", true))
                .inLedger(ledger)
                .because(description);
        return connection -> AuditLog.append(connection, actor, entry);
    }

    /** A post or void: 200 with the transaction as it now stands, or the failure. */
    private static Reply resolved(Call call, TransactionResult result) {
        if (!result.code().succeeded()) {
            throw Outcomes.failure(result.code(), Outcomes.describe(result.code()));
        }
        return transactionReply(200, result.transaction());
    }

    private static Reply reply(TransactionResult result, boolean dryRun) {
        ResultCode code = result.code();
        if (!code.succeeded()) {
            throw Outcomes.failure(result);
        }
        try (JsonOutput out = new JsonOutput()) {
            Wire.transaction(out, result.transaction(), dryRun && code == ResultCode.CREATED);
            if (code == ResultCode.EXISTS) {
                return Reply.replayed(out);
            }
            return Reply.json(dryRun ? 200 : 201, out);
        }
    }

    private static Reply transactionReply(int status, Transaction transaction) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.transaction(out, transaction, false);
            return Reply.json(status, out);
        }
    }

    private void record(Call call, ResultCode code) {
        metrics.transaction(ledgers.of(call).ledger().name(), code);
    }
}
