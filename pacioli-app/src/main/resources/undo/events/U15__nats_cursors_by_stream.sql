-- Undoes V15: the NATS positions are kept by ledger id again; a position of a stream that is no
-- ledger (the service's own) has no place there.
-- loses: NATS cursors of streams that are no ledger: select count(*) from nats_cursors c where not exists (select 1 from ledgers l where l.name = c.source)
alter table nats_cursors add column ledger_id bigint references ledgers (id);
update nats_cursors c set ledger_id = l.id from ledgers l where l.name = c.source;
delete from nats_cursors where ledger_id is null;
alter table nats_cursors alter column ledger_id set not null;
alter table nats_cursors drop constraint nats_cursors_pkey;
alter table nats_cursors drop column source;
alter table nats_cursors add primary key (ledger_id, stream);
