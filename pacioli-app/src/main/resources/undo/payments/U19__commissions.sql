-- Undoes V19: parties and commission plans.
-- loses: parties: select count(*) from parties
-- loses: commission plans: select count(*) from commission_plans
drop table commission_plans, parties;
