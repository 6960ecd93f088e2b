package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * Custody through the real service on a schema of its own, once with the development file KEK and once
 * with the KEK inside a SoftHSM2 token (PKCS#11), on every test database: wallets made inside, no key
 * material in any custody table, the audit log, an answer or a log line; a ciphertext moved onto another
 * wallet does not open; a rotation moves every wallet onto a new key while they keep signing.
 */
@ParameterizedClass
@MethodSource("cases")
class CustodyTest {
    private static final Path DATA = Path.of("target", "test-data");

    private final Database own;
    private final TestService.Running service;
    private final HttpTester admin;
    private final Wallets wallets;
    private final KeyVault vault;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (TestDatabases.TestDatabase database : TestDatabases.all()) {
            cases.add(Arguments.of(database, "file"));
            cases.add(Arguments.of(database, "pkcs11"));
        }
        return cases.stream();
    }

    CustodyTest(TestDatabases.TestDatabase database, String kek) throws Exception {
        CustodySettings settings = (kek.equals("pkcs11")
                        ? CustodySettings.DEFAULTS.withKek("pkcs11:" + SoftHsm.config(), SoftHsm.PIN)
                        : CustodySettings.DEFAULTS)
                .withRotation(5, Duration.ofMillis(40));
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
        logged.start();
        this.own = TestDatabases.ownSchema(database.database(), "pacioli_custody", 8);
        this.service = TestService.startAsInstalled(
                "custody", own, TestService.options(0, 0).withCustody(settings));
        this.admin = service.admin();
        // The same keys as the service's, in this JVM: to see what no API shows.
        this.vault = new KeyVault(own.dataSource(), Kek.open(settings, DATA));
        this.wallets = new Wallets(own.dataSource(), new WalletStore(own.dataSource(), vault), vault);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        service.service().close();
        TestDatabases.drop(own);
    }

    private JsonNode create(String id, String chain) {
        Response created = admin.post(
                "/v1/custody/wallets", "{\"id\": \"" + id + "\", \"chain\": \"" + chain + "\", \"label\": \"hot\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    /** The wallet's private key as 64 hex digits: read in this JVM through the vault, never from the API. */
    private String privateKeyHex(String id) {
        return wallets.withKey(id, pair -> Numeric.toHexStringNoPrefixZeroPadded(pair.getPrivateKey(), 64));
    }

    @Test
    void walletsAreMadeInsideAndNoKeyMaterialIsStoredAnsweredOrLogged() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "relayer-" + i;
            JsonNode wallet = create(id, "evm:31337");
            String address = wallet.path("address").stringValue();
            assertThat(Keys.toChecksumAddress(address)).isEqualTo(address);
            assertThat(wallet.has("private_key")).isFalse();
            String key = privateKeyHex(id);
            assertThat("0x" + Keys.getAddress(org.web3j.crypto.ECKeyPair.create(Numeric.toBigInt(key))))
                    .isEqualToIgnoringCase(address);
            keys.put(id, key);
            answers.add(wallet.toString());
            answers.add(admin.get("/v1/custody/wallets/" + id).text());
        }
        Response replay = admin.post(
                "/v1/custody/wallets", "{\"id\": \"relayer-0\", \"chain\": \"evm:31337\", \"label\": \"hot\"}");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(admin.post("/v1/custody/wallets", "{\"id\": \"relayer-0\", \"chain\": \"evm:1\"}")
                        .code())
                .isEqualTo("wallet_exists_with_different_fields");
        wallets.signMessage("relayer-1", "hello".getBytes(StandardCharsets.UTF_8), Actor.SYSTEM);
        answers.add(admin.get("/v1/custody/wallets").text());
        answers.add(admin.get("/v1/custody/keys").text());
        answers.add(admin.get("/v1/audit-log?limit=1000").text());

        List<String> stored = storedRows();
        assertThat(stored).anyMatch(row -> row.contains("relayer-0"));
        for (Map.Entry<String, String> key : keys.entrySet()) {
            for (String needle : needles(key.getValue())) {
                assertThat(stored)
                        .as("a custody table or the audit log holds " + key.getKey() + "'s key")
                        .noneMatch(row -> row.toLowerCase().contains(needle));
                assertThat(answers).noneMatch(answer -> answer.toLowerCase().contains(needle));
                assertThat(logged.list)
                        .noneMatch(event ->
                                event.getFormattedMessage().toLowerCase().contains(needle));
            }
        }
    }

    /** The key as hex, and as the hex of its bytes inside a bytea's text (the same, but asserted). */
    static List<String> needles(String privateKeyHex) {
        byte[] bytes = HexFormat.of().parseHex(privateKeyHex);
        return List.of(
                privateKeyHex.toLowerCase(),
                HexFormat.of().formatHex(bytes),
                Base64.getEncoder().encodeToString(bytes).toLowerCase());
    }

    /** Every row of every custody table and of the audit log, as PostgreSQL writes a row as text. */
    private List<String> storedRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = own.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet tables = connection
                        .createStatement()
                        .executeQuery("select table_name from"
                                + " information_schema.tables where table_schema = current_schema() and (table_name like"
                                + " 'custody%' or table_name like 'audit%' or table_name = 'jobs')")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertThat(names).contains("custody_wallets", "custody_keys", "custody_rotations", "audit_log");
            for (String table : names) {
                try (ResultSet all = statement.executeQuery("select t::text from " + table + " t")) {
                    while (all.next()) {
                        rows.add(all.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void aCiphertextMovedOntoAnotherWalletDoesNotOpen() throws Exception {
        create("victim", "evm:31337");
        create("thief", "evm:31337");
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement copy = connection.prepareStatement(
                        "update custody_wallets set (key_id, private_key)"
                                + " = (select key_id, private_key from custody_wallets where id = 'victim') where id = 'thief'")) {
            assertThat(copy.executeUpdate()).isEqualTo(1);
        }
        WalletStore.WithKey thief = wallets.store().sealed("thief").orElseThrow();
        assertThatThrownBy(() -> vault.open(thief.sealed(), thief.wallet().identity()))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> wallets.signMessage("thief", new byte[] {1}, Actor.SYSTEM))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(GeneralSecurityException.class);
        // The victim's own row still opens, and signs as its address.
        assertThat(signer("victim", "still mine")).isEqualToIgnoringCase(address("victim"));
    }

    private String address(String id) {
        return admin.get("/v1/custody/wallets/" + id).json().path("address").stringValue();
    }

    /** Signs a message with the wallet and answers the address that signature recovers to. */
    private String signer(String id, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        Sign.SignatureData signature = wallets.signMessage(id, bytes, Actor.SYSTEM);
        try {
            return "0x" + Keys.getAddress(Sign.signedPrefixedMessageToKey(bytes, signature));
        } catch (java.security.SignatureException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRotationMovesEveryWalletOntoTheNewKeyWhileTheyKeepSigning() {
        int count = 40;
        for (int i = 0; i < count; i++) {
            create("w-" + i, "evm:1");
        }
        String before = admin.get("/v1/custody/keys")
                .json()
                .path("data")
                .get(0)
                .path("id")
                .stringValue();
        Response rotation = admin.post("/v1/custody/keys/rotate", "{}");
        assertThat(rotation.status()).as(rotation.toString()).isEqualTo(202);
        String primary = rotation.json().path("primary_key").stringValue();
        assertThat(primary).isNotEqualTo(before);
        assertThat(rotation.json().path("wallets_total").longValue()).isEqualTo(count);
        assertThat(admin.post("/v1/custody/keys/rotate", "{}").code()).isEqualTo("rotation_in_progress");
        int signedDuring = 0;
        for (int round = 0; !rotationFinished(); round++) {
            String id = "w-" + (round % count);
            assertThat(signer(id, "during " + round)).isEqualToIgnoringCase(address(id));
            signedDuring++;
        }
        assertThat(signedDuring).isPositive();
        JsonNode keys = admin.get("/v1/custody/keys").json();
        assertThat(keys.path("rotation").path("wallets_done").longValue()).isEqualTo(count);
        Map<String, String> states = new LinkedHashMap<>();
        keys.path("data")
                .forEach(key -> states.put(
                        key.path("id").stringValue(), key.path("state").stringValue()));
        assertThat(states).containsEntry(before, "disabled").containsEntry(primary, "primary");
        keys.path("data")
                .forEach(key -> assertThat(key.path("wallets").longValue())
                        .isEqualTo(key.path("id").stringValue().equals(primary) ? count : 0));
        for (int i = 0; i < count; i++) {
            assertThat(signer("w-" + i, "after")).isEqualToIgnoringCase(address("w-" + i));
        }
        String audit = admin.get("/v1/audit-log?limit=1000").text();
        assertThat(audit).contains("custody_key.rotated", "custody_key.rotation_finished", "custody.signed");
    }

    private boolean rotationFinished() {
        return admin.get("/v1/custody/keys")
                .json()
                .path("rotation")
                .path("state")
                .stringValue()
                .equals("finished");
    }

    @Test
    void badInputIsRefusedAndStoresNothing() {
        for (String body : List.of(
                "{\"id\": \"x\", \"chain\": \"btc:1\"}",
                "{\"id\": \"x\", \"chain\": \"evm:0\"}",
                "{\"id\": \"x\", \"chain\": \"evm:\"}",
                "{\"id\": \"-x\", \"chain\": \"evm:1\"}",
                "{\"id\": \"x\", \"chain\": \"evm:1\", \"private_key\": \"0x01\"}",
                "{\"id\": \"x\", \"chain\": \"evm:1\", \"label\": \"" + "l".repeat(201) + "\"}",
                "{\"chain\": \"evm:1\"}")) {
            assertThat(admin.post("/v1/custody/wallets", body).status())
                    .as(body)
                    .isEqualTo(400);
        }
        assertThat(admin.get("/v1/custody/wallets").json().path("data")).isEmpty();
        assertThat(admin.get("/v1/custody/wallets/nope").code()).isEqualTo("wallet_not_found");
        Await.until("nothing", Duration.ofSeconds(1), () -> true);
    }
}
