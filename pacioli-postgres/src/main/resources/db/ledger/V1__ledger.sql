-- The ledger core's storage. One writer per ledger appends to journal and entries and rewrites the
-- current state of accounts and transactions, all in one database transaction per batch.
-- Amounts are bigint minor units. Times are timestamptz with microseconds.

create table ledgers (
    id              bigint generated always as identity primary key,
    name            text not null unique,
    metadata        jsonb not null default '{}',
    created_at      timestamptz not null default now(),
    -- The journal head. The writer's commit moves it only from the value it executed against, so a
    -- second writer (or a stale one) cannot interleave: the update finds no row and the commit fails.
    head_sequence   bigint not null default 0,
    head_hash       bytea not null,
    head_timestamp  bigint not null default 0
);

create table assets (
    code        text primary key,
    scale       smallint not null check (scale between 0 and 18),
    created_at  timestamptz not null default now()
);

create table accounts (
    ledger_id        bigint not null references ledgers (id),
    id               text not null,
    asset            text not null references assets (code),
    normal_balance   smallint not null,            -- 0 debit, 1 credit
    min_balance      bigint,
    max_balance      bigint,
    status           smallint not null,            -- 0 open, 1 closed
    metadata         jsonb not null,
    created_at       timestamptz not null,
    posted_debits    bigint not null check (posted_debits >= 0),
    posted_credits   bigint not null check (posted_credits >= 0),
    pending_debits   bigint not null check (pending_debits >= 0),
    pending_credits  bigint not null check (pending_credits >= 0),
    version          bigint not null,
    primary key (ledger_id, id)
);

create index accounts_metadata on accounts using gin (metadata jsonb_path_ops);

create table transactions (
    ledger_id        bigint not null references ledgers (id),
    id               text not null,
    sequence         bigint not null,
    status           smallint not null,            -- 0 pending, 1 posted, 2 voided, 3 expired
    pending          boolean not null,
    timeout_seconds  bigint,
    expires_at       bigint not null,              -- microseconds since the epoch; 0 is never
    description      text,
    metadata         jsonb not null,
    reverses         text,
    reversed_by      text,
    committed_at     timestamptz not null,
    hash             bytea not null,
    primary key (ledger_id, id)
);

create index transactions_sequence on transactions (ledger_id, sequence);
create index transactions_open_deadlines on transactions (ledger_id, expires_at) where status = 0 and expires_at <> 0;

create table postings (
    ledger_id       bigint not null,
    transaction_id  text not null,
    index           smallint not null,
    from_account    text not null,
    to_account      text not null,
    asset           text not null,
    amount          bigint not null check (amount > 0),
    posted_amount   bigint,                        -- set when a pending transaction is posted
    primary key (ledger_id, transaction_id, index)
);

-- The hash-chained journal: one row per change. It is also the outbox the events capability
-- delivers from: the sequence orders it, and (ledger, sequence) identifies an event forever.
create table journal (
    ledger_id     bigint not null references ledgers (id),
    sequence      bigint not null,
    type          smallint not null,
    committed_at  timestamptz not null,
    subject       text not null,
    canonical     bytea not null,
    hash          bytea not null,
    primary key (ledger_id, sequence)
);

-- Timestamps grow with the sequence, so a block range index answers "the last sequence at time T".
create index journal_committed_at on journal using brin (ledger_id, committed_at);

-- Account statements: one row per account per change, with the balances after it.
create table entries (
    ledger_id        bigint not null,
    account_id       text not null,
    sequence         bigint not null,
    transaction_id   text,
    kind             smallint not null,            -- 0 posted, 1 pending, 2 post, 3 void, 4 expire
    debit            bigint not null,
    credit           bigint not null,
    posted_debits    bigint not null,
    posted_credits   bigint not null,
    pending_debits   bigint not null,
    pending_credits  bigint not null,
    balance_after    bigint not null,
    available_after  bigint not null,
    committed_at     timestamptz not null,
    primary key (ledger_id, account_id, sequence)
);
