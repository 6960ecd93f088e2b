package dev.pacioli.bench;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.EngineObserver;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.postgres.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A fresh Pacioli ledger for one run: its accounts opened and funded through the engine (so the
 * journal holds them like any other change), and the checks after the run — {@code verify}, and the
 * transfers committed in the database against those acknowledged.
 */
final class PacioliLedger {
    /** Every user starts with 10^12 minor units: no workload of this harness can drain that. */
    static final long FUNDING = 1_000_000_000_000L;

    private static final int OPEN_WINDOW = 4_096;

    final Database database;
    final Ledger ledger;
    final AccountIds accounts;
    private long fundingTransactions;

    private PacioliLedger(Database database, Ledger ledger, AccountIds accounts) {
        this.database = database;
        this.ledger = ledger;
        this.accounts = accounts;
    }

    /** Creates the ledger, opens and funds every account, and leaves the engine running. */
    static PacioliLedger create(Database database, String name, AccountIds accounts, LedgerEngineHolder holder) {
        database.catalog().putAsset(new Asset(AccountIds.ASSET, 2));
        Ledger ledger = database.catalog().createLedger(name, Metadata.EMPTY).ledger();
        PacioliLedger created = new PacioliLedger(database, ledger, accounts);
        holder.engine = created.startEngine();
        created.open(holder.engine);
        created.fund(holder.engine);
        return created;
    }

    /** Holds the engine the setup started, so the caller owns closing it. */
    static final class LedgerEngineHolder {
        LedgerEngine engine;
    }

    LedgerEngine startEngine() {
        return startEngine(EngineObserver.NONE);
    }

    /** A writer for this ledger that reports its batches to {@code observer}. */
    LedgerEngine startEngine(EngineObserver observer) {
        return LedgerEngine.start(
                database.store(), ledger.id(), ledger.name(), EngineConfig.DEFAULTS, LedgerClock.SYSTEM, observer);
    }

    private void open(LedgerEngine engine) {
        List<CompletableFuture<AccountResult>> window = new ArrayList<>(OPEN_WINDOW);
        for (int index = 0; index < accounts.count(); index++) {
            Long min = index == accounts.bank ? null : 0L;
            window.add(engine.createAccount(new AccountSpec(
                    accounts.id(index), AccountIds.ASSET, NormalBalance.CREDIT, min, null, Metadata.EMPTY)));
            if (window.size() == OPEN_WINDOW || index == accounts.count() - 1) {
                for (CompletableFuture<AccountResult> opened : window) {
                    require(opened.join().code() == ResultCode.CREATED, "account not created: " + opened.join());
                }
                window.clear();
            }
        }
    }

    /** The bank pays every other account {@link #FUNDING}, 64 postings per transaction. */
    private void fund(LedgerEngine engine) {
        List<TransactionSpec> batch = new ArrayList<>();
        List<Posting> postings = new ArrayList<>();
        for (int index = 0; index < accounts.bank; index++) {
            postings.add(new Posting(accounts.id(accounts.bank), accounts.id(index), FUNDING, AccountIds.ASSET));
            if (postings.size() == Limits.POSTINGS_PER_TRANSACTION_MAX || index == accounts.bank - 1) {
                batch.add(new TransactionSpec(
                        "fund:" + fundingTransactions++, postings, false, null, Metadata.EMPTY, null));
                postings.clear();
            }
            if (batch.size() == 1_000 || (index == accounts.bank - 1 && !batch.isEmpty())) {
                for (TransactionResult result :
                        engine.createTransactions(batch, true, false).join()) {
                    require(result.code() == ResultCode.CREATED, "funding failed: " + result.code());
                }
                batch.clear();
            }
        }
    }

    /** After the engine (or the service) has closed: verify, and count what was committed. */
    String check() {
        VerifyReport report = database.verification().verify(ledger);
        return report.ok() ? "ok" : "verify failed: " + report.failures();
    }

    /** Posted transactions beyond the funding: the transfers this run committed. */
    long committedTransfers() {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from transactions where ledger_id = ? and status = 1")) {
            statement.setLong(1, ledger.id());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1) - fundingTransactions;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count committed transfers", e);
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
