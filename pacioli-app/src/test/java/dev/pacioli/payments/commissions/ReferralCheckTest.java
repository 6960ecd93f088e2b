package dev.pacioli.payments.commissions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.payments.commissions.ReferralCheck.Verdict;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The referral rule: a party takes a referrer only when that closes no cycle, and a chain too long to
 * read whole is refused. Scenarios first, then a seeded random walk over a forest in memory, checked
 * after every change against a plain reference (follow referrers, remembering who was seen).
 */
class ReferralCheckTest {
    private final Map<String, String> referrers = new HashMap<>();

    private Verdict check(String party, String referrer) {
        return ReferralCheck.check(
                party, ReferralCheck.chain(referrer, referrers::get, ReferralCheck.CHAIN_LENGTH_MAX + 1));
    }

    @Test
    void aTreeGrowsAndACycleIsRefusedFromEitherEnd() {
        referrers.put("bob", "alice");
        referrers.put("carol", "bob");
        assertThat(check("dave", "carol")).isEqualTo(Verdict.ACCEPTED);
        assertThat(check("alice", "carol")).isEqualTo(Verdict.CYCLE);
        assertThat(check("alice", "bob")).isEqualTo(Verdict.CYCLE);
        assertThat(check("bob", "carol")).isEqualTo(Verdict.CYCLE);
        assertThat(check("alice", "alice")).isEqualTo(Verdict.CYCLE);
        // Moving a subtree under another branch is fine; under itself it is not.
        referrers.put("erin", "alice");
        assertThat(check("bob", "erin")).isEqualTo(Verdict.ACCEPTED);
        assertThat(check("carol", "carol")).isEqualTo(Verdict.CYCLE);
        // The same referrer again is no cycle.
        assertThat(check("carol", "bob")).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void aChainOfTenThousandIsReadWholeAndOneMoreIsTooLong() {
        IntStream.range(1, ReferralCheck.CHAIN_LENGTH_MAX + 1).forEach(i -> referrers.put("p" + i, "p" + (i - 1)));
        // p9999 → … → p0: 10,000 parties.
        assertThat(ReferralCheck.chain("p9999", referrers::get, ReferralCheck.CHAIN_LENGTH_MAX + 1))
                .hasSize(ReferralCheck.CHAIN_LENGTH_MAX);
        assertThat(check("new", "p9999")).isEqualTo(Verdict.ACCEPTED);
        assertThat(check("p0", "p9999")).isEqualTo(Verdict.CYCLE);
        // p10000 → … → p0: 10,001 parties, read to the bound.
        assertThat(check("new", "p10000")).isEqualTo(Verdict.CHAIN_TOO_LONG);
        // A cycle found within what was read is a cycle, whatever lies beyond.
        assertThat(check("p10000", "p10000")).isEqualTo(Verdict.CYCLE);
        assertThat(check("p5", "p10000")).isEqualTo(Verdict.CYCLE);
    }

    @Test
    void theChainIsCutAtItsBoundAndEndsAtARoot() {
        referrers.put("b", "a");
        assertThat(ReferralCheck.chain("b", referrers::get, 10)).containsExactly("b", "a");
        assertThat(ReferralCheck.chain("b", referrers::get, 1)).containsExactly("b");
    }

    @Test
    void randomChangesNeverCloseACycleAndOnlyCyclesAreRefused() {
        long seed = Long.getLong("pacioli.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        List<String> parties = IntStream.range(0, 40).mapToObj(i -> "p" + i).toList();
        int refused = 0;
        for (int step = 0; step < 20_000; step++) {
            String party = parties.get(random.nextInt(parties.size()));
            if (random.nextInt(10) == 0) {
                referrers.remove(party);
                continue;
            }
            String referrer = parties.get(random.nextInt(parties.size()));
            boolean closes = closesACycle(party, referrer);
            Verdict verdict = check(party, referrer);
            assertThat(verdict)
                    .as("seed %d step %d: %s takes %s", seed, step, party, referrer)
                    .isEqualTo(closes ? Verdict.CYCLE : Verdict.ACCEPTED);
            if (verdict == Verdict.ACCEPTED) {
                referrers.put(party, referrer);
            } else {
                refused++;
            }
            assertThat(isForest()).as("seed %d step %d", seed, step).isTrue();
        }
        assertThat(refused).as("seed %d: the walk met cycles to refuse", seed).isGreaterThan(100);
    }

    /** The reference: would the referrals hold a cycle with this change made? */
    private boolean closesACycle(String party, String referrer) {
        Map<String, String> after = new HashMap<>(referrers);
        after.put(party, referrer);
        return !isForest(after);
    }

    private boolean isForest() {
        return isForest(referrers);
    }

    private static boolean isForest(Map<String, String> referrers) {
        for (String start : referrers.keySet()) {
            Set<String> seen = new HashSet<>();
            for (String party = start; party != null; party = referrers.get(party)) {
                if (!seen.add(party)) {
                    return false;
                }
            }
        }
        return true;
    }
}
