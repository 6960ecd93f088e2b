package dev.pacioli.payments.payouts;

import java.util.List;
import java.util.Map;

/**
 * A ledger's approval policy (payments.md, Approvals): for each asset, the rule with the highest
 * {@code min_amount} at or below a payout's amount decides how many approvals it needs; no rule, none.
 * The policy in force at a payout's creation is copied onto it (its {@code approvals_required} and
 * {@code approval_expires_at}), so a later change of policy never changes a payout already made.
 *
 * @param routing per asset, the connectors to use in order when the payout's own connector's breaker
 *     is open (the payout's connector first when it is listed)
 */
public record ApprovalPolicy(List<Rule> rules, long approvalWindowSeconds, Map<String, List<String>> routing) {
    public static final long WINDOW_SECONDS_DEFAULT = 86_400;
    public static final long WINDOW_SECONDS_MAX = 30L * 86_400;
    public static final int RULES_MAX = 100;
    public static final int APPROVALS_MAX = 10;

    /** No rules: nothing needs approval. */
    public static final ApprovalPolicy NONE = new ApprovalPolicy(List.of(), WINDOW_SECONDS_DEFAULT, Map.of());

    public ApprovalPolicy {
        rules = List.copyOf(rules);
        routing = Map.copyOf(routing);
    }

    public record Rule(String asset, long minAmount, int approvals) {}

    /** The approvals a payout of this asset and amount needs. */
    public int approvalsFor(String asset, long amount) {
        Rule deciding = null;
        for (Rule rule : rules) {
            if (rule.asset().equals(asset)
                    && rule.minAmount() <= amount
                    && (deciding == null || rule.minAmount() > deciding.minAmount())) {
                deciding = rule;
            }
        }
        return deciding == null ? 0 : deciding.approvals();
    }
}
