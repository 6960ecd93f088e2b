package dev.pacioli.platform;

import java.net.URI;
import java.util.Optional;

/**
 * The gate's view of the ledgers: whether one exists, and whether this instance writes it. A path
 * naming a ledger that does not, or one outside the key's scope, answers 404 before the route runs, so a
 * scoped key cannot learn which ledgers exist; a write to a ledger another instance writes is forwarded
 * to it ({@link WriteForwarding}).
 */
@FunctionalInterface
public interface LedgerDirectory {
    boolean exists(String name);

    /** Whether this instance writes the ledger (holds its writer); false while another does. */
    default boolean writesHere(String name) {
        return true;
    }

    /** Where the ledger's writes go when another instance writes it; empty when here, or none is live. */
    default Optional<URI> writerElsewhere(String name) {
        return Optional.empty();
    }
}
