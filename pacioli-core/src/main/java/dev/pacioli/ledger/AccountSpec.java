package dev.pacioli.ledger;

import java.util.Objects;

/**
 * What a client asks for when it opens an account. Bounds are optional: null is unbounded. The
 * bounds apply to what an account can spend and hold: {@code available} may not fall below
 * {@code minBalance}, and {@code balance} plus pending inflows may not rise above {@code maxBalance}.
 */
public record AccountSpec(
        String id, String asset, NormalBalance normalBalance, Long minBalance, Long maxBalance, Metadata metadata) {
    public AccountSpec {
        Objects.requireNonNull(normalBalance, "normalBalance");
        Objects.requireNonNull(metadata, "metadata");
        if (!Limits.isIdentifier(id)) {
            throw new IllegalArgumentException("account id does not match the identifier pattern: " + id);
        }
        if (!Limits.isAssetCode(asset)) {
            throw new IllegalArgumentException("asset code does not match the asset pattern: " + asset);
        }
        if (minBalance != null && maxBalance != null && minBalance > maxBalance) {
            throw new IllegalArgumentException("min_balance is greater than max_balance");
        }
    }

    public static AccountSpec of(String id, String asset, NormalBalance normalBalance) {
        return new AccountSpec(id, asset, normalBalance, null, null, Metadata.EMPTY);
    }
}
