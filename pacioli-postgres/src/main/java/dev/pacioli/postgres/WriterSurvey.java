package dev.pacioli.postgres;

import java.util.Map;
import java.util.Set;

/**
 * The writers of a database as one instance saw them in one round (operations.md, high availability).
 *
 * @param heldAlive the ledgers a live holder writes: a running lease, its holder's lock session open
 * @param outForMillis every other ledger with a lease row: how long ago its lease ran out (negative while
 *     it still runs: its holder died, its lock session ended, and the lease has not run out yet)
 * @param writing each live instance and how many ledgers it holds a running lease of
 * @param self this instance's name in {@code writing}
 */
public record WriterSurvey(
        Set<Long> heldAlive, Map<Long, Long> outForMillis, Map<String, Integer> writing, String self) {

    /** The fewest ledgers a live instance writes (this one included). */
    public int fewestWriting() {
        return writing.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    public int writingHere() {
        return writing.getOrDefault(self, 0);
    }
}
