package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Keys;
import tools.jackson.databind.JsonNode;

/**
 * Chain transactions through two service instances on one database, against a real EVM node (anvil,
 * started and stopped here): nonces allocated once each and mined in order, idempotency, the monitor's
 * replacements, rebroadcasts and gas spikes with mining switched off, a refusal filled, dry mode and
 * the emergency stop holding everything unsigned, nonce repair, ledger postings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainTransactionsTest {
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Database own;
    private final Anvil anvil;
    private final TestService.Running first;
    private final TestService.Running second;
    private final HttpTester admin;
    private boolean secondClosed;

    /** On the external PostgreSQL when one is configured (the last test database), else the embedded one. */
    ChainTransactionsTest() throws Exception {
        own = TestDatabases.ownSchema(TestDatabases.all().getLast().database(), "pacioli_custody_chain", 24);
        anvil = Anvil.start();
        CustodySettings settings = CustodySettings.DEFAULTS.withChain(
                new ChainSettings(Duration.ofMillis(150), Duration.ofMillis(1_500), 3, Duration.ofMillis(50)));
        first = TestService.startAsInstalled(
                "custody-chain-a", own, TestService.options(0, 0).withCustody(settings));
        second = TestService.startAsInstalled(
                "custody-chain-b", own, TestService.options(0, 0).withCustody(settings));
        admin = first.admin();
        admin.goLive();
        Response connector = admin.post(
                "/v1/connectors",
                "{\"id\": \"anvil\", \"kind\": \"evm_rpc\", \"config\": {\"urls\": [\"http://127.0.0.1:1\", \""
                        + anvil.url() + "\"], \"chain_id\": 31337, \"confirmations\": 1}}");
        assertThat(connector.status()).as(connector.toString()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (!secondClosed) {
            second.service().close();
        }
        first.service().close();
        anvil.close();
        TestDatabases.drop(own);
    }

    /** A wallet funded with 1,000 ether on the node. */
    private String wallet(String id) throws Exception {
        Response created = admin.post("/v1/custody/wallets", "{\"id\": \"" + id + "\", \"chain\": \"evm:31337\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String address = created.json().path("address").stringValue();
        anvil.call(
                "anvil_setBalance",
                address,
                "0x" + ETHER.multiply(BigInteger.valueOf(1_000)).toString(16));
        return address;
    }

    private static String send(String id, String to, String valueWei) {
        return "{\"id\": \"" + id + "\", \"to\": \"" + to + "\", \"value_wei\": \"" + valueWei + "\"}";
    }

    private JsonNode transaction(String wallet, String id) {
        return admin.get("/v1/custody/wallets/" + wallet + "/transactions/" + id)
                .json();
    }

    private String status(String wallet, String id) {
        return transaction(wallet, id).path("status").asString(); // a problem's is a number: not there yet
    }

    private BigInteger balance(String address) throws Exception {
        return ChainNodes.quantity(anvil.call("eth_getBalance", address, "latest"));
    }

    private static String newAddress() throws Exception {
        return Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
    }

    private long signatures(String wallet) throws Exception {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select count(*) from audit_log where action = 'custody.signed' and object_id = ?")) {
            select.setString(1, wallet);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private void automine(boolean on) throws Exception {
        anvil.call("evm_setAutomine", on);
        if (on) {
            anvil.call("evm_mine");
        }
    }

    /**
     * From here on one instance: a ledger's writer is one instance's (an advisory lock), so the ledger
     * postings of the tests that follow are made where their writer is.
     */
    private void oneInstance() {
        if (!secondClosed) {
            second.service().close();
            secondClosed = true;
        }
    }

    @Test
    @Order(1)
    void twoHundredFromSixteenClientsOnTwoInstancesUseEachNonceOnceInOrder() throws Exception {
        String from = wallet("nonces");
        String to = newAddress();
        int count = 200;
        AtomicInteger next = new AtomicInteger();
        List<HttpTester> instances = List.of(first.admin(), second.admin());
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (int client = 0; client < 16; client++) {
                done.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        Response sent = instances
                                .get(i % 2)
                                .post("/v1/custody/wallets/nonces/transactions", send("n-" + i, to, "1000"));
                        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                client.get();
            }
        }
        Await.until("200 confirmed", Duration.ofSeconds(60), () -> confirmed("nonces") == count);
        List<long[]> mined = new ArrayList<>(); // nonce, block
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("select nonce, block_number from"
                        + " custody_transactions where wallet_id = 'nonces' order by nonce")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    mined.add(new long[] {rows.getLong(1), rows.getLong(2)});
                }
            }
        }
        assertThat(mined).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(mined.get(i)[0]).isEqualTo(i);
            if (i > 0) {
                assertThat(mined.get(i)[1]).isGreaterThanOrEqualTo(mined.get(i - 1)[1]);
            }
        }
        assertThat(ChainNodes.quantity(anvil.call("eth_getTransactionCount", from, "latest")))
                .isEqualTo(BigInteger.valueOf(count));
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(1000L * count));
        assertThat(signatures("nonces")).isEqualTo(count);
        Await.until("the gauges", WAIT, () -> admin.get("/metrics").text().contains("pacioli_custody_nonce_gaps 0.0"));
    }

    private long confirmed(String wallet) {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "select count(*) from custody_transactions where wallet_id = ? and status = 'confirmed'")) {
            select.setString(1, wallet);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void theSameIdTwentyTimesAtOnceIsOneTransactionOnChain() throws Exception {
        wallet("idempotent");
        String to = newAddress();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(20)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HttpTester via = i % 2 == 0 ? first.admin() : second.admin();
                done.add(clients.submit(() ->
                        statuses.add(via.post("/v1/custody/wallets/idempotent/transactions", send("once", to, "777"))
                                .status())));
            }
            for (Future<?> client : done) {
                client.get();
            }
        }
        assertThat(statuses).containsOnly(200, 201).contains(201);
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("idempotent", "once")));
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(777));
        assertThat(admin.get("/v1/custody/wallets/idempotent/transactions")
                        .json()
                        .path("data"))
                .hasSize(1);
        assertThat(admin.post("/v1/custody/wallets/idempotent/transactions", send("once", to, "778"))
                        .code())
                .isEqualTo("transaction_exists_with_different_fields");
    }

    @Test
    @Order(3)
    void aTransactionPendingTooLongIsAlertedAndReplacedWithHigherFeesThenConfirmedOnce() throws Exception {
        wallet("stuck");
        String to = newAddress();
        automine(false);
        try {
            assertThat(admin.post("/v1/custody/wallets/stuck/transactions", send("slow", to, "5"))
                            .status())
                    .isEqualTo(201);
            Await.until(
                    "replaced",
                    WAIT,
                    () -> transaction("stuck", "slow").path("attempts").size() >= 2);
        } finally {
            automine(true);
        }
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("stuck", "slow")));
        JsonNode slow = transaction("stuck", "slow");
        JsonNode attempts = slow.path("attempts");
        for (String fee : List.of("max_fee_per_gas", "max_priority_fee_per_gas")) {
            BigInteger before = new BigInteger(attempts.get(0).path(fee).stringValue());
            BigInteger after = new BigInteger(attempts.get(1).path(fee).stringValue());
            assertThat(after.multiply(BigInteger.valueOf(8)))
                    .as(fee + " raised by 12.5 % at least")
                    .isGreaterThanOrEqualTo(before.multiply(BigInteger.valueOf(9)));
        }
        List<String> hashes = new ArrayList<>();
        attempts.forEach(attempt -> hashes.add(attempt.path("hash").stringValue()));
        assertThat(hashes).contains(slow.path("mined_hash").stringValue());
        assertThat(attempts.get(1).path("reason").stringValue()).isEqualTo("replacement");
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(5));
        assertThat(admin.get("/v1/alerts?category=custody.pending").text()).contains("slow");
        // On whichever instance's monitor replaced it.
        assertThat(first.admin().get("/metrics").text()
                        + (secondClosed ? "" : second.admin().get("/metrics").text()))
                .containsPattern("(?m)^pacioli_custody_replacements_total [1-9]");
    }

    @Test
    @Order(3)
    void aTransactionDroppedFromThePoolIsBroadcastAgain() throws Exception {
        wallet("dropped");
        String to = newAddress();
        automine(false);
        try {
            admin.post("/v1/custody/wallets/dropped/transactions", send("lost", to, "9"));
            Await.until("broadcast", WAIT, () -> "broadcast".equals(status("dropped", "lost")));
            String hash = transaction("dropped", "lost").path("hash").stringValue();
            anvil.call("anvil_dropTransaction", hash);
            Await.until(
                    "broadcast again",
                    WAIT,
                    () -> transaction("dropped", "lost")
                                    .path("attempts")
                                    .get(0)
                                    .path("broadcasts")
                                    .asInt()
                            >= 2);
        } finally {
            automine(true);
        }
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("dropped", "lost")));
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(9));
    }

    @Test
    @Order(3)
    void aBaseFeeAboveTwiceItsBaselineRaisesAGasSpike() throws Exception {
        wallet("gas");
        admin.post("/v1/custody/wallets/gas/transactions", send("gas-1", newAddress(), "1"));
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("gas", "gas-1")));
        Await.until("a baseline", WAIT, this::samplesTaken);
        BigInteger base = ChainNodes.quantity(
                anvil.call("eth_getBlockByNumber", "latest", false).path("baseFeePerGas"));
        // Ten times the latest, and at least 100 gwei: above twice any baseline of the base fees before
        // (they fall block after block while blocks are nearly empty, as here).
        BigInteger spike = base.multiply(BigInteger.TEN).max(BigInteger.valueOf(100_000_000_000L));
        anvil.call("anvil_setNextBlockBaseFeePerGas", "0x" + spike.toString(16));
        anvil.call("evm_mine");
        Await.until(
                "gas_spike",
                WAIT,
                () -> admin.get("/v1/alerts?category=custody.gas_spike&status=open")
                                .json()
                                .path("data")
                                .size()
                        == 1);
        assertThat(admin.get("/v1/alerts?category=custody.gas_spike").text()).contains("evm:31337");
    }

    /** The monitor has run three times more than now: its baseline has samples. */
    private boolean samplesTaken() {
        double runs = monitorRuns();
        Await.until("three monitor runs", WAIT, () -> monitorRuns() >= runs + 3);
        return true;
    }

    /** Runs on both instances: the monitor's one job runs on whichever claims it. */
    private double monitorRuns() {
        double runs = 0;
        for (TestService.Running instance : secondClosed ? List.of(first) : List.of(first, second)) {
            Matcher found = Pattern.compile("(?m)^pacioli_custody_monitor_runs_total (\\S+)")
                    .matcher(instance.admin().get("/metrics").text());
            runs += found.find() ? Double.parseDouble(found.group(1)) : 0;
        }
        return runs;
    }

    private JsonNode account(String ledger, String id) {
        return admin.get("/v1/ledgers/" + ledger + "/accounts/" + id).json().path("balances");
    }

    private static String withPosting(String id, String to, String valueWei, String ledger, long amount) {
        return "{\"id\": \"" + id + "\", \"to\": \"" + to + "\", \"value_wei\": \"" + valueWei
                + "\", \"data\": \"0x\", \"ledger_posting\": {\"ledger\": \"" + ledger
                + "\", \"from\": \"world\", \"to\": \"wallet\", \"amount\": " + amount
                + ", \"asset\": \"USD\"}}";
    }

    @Test
    @Order(10)
    void aRefusalForGoodFailsVoidsItsPostingAndFillsItsNonceAndTheNextProceedsWithPostingPosted() throws Exception {
        oneInstance();
        String from = wallet("refused");
        String ledger = TestService.uniqueName("custody-ledger");
        admin.openLedgerWithWorldAndWallet(ledger);
        String to = newAddress();
        String transactions = "/v1/custody/wallets/refused/transactions";
        Response tooMuch = admin.post(
                transactions, withPosting("too-much", to, ETHER.pow(2).toString(), ledger, 500));
        assertThat(tooMuch.status()).as(tooMuch.toString()).isEqualTo(201);
        assertThat(account(ledger, "wallet").path("pending_credits").longValue())
                .isEqualTo(500);
        Await.until("failed", WAIT, () -> "failed".equals(status("refused", "too-much")));
        assertThat(transaction("refused", "too-much").path("failure_reason").stringValue())
                .contains("refused by the node");
        String filler = "filler:evm:31337:" + from + ":0";
        Await.until("the filler confirmed", WAIT, () -> "confirmed".equals(status("refused", filler)));
        assertThat(transaction("refused", filler).path("kind").stringValue()).isEqualTo("filler");
        assertThat(transaction("refused", filler).path("to").stringValue()).isEqualTo(from);
        admin.post(transactions, withPosting("fine", to, "42", ledger, 300));
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("refused", "fine")));
        assertThat(transaction("refused", "fine").path("nonce").longValue()).isEqualTo(1);
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(42));
        JsonNode wallet = account(ledger, "wallet");
        assertThat(wallet.path("balance").longValue()).isEqualTo(300);
        assertThat(wallet.path("pending_credits").longValue()).isZero();
        assertThat(admin.get("/metrics").text()).contains("pacioli_custody_nonce_gaps 0.0");
    }

    @Test
    @Order(11)
    void dryModeAndTheEmergencyStopHoldEverythingUnsignedAndReleasingResumes() throws Exception {
        oneInstance();
        wallet("held");
        String to = newAddress();
        String transactions = "/v1/custody/wallets/held/transactions";
        assertThat(admin.put("/v1/controls/mode", "{\"mode\": \"dry\", \"reason\": \"custody test\"}")
                        .status())
                .isEqualTo(200);
        JsonNode dry = admin.post(transactions, send("in-dry", to, "1")).json();
        assertThat(dry.path("status").stringValue()).isEqualTo("held");
        assertThat(dry.path("hold_reason").stringValue()).isEqualTo("dry_mode");
        admin.goLive();
        assertThat(admin.post("/v1/controls/emergency-stop", "{\"scope\": \"all\", \"reason\": \"drill\"}")
                        .status())
                .isEqualTo(200);
        JsonNode stopped = admin.post(transactions, send("in-stop", to, "2")).json();
        assertThat(stopped.path("hold_reason").stringValue()).isEqualTo("emergency_stop");
        assertThat(signatures("held")).isZero();
        assertThat(admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"drill over\"}", Map.of())
                        .status())
                .isEqualTo(200);
        // Live again, and nothing released by itself.
        assertThat(status("held", "in-dry")).isEqualTo("held");
        assertThat(status("held", "in-stop")).isEqualTo("held");
        assertThat(signatures("held")).isZero();
        for (String id : List.of("in-dry", "in-stop")) {
            Response released = admin.post(transactions + "/" + id + "/release", "{}");
            assertThat(released.status()).as(released.toString()).isEqualTo(200);
            Await.until(id + " confirmed", WAIT, () -> "confirmed".equals(status("held", id)));
        }
        assertThat(admin.post(transactions + "/in-dry/release", "{}").code()).isEqualTo("transaction_not_held");
        assertThat(balance(to)).isEqualTo(BigInteger.valueOf(3));
        assertThat(signatures("held")).isEqualTo(2);
    }

    private void counter(String address, long next) throws Exception {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "insert into custody_nonces (chain, address, next_nonce) values ('evm:31337', ?, ?)"
                                + " on conflict (chain, address) do update set next_nonce = excluded.next_nonce")) {
            update.setString(1, address);
            update.setLong(2, next);
            update.executeUpdate();
        }
    }

    @Test
    @Order(12)
    void aNonceCounterAheadOfTheChainIsFilledAndOneBehindIsMovedUp() throws Exception {
        oneInstance();
        String ahead = wallet("ahead");
        counter(ahead, 2); // as if two nonces were allocated and lost: the node has none of them
        admin.post("/v1/custody/wallets/ahead/transactions", send("after-gap", newAddress(), "1"));
        Await.until("confirmed past the gap", WAIT, () -> "confirmed".equals(status("ahead", "after-gap")));
        assertThat(transaction("ahead", "after-gap").path("nonce").longValue()).isEqualTo(2);
        for (int nonce = 0; nonce < 2; nonce++) {
            String filler = "filler:evm:31337:" + ahead + ":" + nonce;
            Await.until(filler, WAIT, () -> "confirmed".equals(status("ahead", filler)));
        }
        String behind = wallet("behind");
        admin.post("/v1/custody/wallets/behind/transactions", send("first", newAddress(), "1"));
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("behind", "first")));
        counter(behind, 0); // as if the database were older than the chain
        admin.post("/v1/custody/wallets/behind/transactions", send("second", newAddress(), "1"));
        Await.until("confirmed", WAIT, () -> "confirmed".equals(status("behind", "second")));
        assertThat(transaction("behind", "second").path("nonce").longValue()).isEqualTo(1);
        assertThat(admin.get("/metrics").text()).contains("pacioli_custody_nonce_gaps 0.0");
    }

    @Test
    @Order(13)
    void aWalletShowsItsChainBalanceAndItsMonitorAlertsBelowTheFloor() throws Exception {
        oneInstance();
        wallet("funded");
        JsonNode shown = admin.get("/v1/custody/wallets/funded").json();
        assertThat(shown.path("balance_wei").stringValue())
                .isEqualTo(ETHER.multiply(BigInteger.valueOf(1_000)).toString());
        Response monitor = admin.put(
                "/v1/custody/wallets/funded/monitor",
                "{\"below_wei\": \"" + ETHER.multiply(BigInteger.valueOf(2_000)) + "\", \"severity\": \"critical\"}");
        assertThat(monitor.status()).as(monitor.toString()).isEqualTo(200);
        Await.until(
                "custody.balance",
                WAIT,
                () -> admin.get("/v1/alerts?category=custody.balance&status=open")
                        .text()
                        .contains("custody_wallet:funded"));
        admin.put("/v1/custody/wallets/funded/monitor", "{\"below_wei\": \"1\"}");
        Await.until(
                "resolved",
                WAIT,
                () -> !admin.get("/v1/alerts?category=custody.balance&status=open")
                        .text()
                        .contains("custody_wallet:funded"));
    }

    @Test
    @Order(14)
    void badInputIsRefusedWithFieldErrors() throws Exception {
        wallet("strict");
        String transactions = "/v1/custody/wallets/strict/transactions";
        String good = newAddress();
        String badChecksum = good.substring(0, 2) + swapCase(good.substring(2));
        for (String[] bad : List.of(
                new String[] {send("b1", badChecksum, "1"), "to"},
                new String[] {send("b2", "0x1234", "1"), "to"},
                new String[] {send("b3", good, "1.5"), "value_wei"},
                new String[] {send("b4", good, "-1"), "value_wei"},
                new String[] {send("b5", good, BigInteger.TWO.pow(256).toString()), "value_wei"},
                new String[] {"{\"id\": \"b6\", \"to\": \"" + good + "\", \"value_wei\": 1}", "value_wei"},
                new String[] {
                    "{\"id\": \"b7\", \"to\": \"" + good + "\", \"value_wei\": \"1\", \"data\": \"0x1\"}", "data"
                })) {
            Response refused = admin.post(transactions, bad[0]);
            assertThat(refused.status()).as(bad[0]).isEqualTo(400);
            assertThat(refused.text()).contains("\"" + bad[1] + "\"");
        }
        assertThat(admin.post(transactions, send("b8", good.toLowerCase(Locale.ROOT), "0"))
                        .status())
                .isEqualTo(201);
        Response badTimeout = admin.post(
                "/v1/connectors",
                "{\"id\": \"slow-node\", \"kind\": \"evm_rpc\", \"config\": {\"urls\": [\"" + anvil.url()
                        + "\"], \"chain_id\": 31338, \"read_timeout_ms\": 0}}");
        assertThat(badTimeout.status()).as(badTimeout.toString()).isEqualTo(400);
        assertThat(badTimeout.text()).contains("read_timeout_ms");
        Response other = admin.post("/v1/custody/wallets", "{\"id\": \"elsewhere\", \"chain\": \"evm:5\"}");
        assertThat(other.status()).isEqualTo(201);
        assertThat(admin.post("/v1/custody/wallets/elsewhere/transactions", send("c1", good, "1"))
                        .code())
                .isEqualTo("unknown_chain");
        assertThat(admin.post("/v1/custody/wallets/nobody/transactions", send("c2", good, "1"))
                        .code())
                .isEqualTo("wallet_not_found");
    }

    @Test
    @Order(15)
    void aTransactionIsConfirmedOnlyWithItsConfirmationsTheBlockIncludingItTheFirst() throws Exception {
        oneInstance();
        wallet("patient");
        Response patched = admin.send(
                "PATCH",
                "/v1/connectors/anvil",
                "{\"config\": {\"urls\": [\"" + anvil.url() + "\"], \"chain_id\": 31337, \"confirmations\": 2}}",
                Map.of());
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        try {
            admin.post("/v1/custody/wallets/patient/transactions", send("deep", newAddress(), "1"));
            Await.until("mined", WAIT, () -> mined(hash("deep")));
            double runs = monitorRuns();
            Await.until("three monitor runs", WAIT, () -> monitorRuns() >= runs + 3);
            assertThat(status("patient", "deep")).as("one confirmation of two").isEqualTo("broadcast");
            anvil.call("evm_mine");
            Await.until("confirmed", WAIT, () -> "confirmed".equals(status("patient", "deep")));
        } finally {
            admin.send(
                    "PATCH",
                    "/v1/connectors/anvil",
                    "{\"config\": {\"urls\": [\"" + anvil.url() + "\"], \"chain_id\": 31337, \"confirmations\": 1}}",
                    Map.of());
        }
    }

    private String hash(String id) {
        return transaction("patient", id).path("hash").asString();
    }

    /** Whether the node has a receipt for the hash (false for none yet, or no hash yet). */
    private boolean mined(String hash) {
        if (hash == null || !hash.startsWith("0x")) {
            return false;
        }
        try {
            JsonNode receipt = anvil.call("eth_getTransactionReceipt", hash);
            return receipt.isObject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address with the case of its letters swapped: a checksum that cannot match. */
    private static String swapCase(String hex) {
        StringBuilder swapped = new StringBuilder();
        for (char c : hex.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }
}
