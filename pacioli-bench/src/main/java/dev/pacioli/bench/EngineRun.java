package dev.pacioli.bench;

import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.engine.LedgerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Mode 1: the engine in process. Producer threads build transfers and hand them to the engine in
 * chunks, each waiting for its chunk's answer before the next. With {@link #PRODUCERS} x
 * {@link #CHUNK} transfers in flight, about two writer batches' worth, one batch is always queued
 * while the previous one commits — the group commit the engine is built for.
 *
 * <p>The pending workload creates its chunk pending, then posts each transaction (one request each);
 * a transfer counts once its post is acknowledged.
 */
final class EngineRun {
    static final int PRODUCERS = 16;
    static final int CHUNK = 1_000;

    private final LedgerEngine engine;
    private final AccountIds accounts;
    private final Workload workload;
    private final Zipf zipf;
    private final RunWindow window;
    private final Tally rejected = new Tally();

    EngineRun(LedgerEngine engine, AccountIds accounts, Workload workload, Zipf zipf, RunWindow window) {
        this.engine = engine;
        this.accounts = accounts;
        this.workload = workload;
        this.zipf = zipf;
        this.window = window;
    }

    /** Runs for the window; returns the answers that were not commits, by code. */
    Map<String, Long> run(String runId) throws InterruptedException {
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform()
                    .name("bench-producer-" + p)
                    .start(() -> produce(runId + "." + producer, producer)));
        }
        window.run();
        for (Thread producer : producers) {
            producer.join();
        }
        return rejected.snapshot();
    }

    private void produce(String prefix, int producer) {
        Workload.Generator generator = workload.generator(accounts, zipf, 31L * producer + workload.ordinal());
        long counter = 0;
        List<TransactionSpec> chunk = new ArrayList<>(CHUNK);
        while (!window.stopped()) {
            chunk.clear();
            for (int i = 0; i < CHUNK; i++) {
                chunk.add(spec(prefix + ":" + counter++, generator.next()));
            }
            List<TransactionResult> results =
                    engine.createTransactions(chunk, false, false).join();
            if (workload == Workload.PENDING_THEN_POST) {
                post(results);
            } else {
                count(results);
            }
        }
    }

    private void post(List<TransactionResult> created) {
        List<CompletableFuture<TransactionResult>> posts = new ArrayList<>(created.size());
        for (TransactionResult result : created) {
            if (result.code() == ResultCode.CREATED) {
                posts.add(engine.post(result.transaction().id(), null));
            } else {
                rejected.add(result.code().name());
            }
        }
        int posted = 0;
        for (CompletableFuture<TransactionResult> post : posts) {
            ResultCode code = post.join().code();
            if (code == ResultCode.OK) {
                posted++;
            } else {
                rejected.add("post " + code.name());
            }
        }
        window.acknowledge(posted);
    }

    private void count(List<TransactionResult> results) {
        int created = 0;
        for (TransactionResult result : results) {
            if (result.code() == ResultCode.CREATED) {
                created++;
            } else {
                rejected.add(result.code().name());
            }
        }
        window.acknowledge(created);
    }

    TransactionSpec spec(String id, Transfer transfer) {
        List<Posting> postings = new ArrayList<>(transfer.legs());
        for (int leg = 0; leg < transfer.legs(); leg++) {
            postings.add(new Posting(
                    accounts.id(transfer.from()[leg]),
                    accounts.id(transfer.to()[leg]),
                    transfer.amounts()[leg],
                    AccountIds.ASSET));
        }
        return new TransactionSpec(id, postings, transfer.pending(), null, Metadata.EMPTY, null);
    }
}
