package dev.pacioli.clearing;

import dev.pacioli.platform.RequestReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A new obligation as asked for, validated for shape; the checks against state come at intake. */
public record ObligationRequest(
        String id,
        String debtor,
        String creditor,
        long amount,
        String asset,
        String reference,
        String debtorName,
        String creditorName) {
    public static final List<String> FIELDS = List.of(
            "id",
            "debtor",
            "creditor",
            "amount",
            "asset",
            RequestReader.orNull("reference"),
            RequestReader.orNull("debtor_name"),
            RequestReader.orNull("creditor_name"));
    public static final int TEXT_LENGTH_MAX = 256;

    public static ObligationRequest read(RequestReader.Fields body) {
        return new ObligationRequest(
                body.identifier("id", true),
                body.identifier("debtor", true),
                body.identifier("creditor", true),
                body.amount("amount", true),
                body.assetCode("asset"),
                body.string("reference", false, TEXT_LENGTH_MAX),
                body.string("debtor_name", false, TEXT_LENGTH_MAX),
                body.string("creditor_name", false, TEXT_LENGTH_MAX));
    }

    /** SHA-256 of every field, so a replay of the same id is told from another obligation. */
    public String hash() {
        String canonical = String.join(
                "\u0000",
                id,
                debtor,
                creditor,
                Long.toString(amount),
                asset,
                String.valueOf(reference),
                String.valueOf(debtorName),
                String.valueOf(creditorName));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
