package dev.pacioli.ledger;

/** A currency or other unit. Amounts are integers in minor units: USD with scale 2 counts cents. */
public record Asset(String code, int scale) {
    public Asset {
        if (!Limits.isAssetCode(code)) {
            throw new IllegalArgumentException("asset code does not match the asset pattern: " + code);
        }
        if (scale < 0 || scale > Limits.ASSET_SCALE_MAX) {
            throw new IllegalArgumentException("asset scale is 0 to " + Limits.ASSET_SCALE_MAX);
        }
    }
}
