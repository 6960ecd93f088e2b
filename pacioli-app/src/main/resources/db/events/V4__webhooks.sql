-- Webhooks: the endpoints admins register, one delivery row per (event, endpoint), and a fan-out
-- cursor per (endpoint, ledger). Events themselves stay in the journal (the outbox); a delivery
-- names its event by ledger and sequence, and the body is rebuilt from the journal when it is sent,
-- byte for byte the same on every attempt.

create table webhook_endpoints (
    id                     text collate "C" primary key check (id ~ '^whk_[0-9a-f]{16}$'),
    url                    text not null,
    events                 text[] not null,         -- filters: 'transaction.created', 'transaction.*', '*'
    ledgers                text[] collate "C",      -- ledger names; null is every ledger
    -- The signing secret ('whsec_' + base64). It must be kept in the clear to sign; envelope
    -- encryption arrives with the custody capability.
    secret                 text not null,
    -- After a rotation the old secret keeps signing beside the new one until previous_secret_until.
    previous_secret        text,
    previous_secret_until  timestamptz,
    enabled                boolean not null default true,
    disabled_reason        text,
    -- When the first of an unbroken run of failed attempts happened; null after any success.
    failing_since          timestamptz,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    check (enabled = (disabled_reason is null)),
    check ((previous_secret is null) = (previous_secret_until is null))
);

-- How far the fan-out has read each ledger's journal for each endpoint: every event at or before
-- after_sequence has its delivery row (or did not match the endpoint's filters).
create table webhook_cursors (
    endpoint_id     text collate "C" not null references webhook_endpoints (id) on delete cascade,
    ledger_id       bigint not null references ledgers (id),
    after_sequence  bigint not null check (after_sequence >= 0),
    primary key (endpoint_id, ledger_id)
);

create table webhook_deliveries (
    id                bigint generated always as identity primary key,
    endpoint_id       text collate "C" not null references webhook_endpoints (id) on delete cascade,
    event_id          text collate "C" not null,
    ledger_id         bigint not null references ledgers (id),
    sequence          bigint not null check (sequence >= 1),
    type              text not null,
    event_created_at  timestamptz not null,
    status            text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
    attempts          integer not null default 0 check (attempts >= 0),
    -- When a pending delivery is due. A claimed one is leased: pushed past the attempt's timeouts,
    -- so a crashed sender's attempt becomes due again and nobody else sends it meanwhile.
    next_attempt_at   timestamptz,
    last_attempt_at   timestamptz,
    last_status_code  integer,
    last_error        text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    unique (endpoint_id, ledger_id, sequence),
    check ((status = 'pending') = (next_attempt_at is not null))
);

-- The dispatcher's claim: due pending deliveries, oldest first.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at, id) where status = 'pending';

-- An endpoint's deliveries, newest first (the list route), and its backlog.
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);
