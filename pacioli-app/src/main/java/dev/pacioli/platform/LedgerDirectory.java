package dev.pacioli.platform;

/**
 * The gate's view of the ledgers: whether one exists. A path naming a ledger that does not, or one
 * outside the key's scope, answers 404 before the route runs, so a scoped key cannot learn which
 * ledgers exist.
 */
@FunctionalInterface
public interface LedgerDirectory {
    boolean exists(String name);
}
