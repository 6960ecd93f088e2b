-- Deposits (docs/payments.md, Deposits), the routes that say which account a provider's reference
-- credits, and every verified inbound provider event, stored by provider event id first so that a
-- duplicate has no second effect.

create table deposits (
    sequence            bigint generated always as identity unique,
    ledger              text collate "C" not null,
    id                  text collate "C" not null,
    account             text collate "C" not null,
    amount              bigint not null check (amount > 0),
    asset               text collate "C" not null,
    connector           text collate "C",
    status              text not null check (status in ('pending', 'succeeded', 'failed', 'reversed')),
    provider_reference  text,
    provider_event_ids  text[] not null default '{}',
    metadata            text not null check (metadata::jsonb is not null),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (ledger, id)
);

create index deposits_list on deposits (ledger, sequence);

create table deposit_routes (
    connector   text collate "C" not null,
    reference   text collate "C" not null,
    ledger      text collate "C" not null,
    account     text collate "C" not null,
    created_at  timestamptz not null default now(),
    primary key (connector, reference)
);

create table inbound_events (
    connector          text collate "C" not null,
    provider_event_id  text collate "C" not null,
    provider_type      text,
    kind               text not null,
    -- The event as mapped (what it means here), JSON; and the body exactly as received.
    event              text not null check (event::jsonb is not null),
    body               text not null,
    received_at        timestamptz not null default now(),
    -- What processing it did: applied, unchanged (the payout was past that state), unmatched (no such
    -- payout, no route, no account), unknown (a type without effect).
    outcome            text,
    processed_at       timestamptz,
    primary key (connector, provider_event_id)
);
