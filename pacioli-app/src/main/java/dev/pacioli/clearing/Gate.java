package dev.pacioli.clearing;

import dev.pacioli.platform.ApiException;

/**
 * The risk gate (clearing.md): a debtor's net debit position in the open window — what it owes minus
 * what it is owed, over accepted obligations — including the new obligation must stay within its cap.
 * Called only under the ledger's clearing-state lock, so the position it reads is the one it changes.
 */
final class Gate {
    private Gate() {}

    /**
     * Null when {@code amount} more owed by {@code participant} fits its cap; else the 422.
     *
     * @param position {incoming, outgoing} of the participant in the asset in the open window
     */
    static ApiException refusal(Participant participant, String asset, long[] position, long amount, long cap) {
        long debit = Math.subtractExact(position[1], position[0]);
        if (Math.addExact(debit, amount) <= cap) {
            return null;
        }
        return new ApiException(
                422,
                "net_debit_cap_exceeded",
                "participant " + participant.id() + " would owe " + Math.addExact(debit, amount) + " " + asset
                        + " net in the window; its cap is " + cap);
    }
}
