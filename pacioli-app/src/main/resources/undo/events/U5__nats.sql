-- Undoes V5: the NATS publisher's positions (without them it would publish every event again).
-- loses: NATS cursors: select count(*) from nats_cursors
drop table nats_cursors;
