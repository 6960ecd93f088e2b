-- How far each ledger's events have been published to a NATS JetStream stream and acknowledged by it.
-- The publisher moves last_sequence only past a contiguous run of acknowledged events, so every event
-- at or below it is in the stream; events above it may be too (published, acknowledgement not yet
-- recorded) and are published again after a restart, which JetStream drops by their Nats-Msg-Id.
-- Keyed by stream as well: pointing Pacioli at a new stream publishes every ledger into it from the start.
create table nats_cursors (
    ledger_id      bigint not null references ledgers (id),
    stream         text not null,
    last_sequence  bigint not null check (last_sequence >= 0),
    updated_at     timestamptz not null default now(),
    primary key (ledger_id, stream)
);
