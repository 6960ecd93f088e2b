-- Deposits' originators are screened (docs/payments.md, Screened deposits). A deposit whose originator
-- hits a sanctions list stays pending, held, while its cases are open, whatever the provider reports.
--
-- originator: who sent the money, as the provider named it: {"name", "country", "address"}; null when
--   the provider names no one.
-- hold_reason: 'screening' while a case on the originator is open; null otherwise.
-- succeed_on_release: the provider reported the deposit succeeded while it was held: clearing the last
--   case decides succeeded (and posts deposit:{id}); a confirmed case fails it instead.
alter table deposits add column originator jsonb;
alter table deposits add column hold_reason text;
alter table deposits add column succeed_on_release boolean not null default false;
alter table deposits add constraint deposits_hold_reason check (hold_reason in ('screening'));
alter table deposits add constraint deposits_held_is_pending check (hold_reason is null or status = 'pending');
