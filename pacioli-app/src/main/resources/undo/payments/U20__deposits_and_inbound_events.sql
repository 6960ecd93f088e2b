-- Undoes V20: deposits, deposit routes and inbound provider events.
-- loses: deposits: select count(*) from deposits
-- loses: deposit routes: select count(*) from deposit_routes
-- loses: inbound events: select count(*) from inbound_events
drop table inbound_events, deposit_routes, deposits;
