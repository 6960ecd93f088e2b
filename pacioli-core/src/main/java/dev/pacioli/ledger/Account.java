package dev.pacioli.ledger;

/** An account as it stands after a committed change. Immutable. */
public record Account(AccountSpec spec, AccountStatus status, long createdAtMicros, Balances balances, long version) {
    public String id() {
        return spec.id();
    }

    public String asset() {
        return spec.asset();
    }

    public long balance() {
        return balances.balance(spec.normalBalance());
    }

    public long available() {
        return balances.available(spec.normalBalance());
    }
}
