-- Who writes each ledger, across instances (operations.md, high availability): a lease the holder renews
-- and a fencing epoch every takeover increments. A commit moves the ledger's head only while its writer's
-- epoch is the ledger's current one, so a holder that lost its lease without noticing (paused past it, its
-- lock session dropped) commits nothing. `url` is where the holder takes writes forwarded to it.
create table ledger_writers (
    ledger_id   bigint primary key references ledgers (id),
    epoch       bigint not null check (epoch >= 1),
    instance    text not null,
    url         text,
    lease_until timestamptz not null,
    acquired_at timestamptz not null default now()
);
