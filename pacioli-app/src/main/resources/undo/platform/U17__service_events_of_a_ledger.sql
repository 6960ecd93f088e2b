-- Undoes V17: which ledger a service event concerns.
-- loses: service events' ledgers: select count(*) from service_events where ledger is not null
drop index service_events_ledger;
alter table service_events drop column ledger;
