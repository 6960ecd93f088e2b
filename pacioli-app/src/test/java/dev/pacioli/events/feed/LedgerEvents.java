package dev.pacioli.events.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.postgres.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A ledger written through its real engine, with every kind of event: accounts created, transfers
 * posted in batches, pendings posted and voided, reversals. Answers the ledger's head sequence.
 */
public final class LedgerEvents implements AutoCloseable {
    private static final int WALLETS = 4;
    private static final int BATCH = 500;

    public final Ledger ledger;
    private final LedgerEngine engine;
    private int transfers;

    public LedgerEvents(Database database, String name) throws Exception {
        database.catalog().putAsset(new Asset("USD", 2));
        this.ledger = database.catalog().createLedger(name, Metadata.EMPTY).ledger();
        this.engine = LedgerEngine.start(
                database.store(), ledger.id(), ledger.name(), EngineConfig.DEFAULTS, LedgerClock.SYSTEM);
        engine.createAccount(AccountSpec.of("world", "USD", NormalBalance.DEBIT))
                .get(30, TimeUnit.SECONDS);
        for (int i = 0; i < WALLETS; i++) {
            engine.createAccount(AccountSpec.of("users:" + i + ":wallet", "USD", NormalBalance.CREDIT))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Writes about {@code count} more events; answers the head. */
    public long write(int count) throws Exception {
        int pendings = Math.max(2, count / 20);
        int reversals = Math.max(1, count / 50);
        int posted = Math.max(1, count - 2 * pendings - 2 * reversals);
        int firstPosted = transfers;
        List<TransactionSpec> batch = new ArrayList<>();
        for (int i = 0; i < posted; i++) {
            batch.add(TransactionSpec.posted(
                    "pay-" + transfers, new Posting("world", wallet(transfers), 100 + transfers % 7, "USD")));
            transfers++;
            if (batch.size() == BATCH || i == posted - 1) {
                for (TransactionResult result :
                        engine.createTransactions(batch, false, false).get(30, TimeUnit.SECONDS)) {
                    assertThat(result.code()).isEqualTo(ResultCode.CREATED);
                }
                batch.clear();
            }
        }
        // Submitted together, so the writer takes each group in a few batches.
        List<CompletableFuture<TransactionResult>> answers = new ArrayList<>();
        for (int i = 0; i < pendings; i++) {
            answers.add(engine.createTransaction(TransactionSpec.pending(
                    "hold-" + (transfers + i), null, new Posting("world", wallet(i), 50, "USD"))));
        }
        expect(answers, ResultCode.CREATED);
        for (int i = 0; i < pendings; i++) {
            String id = "hold-" + (transfers + i);
            answers.add(i % 2 == 0 ? engine.post(id, null) : engine.voidPending(id));
        }
        transfers += pendings;
        expect(answers, ResultCode.OK);
        for (int i = 0; i < reversals; i++) {
            answers.add(engine.reverse("pay-" + (firstPosted + i), "rev-" + transfers++, Metadata.EMPTY, null, false));
        }
        expect(answers, ResultCode.CREATED);
        return engine.committedSequence();
    }

    public long head() {
        return engine.committedSequence();
    }

    private static void expect(List<CompletableFuture<TransactionResult>> answers, ResultCode... codes)
            throws Exception {
        for (CompletableFuture<TransactionResult> answer : answers) {
            assertThat(answer.get(30, TimeUnit.SECONDS).code()).isIn((Object[]) codes);
        }
        answers.clear();
    }

    private static String wallet(int n) {
        return "users:" + (n % WALLETS) + ":wallet";
    }

    @Override
    public void close() {
        engine.close();
    }
}
