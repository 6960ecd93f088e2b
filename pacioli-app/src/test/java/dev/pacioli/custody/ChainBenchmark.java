package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.RawTransaction;

/**
 * Custody's figures for BENCHMARKS.md, run by hand (not by the build: its name does not end in Test):
 * {@code ./mvnw -o -q -pl pacioli-app -am test -Dtest=ChainBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints signatures per second (a wallet's key opened, an EIP-1559 transaction signed, its audit record
 * written: what every chain signature costs) and chain transactions per second from accepted to
 * broadcast on a real anvil, one wallet (its nonces serialize) and eight wallets. Asserts only that
 * the work was done.
 */
class ChainBenchmark {
    private static final int SIGNATURES = 2_000;
    private static final int TRANSACTIONS = 1_000;

    @Test
    void measure() throws Exception {
        Database own = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_custody_bench", 24);
        try (Anvil anvil = Anvil.start()) {
            TestService.Running service = TestService.startAsInstalled(
                    "custody-bench",
                    own,
                    TestService.options(0, 0)
                            .withCustody(CustodySettings.DEFAULTS.withChain(new ChainSettings(
                                    Duration.ofSeconds(1), Duration.ofMinutes(5), 5, Duration.ofMillis(100)))));
            try {
                HttpTester admin = service.admin();
                admin.goLive();
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"anvil\", \"kind\": \"evm_rpc\", \"config\": {\"urls\": [\"" + anvil.url()
                                + "\"], \"chain_id\": 31337}}");
                signatures(own, admin);
                broadcasts(own, admin, anvil, 1);
                broadcasts(own, admin, anvil, 8);
            } finally {
                service.service().close();
            }
        } finally {
            TestDatabases.drop(own);
        }
    }

    private static void signatures(Database own, HttpTester admin) throws Exception {
        admin.post("/v1/custody/wallets", "{\"id\": \"signer\", \"chain\": \"evm:31337\"}");
        KeyVault vault =
                new KeyVault(own.dataSource(), Kek.open(CustodySettings.DEFAULTS, Path.of("target", "test-data")));
        Wallets wallets = new Wallets(own.dataSource(), new WalletStore(own.dataSource(), vault), vault);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        run(4, () -> {
            for (int i = next.getAndIncrement(); i < SIGNATURES; i = next.getAndIncrement()) {
                wallets.signTransaction(
                        "signer",
                        RawTransaction.createTransaction(
                                31_337L,
                                BigInteger.valueOf(i),
                                BigInteger.valueOf(21_000),
                                "0x000000000000000000000000000000000000dEaD",
                                BigInteger.ONE,
                                "0x",
                                BigInteger.ONE,
                                BigInteger.TEN),
                        Actor.SYSTEM);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "custody bench: %,d signatures (4 threads) in %.2f s: %,.0f signatures/s%n",
                SIGNATURES, seconds, SIGNATURES / seconds);
    }

    private static void broadcasts(Database own, HttpTester admin, Anvil anvil, int walletCount) throws Exception {
        List<String> wallets = new ArrayList<>();
        for (int w = 0; w < walletCount; w++) {
            String id = "bench-" + walletCount + "-" + w;
            String address = admin.post("/v1/custody/wallets", "{\"id\": \"" + id + "\", \"chain\": \"evm:31337\"}")
                    .json()
                    .path("address")
                    .stringValue();
            anvil.call("anvil_setBalance", address, "0x3635C9ADC5DEA00000"); // 1,000 ether
            wallets.add(id);
        }
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        run(16, () -> {
            for (int i = next.getAndIncrement(); i < TRANSACTIONS; i = next.getAndIncrement()) {
                String wallet = wallets.get(i % walletCount);
                assertThat(admin.post(
                                        "/v1/custody/wallets/" + wallet + "/transactions",
                                        "{\"id\": \"" + wallet + "-" + i + "\", \"to\":"
                                                + " \"0x000000000000000000000000000000000000dEaD\", \"value_wei\": \"1\"}")
                                .status())
                        .isEqualTo(201);
            }
        });
        double accepted = (System.nanoTime() - start) / 1e9;
        Await.until(
                "all broadcast", Duration.ofMinutes(5), () -> sent(own, "bench-" + walletCount + "-%") == TRANSACTIONS);
        double broadcast = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "custody bench: %,d transactions from %d wallet(s), 16 clients: accepted in %.2f s (%,.0f/s),"
                        + " all broadcast after %.2f s: %,.0f queued→broadcast/s%n",
                TRANSACTIONS, walletCount, accepted, TRANSACTIONS / accepted, broadcast, TRANSACTIONS / broadcast);
    }

    private static long sent(Database own, String walletPattern) {
        try (Connection connection = own.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("select count(*) from custody_transactions"
                        + " where wallet_id like ? and status in ('broadcast', 'confirmed')")) {
            select.setString(1, walletPattern);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void run(int threads, Work work) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
    }
}
