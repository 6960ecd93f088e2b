-- Clearing (docs/clearing.md): participants, the one open window per ledger, obligations, the running
-- positions the risk gate reads, and each window's netting report.

create table clearing_participants (
    ledger               text collate "C" not null,
    id                   text collate "C" not null,
    name                 text not null,
    bic                  text collate "C",
    -- {"USD": "participants:bank-a:USD"}: the prefunded account per asset, on this ledger.
    settlement_accounts  jsonb not null,
    -- {"USD": 5000000}; an asset without a cap is capped by its settlement account's available balance.
    net_debit_caps       jsonb not null,
    status               text not null check (status in ('active', 'suspended')),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    primary key (ledger, id)
);

create unique index clearing_participants_bic on clearing_participants (ledger, bic) where bic is not null;

-- One row per ledger: every change to a ledger's clearing state (intake, cancel, a compliance release,
-- close) locks it first, so the risk gate and the window boundary see one order of obligations.
create table clearing_state (
    ledger               text collate "C" primary key,
    open_window          text collate "C" not null,
    window_number        bigint not null check (window_number > 0),
    -- The last position given to an obligation: windows close at a position, not at a clock time.
    last_position        bigint not null default 0,
    close_every_seconds  integer check (close_every_seconds between 1 and 86400),
    auto_settle          boolean not null default false
);

create table clearing_windows (
    ledger                   text collate "C" not null,
    id                       text collate "C" not null,
    number                   bigint not null,
    status                   text not null check (status in ('open', 'closed', 'settled', 'settlement_failed')),
    -- The window holds the obligations accepted at positions first_position .. last_position.
    first_position           bigint not null,
    last_position            bigint,
    opened_at                timestamptz not null default now(),
    closed_at                timestamptz,
    settled_at               timestamptz,
    report                   jsonb,
    failure                  jsonb,
    settlement_transaction   text collate "C",
    primary key (ledger, id),
    unique (ledger, number)
);

-- An obligation's stored status is accepted, held, rejected or canceled; an accepted one reads as
-- netted once its window is closed and settled once its window is settled, so closing and settling a
-- window of 100,000 obligations writes one row, not 100,000.
create table clearing_obligations (
    sequence       bigint generated always as identity unique,
    ledger         text collate "C" not null,
    id             text collate "C" not null,
    window_id      text collate "C" not null,
    position       bigint not null,
    debtor         text collate "C" not null,
    creditor       text collate "C" not null,
    amount         bigint not null check (amount > 0),
    asset          text collate "C" not null,
    reference      text,
    debtor_name    text,
    creditor_name  text,
    status         text not null check (status in ('accepted', 'held', 'rejected', 'canceled')),
    reason         text,
    request_hash   text not null,
    created_by     text not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (ledger, id),
    check (debtor <> creditor)
);

create index clearing_obligations_window on clearing_obligations (ledger, window_id, status);

-- Accepted obligations' sums per participant and asset in each window: what the risk gate reads, and
-- what netting at close is checked against.
create table clearing_positions (
    ledger       text collate "C" not null,
    window_id    text collate "C" not null,
    participant  text collate "C" not null,
    asset        text collate "C" not null,
    outgoing     bigint not null default 0 check (outgoing >= 0),
    incoming     bigint not null default 0 check (incoming >= 0),
    primary key (ledger, window_id, participant, asset)
);

-- pacs.008 messages taken in: the same MsgId and content answers the stored pacs.002 again.
create table clearing_iso_messages (
    ledger        text collate "C" not null,
    message_id    text collate "C" not null,
    content_hash  text not null,
    report        bytea not null,
    created_at    timestamptz not null default now(),
    primary key (ledger, message_id)
);
