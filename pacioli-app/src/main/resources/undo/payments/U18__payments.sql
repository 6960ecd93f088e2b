-- Undoes V18: payment connectors, approval policies, payouts, their approvals and history.
-- loses: payouts: select count(*) from payouts
-- loses: payment connectors: select count(*) from payment_connectors
-- loses: approval policies: select count(*) from approval_policies
drop table payout_history, payout_approvals, payouts, approval_policies, payment_connectors;
