-- Custody's chain transactions (docs/custody.md, Chain transactions): intents to send from a wallet,
-- each signed once per attempt and sent until mined; the next nonce of each (chain, address); the
-- wallets' balance monitors.
--
-- The nonce of a transaction is allocated in the database transaction that stores it signed: a
-- conditional UPDATE of custody_nonces (next_nonce = the value read) and the UPDATE of the transaction
-- commit together or not at all, so a nonce is never lost between two steps. The unique index below is
-- the last word: two live rows (any status but failed) never share a nonce of one address.
create table custody_nonces (
    chain               text not null,
    address             text not null,
    next_nonce          bigint not null check (next_nonce >= 0),
    repaired_at         timestamptz,
    primary key (chain, address)
);

create table custody_transactions (
    id                          text primary key,
    sequence                    bigserial not null unique,
    wallet_id                   text not null references custody_wallets (id),
    chain                       text not null,
    address                     text not null,
    kind                        text not null check (kind in ('intent', 'filler')),
    to_address                  text not null,
    value_wei                   numeric(78, 0) not null check (value_wei >= 0),
    data                        bytea not null,
    status                      text not null
                                check (status in ('held', 'queued', 'signed', 'broadcast', 'confirmed', 'failed')),
    hold_reason                 text,
    nonce                       bigint check (nonce >= 0),
    gas_limit                   bigint,
    max_fee_per_gas             numeric(78, 0),
    max_priority_fee_per_gas    numeric(78, 0),
    hash                        text,
    raw                         bytea,
    replacements                integer not null default 0,
    sent_at                     timestamptz,
    mined_hash                  text,
    block_number                bigint,
    failure_reason              text,
    ledger_posting              jsonb,
    reserve_id                  text,
    fingerprint                 text not null,
    created_by                  text not null,
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now(),
    check ((status in ('held', 'queued')) = (nonce is null) or status = 'failed'),
    check ((status = 'held') = (hold_reason is not null))
);

create unique index custody_transactions_one_per_nonce on custody_transactions (chain, address, nonce)
    where nonce is not null and status <> 'failed';
create index custody_transactions_open on custody_transactions (chain, address, nonce)
    where status in ('signed', 'broadcast');
create index custody_transactions_by_wallet on custody_transactions (wallet_id, sequence);

-- Every signed attempt of a transaction: the first, then each replacement (same nonce, fees raised).
create table custody_transaction_attempts (
    transaction_id              text not null references custody_transactions (id),
    attempt                     integer not null check (attempt >= 1),
    hash                        text not null,
    max_fee_per_gas             numeric(78, 0) not null,
    max_priority_fee_per_gas    numeric(78, 0) not null,
    reason                      text not null check (reason in ('first', 'replacement')),
    broadcasts                  integer not null default 0,
    created_at                  timestamptz not null default now(),
    primary key (transaction_id, attempt)
);

create table custody_wallet_monitors (
    wallet_id           text primary key references custody_wallets (id),
    below_wei           numeric(78, 0) not null check (below_wei >= 0),
    severity            text not null check (severity in ('info', 'warning', 'critical')),
    updated_at          timestamptz not null default now()
);
