-- Events of capability objects that belong to a ledger (payouts, deposits) go to the service stream and
-- carry that ledger, so that consumers and webhook filters can tell them apart; null for objects of no
-- ledger (API keys, webhook endpoints, ledgers themselves).
alter table service_events add column ledger text collate "C";

create index service_events_ledger on service_events (ledger, sequence) where ledger is not null;
