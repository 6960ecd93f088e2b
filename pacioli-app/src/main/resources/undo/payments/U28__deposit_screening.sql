-- Undoes V28: deposits' originators and screening holds.
-- loses: deposits with an originator or a hold: select count(*) from deposits where originator is not null or hold_reason is not null or succeed_on_release
alter table deposits drop constraint deposits_held_is_pending, drop constraint deposits_hold_reason;
alter table deposits drop column originator, drop column hold_reason, drop column succeed_on_release;
