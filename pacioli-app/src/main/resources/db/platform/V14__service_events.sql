-- The service's own event stream: changes of objects that belong to no ledger (API keys, webhook
-- endpoints, ledgers themselves, and later the capabilities' service-wide objects). Ledger events are
-- the ledger's journal; these have a journal of their own, with the same promise: an event exists
-- exactly when its change committed, because it is written in that change's transaction.
--
-- The sequence is gap-free and in commit order: an append takes the next number from the one-row head
-- under its row lock, held until the appending transaction ends, so a reader that has seen sequence n
-- can never later find a committed n - 1 it skipped.
create table service_event_head (
    only_row  boolean primary key default true check (only_row),
    sequence  bigint not null check (sequence >= 0)
);

insert into service_event_head (only_row, sequence) values (true, 0);

create table service_events (
    sequence    bigint primary key check (sequence >= 1),
    type        text not null check (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    -- The object's JSON exactly as the API wrote it, so every reader gets the same bytes forever.
    data        text not null check (data::jsonb is not null),
    created_at  timestamptz not null default now()
);
