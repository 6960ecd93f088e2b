package dev.pacioli.postgres;

import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link CrashTest}: writes transfers as fast as it can and prints {@code ACK id}
 * for each one the engine acknowledged, until it is killed (or, as a bound, after 120 s or 1,000,000).
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        DatabaseUrl url = new DatabaseUrl(args[0], args[1], null);
        Database database = Database.connect(url, args[2], 8);
        long ledgerId = Long.parseLong(args[3]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        LedgerEngine engine =
                LedgerEngine.start(database.store(), ledgerId, args[4], EngineConfig.DEFAULTS, LedgerClock.SYSTEM);
        Semaphore inFlight = new Semaphore(64);
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (int n = 0; n < 1_000_000 && System.nanoTime() < deadline; n++) {
            inFlight.acquire();
            String id = "crash-" + n;
            engine.createTransaction(TransactionSpec.posted(id, new Posting("world", "wallet", 1, "USD")))
                    .whenComplete((result, failure) -> {
                        if (failure == null && result.code() == ResultCode.CREATED) {
                            synchronized (out) {
                                out.println("ACK " + id);
                                out.flush();
                            }
                        }
                        inFlight.release();
                    });
        }
        engine.close();
        database.close();
    }
}
