package dev.pacioli.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A journal written before persisted enums had explicit codes, kept as bytes: every record type, both
 * normal balances, bounds, metadata, a description, a pending transaction with a deadline, a partial
 * post, a void, an expiry and a reversal. Its canonical bytes and hash chain must never change, or
 * {@code verify} would fail on every ledger already written; and each record must decode to what was
 * written. Reordering or renaming an enum constant cannot pass this test.
 */
class JournalGoldenTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long T = 1_800_000_000_000_000L;

    private static final AccountSpec BANK = AccountSpec.of("bank", "USD", NormalBalance.DEBIT);
    private static final AccountSpec WALLET =
            new AccountSpec("users:42:wallet", "USD", NormalBalance.CREDIT, -500L, 100_000L, Metadata.of("k", "v"));

    /** The records, built with today's code; their bytes below were captured at commit 96a33ae. */
    static List<byte[]> records() {
        AccountSpec bank = BANK;
        AccountSpec wallet = WALLET;
        TransactionSpec hold = new TransactionSpec(
                "hold-1",
                List.of(new Posting("bank", "users:42:wallet", 1500, "USD")),
                true,
                60L,
                Metadata.of("order", "A-1"),
                "first hold");
        TransactionSpec spend = TransactionSpec.posted("spend-1", new Posting("users:42:wallet", "bank", 700, "USD"));
        TransactionSpec reversal = TransactionSpec.posted("rev-1", new Posting("bank", "users:42:wallet", 700, "USD"));
        return List.of(
                JournalCodec.accountCreated(1, T + 1, bank),
                JournalCodec.accountCreated(2, T + 2, wallet),
                JournalCodec.transactionCreated(3, T + 3, hold, null, T + 3 + 60_000_000),
                JournalCodec.transactionPosted(4, T + 4, "hold-1", List.of(1200L)),
                JournalCodec.transactionCreated(5, T + 5, spend, null, 0),
                JournalCodec.transactionCreated(6, T + 6, reversal, "spend-1", 0),
                JournalCodec.transactionReversed(7, T + 7, "spend-1", "rev-1"),
                JournalCodec.transactionVoided(8, T + 8, "hold-2", false),
                JournalCodec.transactionVoided(9, T + 9, "hold-3", true),
                JournalCodec.accountClosed(10, T + 10, "users:42:wallet"));
    }

    private static final List<String> CANONICAL = List.of(
            "010100000000000000010006651728988001000462616e6b00035553440000000000",
            "010100000000000000020006651728988002000f75736572733a34323a77616c6c657400035553440101fffffffffffffe0c0100000000000186a0000100016b000176",
            "0103000000000000000300066517289880030006686f6c642d310101000000000000003c000665172c2c070301000a666972737420686f6c6400000100056f726465720003412d310001000462616e6b000f75736572733a34323a77616c6c657400000000000005dc0003555344",
            "0104000000000000000400066517289880040006686f6c642d31000100000000000004b0",
            "01030000000000000005000665172898800500077370656e642d3100000000000000000000000000000001000f75736572733a34323a77616c6c6574000462616e6b00000000000002bc0003555344",
            "01030000000000000006000665172898800600057265762d3100000000000000000000000100077370656e642d3100000001000462616e6b000f75736572733a34323a77616c6c657400000000000002bc0003555344",
            "01070000000000000007000665172898800700077370656e642d3100057265762d31",
            "0105000000000000000800066517289880080006686f6c642d32",
            "0106000000000000000900066517289880090006686f6c642d33",
            "0102000000000000000a000665172898800a000f75736572733a34323a77616c6c6574");

    private static final String HEAD_HASH = "b6363d4315b813370e7a5e58d5267ae6f79966f471750f6296d9ad5879f34efc";

    @Test
    void recordsWrittenBeforeHaveTheSameBytesAndHashChain() {
        List<byte[]> records = records();
        MessageDigest digest = JournalCodec.sha256();
        byte[] hash = JournalCodec.genesisHash("golden");
        for (int i = 0; i < records.size(); i++) {
            assertThat(HEX.formatHex(records.get(i))).as("record " + (i + 1)).isEqualTo(CANONICAL.get(i));
            hash = JournalCodec.chain(digest, hash, records.get(i));
        }
        assertThat(HEX.formatHex(hash)).isEqualTo(HEAD_HASH);
    }

    @Test
    void recordsWrittenBeforeDecodeToWhatWasWritten() {
        List<RecordType> types = List.of(
                RecordType.ACCOUNT_CREATED,
                RecordType.ACCOUNT_CREATED,
                RecordType.TRANSACTION_CREATED,
                RecordType.TRANSACTION_POSTED,
                RecordType.TRANSACTION_CREATED,
                RecordType.TRANSACTION_CREATED,
                RecordType.TRANSACTION_REVERSED,
                RecordType.TRANSACTION_VOIDED,
                RecordType.TRANSACTION_EXPIRED,
                RecordType.ACCOUNT_CLOSED);
        for (int i = 0; i < CANONICAL.size(); i++) {
            JournalCodec.Decoded decoded = JournalCodec.decode(HEX.parseHex(CANONICAL.get(i)));
            assertThat(decoded.sequence()).isEqualTo(i + 1);
            assertThat(decoded.timestampMicros()).isEqualTo(T + i + 1);
            assertThat(decoded.type()).isEqualTo(types.get(i));
        }
        assertThat(JournalCodec.decode(HEX.parseHex(CANONICAL.get(0))).change())
                .isEqualTo(new JournalCodec.AccountCreated(BANK));
        assertThat(JournalCodec.decode(HEX.parseHex(CANONICAL.get(1))).change())
                .isEqualTo(new JournalCodec.AccountCreated(WALLET));
    }
}
