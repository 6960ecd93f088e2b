package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.Limits;
import java.util.List;

/**
 * A commission plan: level n of a party's referral chain (level 1 is the party's referrer) is paid
 * {@code levelsBps[n-1]} basis points of an amount, in {@code asset}, from {@code source} to the account
 * {@code payeeAccount} names once {@value #PARTY} is replaced by that ancestor's id.
 *
 * <p>Pure: no storage, no clock. Every plan that exists satisfies the rules below, so the split
 * ({@link CommissionSplit}) never meets a bad level or template. The one thing a plan cannot promise
 * is that every party's payee account fits an id: a template of 40 characters and a party id of 128
 * would make a name of 161, so {@link #payeeAccountOf} may answer a name that is not an id and the split
 * says so.
 *
 * @param levelsBps 1..{@value #LEVELS_MAX} levels, each 0..{@value #BPS_MAX} basis points (10000 is the
 *     whole amount); a level of 0 pays nothing and does not end the chain
 */
public record CommissionPlan(String id, String asset, List<Integer> levelsBps, String source, String payeeAccount) {
    /** Levels a plan pays at most; the chain walked for a payment is never longer. */
    public static final int LEVELS_MAX = 10;

    /** Basis points of the whole amount. */
    public static final int BPS_MAX = 10_000;

    /** What a payee account template holds once, standing for the ancestor's party id. */
    public static final String PARTY = "{party}";

    /**
     * The longest template that can name an account: {@value #PARTY} stands for at least one character,
     * and an account id has at most {@link Limits#IDENTIFIER_LENGTH_MAX}.
     */
    public static final int PAYEE_ACCOUNT_LENGTH_MAX = Limits.IDENTIFIER_LENGTH_MAX + PARTY.length() - 1;

    public CommissionPlan {
        if (!Limits.isIdentifier(id)) {
            throw new IllegalArgumentException("plan id does not match the identifier pattern: " + id);
        }
        if (!Limits.isAssetCode(asset)) {
            throw new IllegalArgumentException("asset does not match the asset pattern: " + asset);
        }
        levelsBps = List.copyOf(levelsBps);
        String levels = levelsProblem(levelsBps);
        if (levels != null) {
            throw new IllegalArgumentException(levels);
        }
        if (!Limits.isIdentifier(source)) {
            throw new IllegalArgumentException("source does not match the identifier pattern: " + source);
        }
        String template = payeeAccountProblem(payeeAccount);
        if (template != null) {
            throw new IllegalArgumentException(template);
        }
    }

    /** Why these levels are not a plan's, or null when they are. */
    public static String levelsProblem(List<Integer> levelsBps) {
        if (levelsBps.isEmpty() || levelsBps.size() > LEVELS_MAX) {
            return "a plan has 1 to " + LEVELS_MAX + " levels";
        }
        for (Integer bps : levelsBps) {
            if (bps == null || bps < 0 || bps > BPS_MAX) {
                return "each level is 0 to " + BPS_MAX + " basis points";
            }
        }
        return null;
    }

    /**
     * Why this is not a payee account template, or null when it is: it must hold {@value #PARTY} exactly
     * once, and naming a party of one character must give an account id, so that every character
     * around the placeholder is one an id may hold where it stands.
     */
    public static String payeeAccountProblem(String template) {
        if (template == null || template.length() > PAYEE_ACCOUNT_LENGTH_MAX) {
            return "a payee account template is at most " + PAYEE_ACCOUNT_LENGTH_MAX + " characters";
        }
        int at = template.indexOf(PARTY);
        if (at < 0 || template.indexOf(PARTY, at + 1) >= 0) {
            return "a payee account template holds " + PARTY + " exactly once";
        }
        if (!Limits.isIdentifier(template.replace(PARTY, "a"))) {
            return "a payee account template gives an account id once " + PARTY + " is replaced"
                    + " (^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$)";
        }
        return null;
    }

    /** The payee account of this party: the template with the party's id in place; not always an id. */
    public String payeeAccountOf(String party) {
        return payeeAccount.replace(PARTY, party);
    }
}
