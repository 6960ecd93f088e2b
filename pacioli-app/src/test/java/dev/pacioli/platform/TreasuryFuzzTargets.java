package dev.pacioli.platform;

import dev.pacioli.platform.FuzzTargets.Target;
import dev.pacioli.postgres.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Treasury's valid requests for {@link InputFuzzTest}, on a ledger of their own: a conversion the fuzz
 * accepts is reserved and delivered by the worker, whose events must not land on the fuzz ledger. The
 * buffer moves money within one asset and never needs to (min 0, target 0), so a cycle decides nothing.
 */
final class TreasuryFuzzTargets {
    private final String ledger = TestService.uniqueName("fz-treasury");
    private final String base = "/v1/ledgers/" + ledger;
    private final String fx = TestService.uniqueName("fz-fx").toLowerCase(Locale.ROOT);
    private final String cycle;
    private final String conversion;

    private static final String BUFFER = """
            {"min": 0, "target": 0, "max": 1000000, "critical": null, "top_up_from": "fz:source",
             "sweep_to": "fz:source", "providers": ["fz-none"], "conversion_timeout_seconds": 60}""";

    private final HttpTester admin;
    private final Database database;

    TreasuryFuzzTargets(TestService.Running service) {
        this.admin = service.admin();
        this.database = service.database();
        admin.openLedgerWithWorldAndWallet(ledger);
        int asset = admin.put("/v1/assets/USDC", "{\"scale\": 2}").status();
        if (asset != 200 && asset != 201) {
            throw new AssertionError("could not make USDC: " + asset);
        }
        for (String account : List.of(
                "{\"id\": \"fz:usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                "{\"id\": \"fz:usdc\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}",
                "{\"id\": \"fz:buffer\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                "{\"id\": \"fz:source\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}")) {
            FuzzTargets.created(admin.post(base + "/accounts", account));
        }
        FuzzTargets.created(admin.post("/v1/connectors", """
                {"id": "%s", "kind": "simulator", "assets": {"USD": "providers:%s:USD", "USDC": "providers:%s:USDC"},
                 "config": {"rates": {"USD/USDC": "1.0000"}}}""".formatted(fx, fx, fx)));
        FuzzTargets.created(admin.put(base + "/treasury/buffers/fz:buffer", BUFFER));
        cycle = FuzzTargets.created(admin.post(base + "/treasury/cycles", null))
                .path("id")
                .stringValue();
        conversion = FuzzTargets.created(admin.post(base + "/treasury/conversions", conversionBody("fz-conversion")))
                .path("id")
                .stringValue();
        FuzzTargets.created(
                admin.put(base + "/balance-monitors/fz-monitor", "{\"account\": \"fz:buffer\", \"below\": 0}"));
    }

    /** A conversion in needs_review with a real pending reserve: no route puts one there at once. */
    private String inReview() {
        String id = FuzzTargets.fresh();
        FuzzTargets.created(admin.post(base + "/transactions", """
                {"id": "%s-hold", "postings": [{"from": "fz:usd", "to": "world", "amount": 1, "asset": "USD"}],
                 "pending": true}""".formatted(id)));
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        insert into treasury_conversions (ledger, id, purpose, from_account, to_account, from_asset,
                               to_asset, from_amount, providers, provider, reserve_transaction, status,
                               timeout_seconds, created_by)
                        values (?, ?, 'one_off', 'fz:usd', 'fz:usdc', 'USD', 'USDC', 1, ?, ?, ?, 'needs_review', 60,
                                'fuzz')""")) {
            insert.setString(1, ledger);
            insert.setString(2, id);
            insert.setArray(3, connection.createArrayOf("text", new String[] {fx}));
            insert.setString(4, fx);
            insert.setString(5, id + "-hold");
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private String conversionBody(String id) {
        return "{\"id\": \"" + id + "\", \"from_account\": \"fz:usd\", \"to_account\": \"fz:usdc\", \"from_amount\": 1,"
                + " \"provider\": \"" + fx + "\"}";
    }

    List<Target> all() {
        Map<String, Supplier<String>> onLedger = Map.of("ledger", () -> ledger);
        String buffers = "/v1/ledgers/{ledger}/treasury/buffers";
        String conversions = "/v1/ledgers/{ledger}/treasury/conversions";
        return List.of(
                new Target(
                                "PUT " + buffers + "/{account}",
                                Map.of("ledger", () -> ledger, "account", () -> "fz:buffer"),
                                () -> BUFFER,
                                (admin, answer) -> FuzzTargets.read(admin, base + "/treasury/buffers"))
                        .covering("ledger"),
                new Target("GET " + buffers, onLedger, null, null).covering("ledger"),
                new Target("POST /v1/ledgers/{ledger}/treasury/cycles", onLedger, null, null).covering("ledger"),
                new Target(
                                "GET /v1/ledgers/{ledger}/treasury/cycles/{id}",
                                Map.of("ledger", () -> ledger, "id", () -> cycle),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + conversions,
                                onLedger,
                                () -> conversionBody(FuzzTargets.fresh()),
                                (admin, answer) -> FuzzTargets.read(
                                        admin,
                                        base + "/treasury/conversions/"
                                                + answer.path("id").stringValue()))
                        .covering("ledger"),
                new Target("GET " + conversions, onLedger, null, null).covering("ledger", "limit", "cursor"),
                new Target(
                                "GET " + conversions + "/{id}",
                                Map.of("ledger", () -> ledger, "id", () -> conversion),
                                null,
                                null)
                        .covering("ledger"),
                // A fresh conversion in needs_review for every request, put there in the database.
                new Target(
                                "POST " + conversions + "/{id}/resolve",
                                Map.of("ledger", () -> ledger, "id", this::inReview),
                                () -> "{\"outcome\": \"failed\", \"reason\": \"fuzz\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "PUT /v1/ledgers/{ledger}/balance-monitors/{id}",
                                Map.of("ledger", () -> ledger, "id", FuzzTargets::fresh),
                                () -> "{\"account\": \"fz:buffer\", \"below\": 0, \"on\": \"balance\","
                                        + " \"severity\": \"info\"}",
                                (admin, answer) -> FuzzTargets.read(admin, base + "/balance-monitors"))
                        .covering("ledger"),
                new Target("GET /v1/ledgers/{ledger}/balance-monitors", onLedger, null, null).covering("ledger"));
    }
}
