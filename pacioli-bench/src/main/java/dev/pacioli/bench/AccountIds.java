package dev.pacioli.bench;

/**
 * The accounts of a benchmark ledger, by index: users {@code 0..users-1} ({@code u:<i>}, bounded below
 * by zero), two fee accounts (bounded below by zero, credited by the fee-split workload), and the bank
 * that funds everyone (unbounded, it goes negative). Ids are made once, so the workloads do not
 * allocate them per transfer.
 */
final class AccountIds {
    static final String ASSET = "USD";

    final int users;
    final int platformFees;
    final int networkFees;
    final int bank;
    private final String[] ids;

    AccountIds(int users) {
        this.users = users;
        this.platformFees = users;
        this.networkFees = users + 1;
        this.bank = users + 2;
        this.ids = new String[users + 3];
        for (int i = 0; i < users; i++) {
            ids[i] = "u:" + i;
        }
        ids[platformFees] = "fees:platform";
        ids[networkFees] = "fees:network";
        ids[bank] = "bank";
    }

    String id(int index) {
        return ids[index];
    }

    /** Every account, the bank included. */
    int count() {
        return ids.length;
    }
}
