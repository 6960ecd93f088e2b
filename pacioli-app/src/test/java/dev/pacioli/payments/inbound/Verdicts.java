package dev.pacioli.payments.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.payments.inbound.Verification.Refused;
import dev.pacioli.payments.inbound.Verification.Verified;

/** Assertions on what the verifier answered, shared by the scheme tests. */
final class Verdicts {
    private Verdicts() {}

    static Verified assertVerified(Verification verification) {
        assertThat(verification).as("verification").isInstanceOf(Verified.class);
        return (Verified) verification;
    }

    static Refused assertRefused(Verification verification, Refusal refusal) {
        assertThat(verification).as("verification").isInstanceOf(Refused.class);
        Refused refused = (Refused) verification;
        assertThat(refused.refusal()).as(refused.detail()).isEqualTo(refusal);
        assertThat(refused.detail()).isNotBlank();
        return refused;
    }

    static Refused assertBadSignature(Verification verification) {
        return assertRefused(verification, Refusal.INVALID_SIGNATURE);
    }

    static Refused assertStale(Verification verification) {
        return assertRefused(verification, Refusal.STALE_TIMESTAMP);
    }
}
