-- Undoes V16: webhook cursors and deliveries are kept by ledger id again. The service stream's cursors
-- (V16 made them) go; its deliveries have no place there.
-- loses: webhook deliveries of the service stream: select count(*) from webhook_deliveries d where not exists (select 1 from ledgers l where l.name = d.stream)
alter table webhook_deliveries drop constraint webhook_deliveries_endpoint_stream_sequence_key;
alter table webhook_deliveries add column ledger_id bigint references ledgers (id);
update webhook_deliveries d set ledger_id = l.id from ledgers l where l.name = d.stream;
delete from webhook_deliveries where ledger_id is null;
alter table webhook_deliveries alter column ledger_id set not null;
alter table webhook_deliveries drop column stream, drop column ledger;
alter table webhook_deliveries add constraint webhook_deliveries_endpoint_id_ledger_id_sequence_key
    unique (endpoint_id, ledger_id, sequence);

alter table webhook_cursors add column ledger_id bigint references ledgers (id);
update webhook_cursors c set ledger_id = l.id from ledgers l where l.name = c.stream;
delete from webhook_cursors where ledger_id is null;
alter table webhook_cursors alter column ledger_id set not null;
alter table webhook_cursors drop constraint webhook_cursors_pkey;
alter table webhook_cursors drop column stream;
alter table webhook_cursors add primary key (endpoint_id, ledger_id);
