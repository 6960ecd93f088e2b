package dev.pacioli.bench;

/**
 * One transfer the harness asks for, in account indexes ({@link AccountIds}): one leg, or three for a
 * payment with a fee split. Each mode turns it into its own request: a {@code TransactionSpec}, JSON,
 * or the baseline's SQL.
 */
record Transfer(int[] from, int[] to, long[] amounts, boolean pending) {
    static Transfer single(int from, int to, long amount, boolean pending) {
        return new Transfer(new int[] {from}, new int[] {to}, new long[] {amount}, pending);
    }

    int legs() {
        return from.length;
    }
}
