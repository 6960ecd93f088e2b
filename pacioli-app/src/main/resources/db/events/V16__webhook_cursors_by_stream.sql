-- Webhook cursors and deliveries are kept per event stream, not per ledger, as NATS cursors are (V15):
-- a ledger's stream is named by the ledger's name, the service's own stream is `_service` (V14). No
-- ledger name can be `_service` (a name starts with a letter or digit). Existing cursors and deliveries
-- keep their positions.
alter table webhook_cursors add column stream text collate "C";

update webhook_cursors c set stream = l.name from ledgers l where l.id = c.ledger_id;

alter table webhook_cursors alter column stream set not null;

alter table webhook_cursors drop constraint webhook_cursors_pkey;

alter table webhook_cursors drop column ledger_id;

alter table webhook_cursors add primary key (endpoint_id, stream);

-- Every endpoint reads the service stream too, from its head at this upgrade (as a new endpoint reads
-- what follows its creation): its events of no ledger go to endpoints of every stream, its events of a
-- ledger's objects (payouts) to the endpoints of that ledger.
insert into webhook_cursors (endpoint_id, stream, after_sequence)
select e.id, '_service', h.sequence from webhook_endpoints e cross join service_event_head h;

alter table webhook_deliveries add column stream text collate "C";

-- The event's ledger: the stream's for a ledger's event; on the service stream, the ledger of the
-- changed object (a payout's), null for an object of no ledger.
alter table webhook_deliveries add column ledger text collate "C";

update webhook_deliveries d set stream = l.name, ledger = l.name from ledgers l where l.id = d.ledger_id;

alter table webhook_deliveries alter column stream set not null;

alter table webhook_deliveries drop column ledger_id;

alter table webhook_deliveries add constraint webhook_deliveries_endpoint_stream_sequence_key
    unique (endpoint_id, stream, sequence);
