-- Undoes V24: deposits' history, and the flags of a deposit whose posting is in flight.
-- loses: deposit history entries: select count(*) from deposit_history
-- loses: deposits pending or failed (before V24 every deposit had succeeded): select count(*) from deposits where status in ('pending', 'failed') or posting or not visible
drop table deposit_history;
drop index deposits_by_status;
alter table deposits drop constraint deposits_posting_is_pending;
alter table deposits drop column posting, drop column visible;
