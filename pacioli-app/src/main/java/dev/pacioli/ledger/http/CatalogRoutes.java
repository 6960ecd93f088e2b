package dev.pacioli.ledger.http;

import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
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
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.Times;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Catalog;
import dev.pacioli.postgres.Database;
import java.util.Comparator;
import java.util.List;

/** Ledgers and assets: what exists outside any one ledger, managed by administrators. */
public final class CatalogRoutes {
    /** The service events of the catalog: the ledger or asset as the API shows it. */
    static final String LEDGER_CREATED_EVENT = "ledger.created";

    static final String ASSET_CREATED_EVENT = "asset.created";

    private static final String LEDGER_CURSOR = "ledgers";
    private static final String ASSET_CURSOR = "assets";

    private final Database database;
    private final Ledgers ledgers;

    public CatalogRoutes(Database database, Ledgers ledgers) {
        this.database = database;
        this.ledgers = ledgers;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/v1/ledgers", Role.ADMIN, this::createLedger),
                Route.list("/v1/ledgers", Role.READER, false, this::listLedgers),
                Route.get("/v1/ledgers/{ledger}", Role.READER, this::getLedger),
                Route.put("/v1/assets/{code}", Role.ADMIN, this::putAsset),
                Route.list("/v1/assets", Role.READER, false, this::listAssets));
    }

    private Reply createLedger(Call call) {
        if (call.key.ledgers() != null) {
            throw new ApiException(403, "forbidden", "only an admin key for every ledger can create ledgers");
        }
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "name", "metadata");
        String name = body.identifier("name", true);
        Metadata metadata = body.metadata("metadata");
        reader.finish();
        Actor actor = Actor.of(call);
        Catalog.LedgerResult result = ledgers.create(name, metadata, (connection, ledger) -> {
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.LEDGER_CREATED,
                                    ledger.name(),
                                    null,
                                    AuditJson.object(
                                            "name", ledger.name(),
                                            "metadata", ledger.metadata().values(),
                                            "created_at", Times.format(ledger.createdAtMicros())))
                            .inLedger(ledger.name()));
            ServiceEvents.append(connection, LEDGER_CREATED_EVENT, ledgerJson(ledger));
        });
        return switch (result.outcome()) {
            case CREATED -> ledgerReply(201, result.ledger(), false);
            case IDENTICAL -> ledgerReply(200, result.ledger(), true);
            case CONFLICT ->
                throw new ApiException(
                        409,
                        "ledger_exists_with_different_fields",
                        "a ledger named '" + name + "' exists with other metadata");
        };
    }

    private Reply listLedgers(Call call) {
        int limit = call.limit();
        String after = Cursor.id(call.query("cursor"), LEDGER_CURSOR);
        List<Ledger> visible = database.catalog().listLedgers().stream()
                .filter(ledger -> call.key.coversLedger(ledger.name()))
                .sorted(Comparator.comparing(Ledger::name))
                .toList();
        return Lists.inMemory(
                visible, Ledger::name, after, limit, Wire::ledger, last -> Cursor.ofId(LEDGER_CURSOR, last.name()));
    }

    private Reply getLedger(Call call) {
        return ledgerReply(200, ledgers.of(call).ledger(), false);
    }

    private static byte[] ledgerJson(Ledger ledger) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.ledger(out, ledger);
            return out.toBytes();
        }
    }

    private static byte[] assetJson(Catalog.StoredAsset stored) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.asset(out, stored.asset(), stored.createdAtMicros());
            return out.toBytes();
        }
    }

    private static Reply ledgerReply(int status, Ledger ledger, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.ledger(out, ledger);
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }

    private Reply putAsset(Call call) {
        String code = call.path("code");
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "scale");
        if (!Limits.isAssetCode(code)) {
            reader.add("code", FieldError.INVALID_FORMAT, "must match ^[A-Z][A-Z0-9_]{0,15}$");
        }
        Long scale = body.integerInRange("scale", 0, Limits.ASSET_SCALE_MAX);
        if (scale == null && !body.has("scale")) {
            reader.add("scale", FieldError.REQUIRED, "is required");
        }
        reader.finish();
        Actor actor = Actor.of(call);
        Catalog.AssetResult result = database.catalog()
                .putAsset(new Asset(code, scale.intValue()), (connection, stored) -> {
                    AuditLog.append(
                            connection,
                            actor,
                            AuditEntry.of(
                                    AuditAction.ASSET_CREATED,
                                    stored.asset().code(),
                                    null,
                                    AuditJson.object(
                                            "code", stored.asset().code(),
                                            "scale", stored.asset().scale(),
                                            "created_at", Times.format(stored.createdAtMicros()))));
                    ServiceEvents.append(connection, ASSET_CREATED_EVENT, assetJson(stored));
                });
        return switch (result.outcome()) {
            case CREATED -> assetReply(201, result.stored(), false);
            case IDENTICAL -> assetReply(200, result.stored(), true);
            case CONFLICT ->
                throw new ApiException(
                        409,
                        "asset_exists_with_different_scale",
                        "asset " + code + " exists with scale "
                                + result.stored().asset().scale());
        };
    }

    private Reply listAssets(Call call) {
        int limit = call.limit();
        String after = assetCursor(call.query("cursor"));
        return Lists.inMemory(
                database.catalog().listAssets(),
                stored -> stored.asset().code(),
                after,
                limit,
                (out, stored) -> Wire.asset(out, stored.asset(), stored.createdAtMicros()),
                last -> Cursor.ofId(ASSET_CURSOR, last.asset().code()));
    }

    private static String assetCursor(String cursor) {
        String after = Cursor.id(cursor, ASSET_CURSOR);
        if (after != null && !Limits.isAssetCode(after)) {
            throw new ApiException(400, "invalid_cursor", "the cursor is not one this list gave out");
        }
        return after;
    }

    private static Reply assetReply(int status, Catalog.StoredAsset stored, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            Wire.asset(out, stored.asset(), stored.createdAtMicros());
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }
}
