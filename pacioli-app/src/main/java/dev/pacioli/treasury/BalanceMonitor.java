package dev.pacioli.treasury;

/**
 * A line on an account's balance (treasury.md, Balance monitors): an alert is raised when the account
 * crosses it and resolved when it comes back. {@code state} is where the account was at {@code
 * lastSequence}, the last journal sequence evaluated.
 *
 * @param on {@code balance} or {@code available}
 */
public record BalanceMonitor(
        String ledger,
        String id,
        String account,
        Long below,
        Long above,
        String on,
        String severity,
        String state,
        long lastSequence,
        Long lastValue,
        long createdAtMicros,
        long updatedAtMicros) {

    /** Where a value stands against the lines: {@code below}, {@code above} or {@code ok}. */
    String stateOf(long value) {
        if (below != null && value < below) {
            return "below";
        }
        return above != null && value > above ? "above" : "ok";
    }

    String alertKey() {
        return "balance_monitor:" + ledger + ":" + id;
    }
}
