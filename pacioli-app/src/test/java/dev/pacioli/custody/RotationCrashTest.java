package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildService;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * {@code pacioli serve} in a child JVM holds 1,000 wallets and rotates its data keys; it is SIGKILLed
 * while the rotation's job is halfway, and started again on the same data. The rotation then finishes
 * by itself, the old key is disabled, and every wallet opens under the new key and signs as its
 * address. The child's whole log (INFO and up, as in production) holds none of the 1,000 keys.
 */
@Execution(value = ExecutionMode.CONCURRENT, reason = "a child serve on data of its own; mostly waits on it")
class RotationCrashTest {
    private static final String ADMIN_KEY = "pacioli_rotation_crash_admin_0123456789abcdef";
    private static final int WALLETS = 1_000;
    private static final Duration WAIT_MAX = Duration.ofSeconds(120);
    // 20 wallets a batch, 40 ms apart: 50 batches, about two seconds of rotation to kill it in.
    private static final Map<String, String> SETTINGS =
            Map.of("PACIOLI_CUSTODY_ROTATION_BATCH", "20", "PACIOLI_CUSTODY_ROTATION_PAUSE", "40");

    @Test
    void killedHalfwayTheRotationFinishesAfterTheRestartAndEveryWalletSigns() throws Exception {
        try (ChildService service = ChildService.start("rotation-crash", ADMIN_KEY, SETTINGS)) {
            HttpTester admin = service.admin();
            Map<String, String> addresses = createWallets(admin);
            String oldKey = admin.get("/v1/custody/keys")
                    .json()
                    .path("data")
                    .get(0)
                    .path("id")
                    .stringValue();
            JsonNode rotation = admin.post("/v1/custody/keys/rotate", "{}").json();
            String newKey = rotation.path("primary_key").stringValue();
            assertThat(rotation.path("wallets_total").longValue()).isEqualTo(WALLETS);
            Await.until("the rotation is halfway", WAIT_MAX, () -> done(admin) >= WALLETS / 2);
            service.killAndRestart();
            JsonNode afterRestart = admin.get("/v1/custody/keys").json().path("rotation");
            assertThat(afterRestart.path("wallets_done").longValue())
                    .as("killed halfway: %s", afterRestart)
                    .isLessThan(WALLETS);
            Await.until(
                    "the rotation finished after the restart",
                    WAIT_MAX,
                    () -> admin.get("/v1/custody/keys")
                            .json()
                            .path("rotation")
                            .path("state")
                            .stringValue()
                            .equals("finished"));
            JsonNode keys = admin.get("/v1/custody/keys").json();
            assertThat(keys.path("rotation").path("wallets_done").longValue()).isEqualTo(WALLETS);
            for (JsonNode key : keys.path("data")) {
                String id = key.path("id").stringValue();
                assertThat(key.path("state").stringValue())
                        .as(id)
                        .isEqualTo(id.equals(newKey) ? "primary" : "disabled");
                assertThat(key.path("wallets").longValue()).as(id).isEqualTo(id.equals(newKey) ? WALLETS : 0);
            }
            assertThat(keys.path("data").toString()).contains(oldKey);
            service.stop();
            everyWalletSignsAndNoKeyIsLogged(service, addresses, newKey);
        }
    }

    private static long done(HttpTester admin) {
        return admin.get("/v1/custody/keys")
                .json()
                .path("rotation")
                .path("wallets_done")
                .longValue();
    }

    /** 1,000 wallets over 8 connections; answers each one's address. */
    private static Map<String, String> createWallets(HttpTester admin) throws Exception {
        Map<String, String> addresses = new HashMap<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < WALLETS; i++) {
                String id = "hot-" + i;
                answers.add(threads.submit(() -> {
                    var created = admin.post("/v1/custody/wallets", "{\"id\": \"" + id + "\", \"chain\": \"evm:1\"}");
                    assertThat(created.status()).as(created.toString()).isEqualTo(201);
                    return created.json();
                }));
            }
            for (Future<JsonNode> answer : answers) {
                JsonNode wallet = answer.get();
                addresses.put(
                        wallet.path("id").stringValue(), wallet.path("address").stringValue());
            }
        }
        return addresses;
    }

    /** On the child's database with its KEK file, in this JVM: every wallet opens and signs as its address. */
    private static void everyWalletSignsAndNoKeyIsLogged(
            ChildService service, Map<String, String> addresses, String newKey) throws Exception {
        String logged = Files.readString(service.log(), StandardCharsets.UTF_8).toLowerCase();
        try (Database database = service.databaseUrl() == null
                ? Database.embedded(service.dataDirectory(), 4)
                : Database.connect(DatabaseUrl.parse(service.databaseUrl()), Database.DEFAULT_SCHEMA, 4)) {
            KeyVault vault =
                    new KeyVault(database.dataSource(), Kek.open(CustodySettings.DEFAULTS, service.dataDirectory()));
            Wallets wallets = new Wallets(database.dataSource(), new WalletStore(database.dataSource(), vault), vault);
            byte[] message = "after the rotation".getBytes(StandardCharsets.UTF_8);
            for (Map.Entry<String, String> wallet : addresses.entrySet()) {
                assertThat(wallets.store().find(wallet.getKey()).orElseThrow().keyId())
                        .isEqualTo(newKey);
                Sign.SignatureData signature = wallets.signMessage(wallet.getKey(), message, Actor.SYSTEM);
                String signer = "0x" + Keys.getAddress(Sign.signedPrefixedMessageToKey(message, signature));
                assertThat(signer).as(wallet.getKey()).isEqualToIgnoringCase(wallet.getValue());
                String privateKey = wallets.withKey(
                        wallet.getKey(), pair -> Numeric.toHexStringNoPrefixZeroPadded(pair.getPrivateKey(), 64));
                for (String needle : CustodyTest.needles(privateKey)) {
                    assertThat(logged)
                            .as("the child's log holds %s's key", wallet.getKey())
                            .doesNotContain(needle);
                }
            }
        }
    }
}
