package dev.pacioli.ledger.engine;

/**
 * What the writer reports about its own work, for metrics. The core stays free of any metrics
 * library: the service implements this port and turns the calls into series.
 *
 * <p>Called on the writer thread after every committed batch, so an implementation must be cheap and
 * must not block: increment counters, record into histograms, nothing more.
 */
public interface EngineObserver {
    EngineObserver NONE = (operations, executeNanos, commitNanos) -> {};

    /**
     * @param operations the requests (one per transaction) the batch held
     * @param executeNanos time spent executing the batch in memory
     * @param commitNanos time spent in the store's commit, 0 when the batch wrote nothing
     */
    void batchCommitted(int operations, long executeNanos, long commitNanos);

    /** {@code records} journal records (events) were committed with a batch. */
    default void eventsWritten(int records) {}
}
