package dev.pacioli.postgres;

import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** A fresh ledger on a test database, with a clock the test moves by hand. */
final class TestLedger implements AutoCloseable {
    final Database database;
    final Ledger ledger;
    final AtomicLong clockMicros = new AtomicLong(1_800_000_000_000_000L);
    final LedgerClock clock = clockMicros::get;
    LedgerStore store;
    LedgerEngine engine;

    TestLedger(Database database) {
        this(database, database.store());
    }

    TestLedger(Database database, LedgerStore store) {
        this.database = database;
        this.store = store;
        Catalog catalog = database.catalog();
        for (String code : new String[] {"USD", "EUR", "BTC"}) {
            catalog.putAsset(new Asset(code, code.equals("BTC") ? 8 : 2));
        }
        String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
        this.ledger = catalog.createLedger(name, Metadata.EMPTY).ledger();
        this.engine = startEngine();
    }

    LedgerEngine startEngine() {
        return LedgerEngine.start(store, ledger.id(), ledger.name(), EngineConfig.DEFAULTS, clock);
    }

    /** Closes the engine and starts a new one on the same ledger: a restart. */
    void restart() {
        engine.close();
        engine = startEngine();
    }

    VerifyReport verify() {
        return database.verification().verify(ledger);
    }

    @Override
    public void close() {
        engine.close();
    }
}
