package dev.pacioli.ledger;

/** Debits {@code from} and credits {@code to} by {@code amount} minor units of {@code asset}. */
public record Posting(String from, String to, long amount, String asset) {
    public Posting {
        if (!Limits.isIdentifier(from) || !Limits.isIdentifier(to)) {
            throw new IllegalArgumentException("posting accounts must match the identifier pattern");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("posting amount must be positive: " + amount);
        }
        if (!Limits.isAssetCode(asset)) {
            throw new IllegalArgumentException("posting asset does not match the asset pattern: " + asset);
        }
    }
}
