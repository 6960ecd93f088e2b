package dev.pacioli.ledger.http;

import dev.pacioli.platform.ApiException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a ledger's writer from a request's virtual thread, which parks without holding a carrier. */
public final class Engines {
    /**
     * How long a request waits for its writer. The writer always answers; this bounds the wait when
     * the database hangs. The outcome is then unknown, so the answer says to retry with the same id.
     */
    public static final long ANSWER_MILLIS_MAX = 60_000;

    private Engines() {}

    public static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(ANSWER_MILLIS_MAX, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(
                    503,
                    "storage_unavailable",
                    "the ledger did not answer in time; retry with the same id to learn whether it happened");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "not_ready", "the service is shutting down");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the ledger's writer failed a request", e.getCause());
        }
    }
}
