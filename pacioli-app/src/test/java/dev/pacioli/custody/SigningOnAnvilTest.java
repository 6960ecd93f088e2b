package dev.pacioli.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.TestService;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.RawTransaction;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * A wallet made by the service signs EIP-1559 transactions that a real EVM node (anvil, started and
 * stopped here) accepts and mines: the value arrives, the sender is the wallet's address, and each
 * signature is a {@code custody.signed} audit record with its nonce and hash.
 */
class SigningOnAnvilTest {
    private static final String TO = "0x000000000000000000000000000000000000dEaD";

    private final Database own;
    private final TestService.Running service;
    private final Wallets wallets;
    private final Anvil anvil;

    SigningOnAnvilTest() throws Exception {
        own = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_custody_anvil", 4);
        service = TestService.startAsInstalled("custody-anvil", own, TestService.options(0, 0));
        KeyVault vault =
                new KeyVault(own.dataSource(), Kek.open(CustodySettings.DEFAULTS, Path.of("target", "test-data")));
        wallets = new Wallets(own.dataSource(), new WalletStore(own.dataSource(), vault), vault);
        anvil = Anvil.start();
    }

    @AfterEach
    void stop() {
        anvil.close();
        service.service().close();
        TestDatabases.drop(own);
    }

    /** The receipt once the node has mined the transaction (anvil mines each as it arrives, shortly after). */
    private JsonNode receipt(String hash) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode receipt = anvil.call("eth_getTransactionReceipt", hash);
            if (!receipt.isNull() && !receipt.isMissingNode()) {
                return receipt;
            }
            assertThat(System.nanoTime()).as("mined within 30 s: " + hash).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aWalletSignsTransactionsTheNodeMinesFromItsAddress() throws Exception {
        JsonNode wallet = service.admin()
                .post("/v1/custody/wallets", "{\"id\": \"relayer\", \"chain\": \"evm:31337\"}")
                .json();
        String address = wallet.path("address").stringValue();
        anvil.call("anvil_setBalance", address, "0xDE0B6B3A7640000"); // 1 ether
        BigInteger value = BigInteger.valueOf(1_000_000_000_000_000L);
        for (int nonce = 0; nonce < 3; nonce++) {
            RawTransaction transaction = RawTransaction.createTransaction(
                    Anvil.CHAIN_ID,
                    BigInteger.valueOf(nonce),
                    BigInteger.valueOf(21_000),
                    TO,
                    value,
                    "0x",
                    BigInteger.valueOf(1_000_000_000L),
                    BigInteger.valueOf(10_000_000_000L));
            Wallets.SignedTransaction signed = wallets.signTransaction("relayer", transaction, Actor.SYSTEM);
            String hash = anvil.call("eth_sendRawTransaction", Numeric.toHexString(signed.raw()))
                    .stringValue();
            assertThat(hash).isEqualTo(signed.hash());
            JsonNode receipt = receipt(hash);
            assertThat(receipt.path("status").stringValue()).isEqualTo("0x1");
            assertThat(receipt.path("from").stringValue()).isEqualToIgnoringCase(address);
        }
        assertThat(Numeric.toBigInt(anvil.call("eth_getBalance", TO, "latest").stringValue()))
                .isGreaterThanOrEqualTo(value.multiply(BigInteger.valueOf(3)));
        assertThat(anvil.call("eth_getTransactionCount", address, "latest").stringValue())
                .isEqualTo("0x3");
        String audit = service.admin()
                .get("/v1/audit-log?action=custody.signed&limit=10")
                .text();
        assertThat(audit).contains("\"nonce\":\"2\"").contains("transaction");
        // A transaction for another chain is not signed with this wallet.
        RawTransaction otherChain = RawTransaction.createTransaction(
                1L, BigInteger.ZERO, BigInteger.valueOf(21_000), TO, value, "0x", BigInteger.ONE, BigInteger.TEN);
        assertThatThrownBy(() -> wallets.signTransaction("relayer", otherChain, Actor.SYSTEM))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
