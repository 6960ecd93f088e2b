package dev.pacioli.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Conversions pass the controls as payouts do, on a fresh installation of their own (it starts dry;
 * the shared service's mode is never touched): in dry mode a conversion stays pending with {@code
 * hold_reason} dry_mode and nothing reserved or sent; under the emergency stop likewise; once live it
 * goes on by itself and completes.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ConversionControlsTest {
    private final TestDatabases.TestDatabase shared;

    ConversionControlsTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    @Test
    void dryModeAndTheEmergencyStopHoldAConversionPendingUntilLive() {
        Database own = TestDatabases.ownSchema(shared.database(), "pacioli_treasury_controls", 8);
        TestService.Running running = TestService.startAsInstalled("treasury-controls", own, TestService.options(0, 0));
        try {
            HttpTester admin = running.admin();
            String ledger = TestService.uniqueName("held");
            String base = admin.openLedgerWithWorldAndWallet(ledger);
            assertThat(admin.put("/v1/assets/USDC", "{\"scale\": 2}").status()).isIn(200, 201);
            for (String account : List.of(
                    "{\"id\": \"usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}",
                    "{\"id\": \"usdc\", \"asset\": \"USDC\", \"normal_balance\": \"debit\"}")) {
                assertThat(admin.post(base + "/accounts", account).status()).isEqualTo(201);
            }
            assertThat(admin.post("/v1/connectors", """
                            {"id": "fx", "kind": "simulator", "assets": {"USD": "providers:fx:USD",
                             "USDC": "providers:fx:USDC"}, "config": {"rates": {"USD/USDC": "1.0000"}}}""").status()).isEqualTo(201);
            String body = """
                    {"id": "%s", "from_account": "usd", "to_account": "usdc", "from_amount": 500, "provider": "fx"}""";
            assertThat(admin.post(base + "/treasury/conversions", body.formatted("fx-dry"))
                            .status())
                    .isEqualTo(201);
            Await.until(
                    "held by dry mode",
                    Duration.ofSeconds(30),
                    () -> "dry_mode"
                            .equals(conversion(admin, base, "fx-dry")
                                    .path("hold_reason")
                                    .stringValue(null)));
            JsonNode held = conversion(admin, base, "fx-dry");
            assertThat(held.path("status").stringValue()).isEqualTo("pending");
            assertThat(held.path("reserve_transaction").isNull()).isTrue();
            assertThat(admin.get(base + "/transactions/conversion:fx-dry:reserve")
                            .status())
                    .isEqualTo(404);

            assertThat(admin.put("/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"test\"}")
                            .status())
                    .isEqualTo(200);
            Await.until(
                    "completed once live",
                    Duration.ofSeconds(30),
                    () -> "completed"
                            .equals(conversion(admin, base, "fx-dry")
                                    .path("status")
                                    .stringValue()));
            assertThat(conversion(admin, base, "fx-dry").path("hold_reason").isNull())
                    .isTrue();
        } finally {
            running.service().close();
            TestDatabases.drop(own);
        }
    }

    private static JsonNode conversion(HttpTester admin, String base, String id) {
        return admin.get(base + "/treasury/conversions/" + id).json();
    }
}
