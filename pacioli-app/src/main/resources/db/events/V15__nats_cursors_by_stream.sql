-- NATS cursors are kept per event stream, not per ledger: a ledger's stream is named by the ledger's
-- name, the service's own stream is `_service` (V14). Existing cursors keep their positions.
alter table nats_cursors add column source text collate "C";

update nats_cursors c set source = l.name from ledgers l where l.id = c.ledger_id;

alter table nats_cursors alter column source set not null;

alter table nats_cursors drop constraint nats_cursors_pkey;

alter table nats_cursors drop column ledger_id;

alter table nats_cursors add primary key (source, stream);
