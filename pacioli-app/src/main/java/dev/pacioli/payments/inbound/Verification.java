package dev.pacioli.payments.inbound;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link InboundVerifier} answers: the request is provably from the connector's sender ({@link
 * Verified}), or it is not ({@link Refused}). Business outcomes are values here, not exceptions: a
 * forged request is expected traffic on a public endpoint.
 */
public sealed interface Verification permits Verification.Verified, Verification.Refused {

    /**
     * A request whose signature is good and, where the scheme has a timestamp, recent. It holds the
     * body and headers it was verified over, and only the verifier makes one, so {@link InboundMapper}
     * can read nothing that was not verified.
     */
    final class Verified implements Verification {
        private final InboundScheme scheme;
        private final InboundHeaders headers;
        private final byte[] body;
        private final Instant signedAt;

        Verified(InboundScheme scheme, InboundHeaders headers, byte[] body, Instant signedAt) {
            this.scheme = scheme;
            this.headers = headers;
            this.body = body.clone();
            this.signedAt = signedAt;
        }

        public InboundScheme scheme() {
            return scheme;
        }

        public InboundHeaders headers() {
            return headers;
        }

        /** The body exactly as received (a copy): for an instruction, the payout request to read. */
        public byte[] body() {
            return body.clone();
        }

        /** The body without a copy, for the mappers of this package, which only read it. */
        byte[] bodyBytes() {
            return body;
        }

        /** The signed timestamp, for the schemes that have one. */
        public Optional<Instant> signedAt() {
            return Optional.ofNullable(signedAt);
        }

        @Override
        public String toString() {
            return "Verified[" + scheme.code() + ", " + body.length + " bytes]";
        }
    }

    /**
     * A request that is not accepted.
     *
     * @param detail what was wrong, for the log and the problem's detail; it never holds a secret, a
     *     signature or the body
     */
    record Refused(Refusal refusal, String detail) implements Verification {}
}
