-- Treasury (docs/treasury.md): buffers kept between bounds, the cycles that decide, the conversions
-- they cause, and balance monitors. Money itself moves only on the ledger; these rows say why.

create table treasury_buffers (
    ledger                      text collate "C" not null,
    account                     text collate "C" not null,
    asset                       text not null,
    min_amount                  bigint not null check (min_amount >= 0),
    target                      bigint not null,
    max_amount                  bigint not null,
    critical                    bigint check (critical >= 0),
    top_up_from                 text collate "C" not null,
    sweep_to                    text collate "C" not null,
    providers                   text[] not null,
    conversion_timeout_seconds  integer not null check (conversion_timeout_seconds > 0),
    last_cycle                  text collate "C",
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now(),
    primary key (ledger, account),
    check (min_amount <= target and target <= max_amount)
);

create table treasury_conversions (
    ledger              text collate "C" not null,
    id                  text collate "C" not null,
    buffer              text collate "C",
    cycle               text collate "C",
    purpose             text not null check (purpose in ('top_up', 'sweep', 'one_off')),
    from_account        text collate "C" not null,
    to_account          text collate "C" not null,
    from_asset          text not null,
    to_asset            text not null,
    from_amount         bigint not null check (from_amount > 0),
    to_amount           bigint,
    rate                text,
    providers           text[] not null,
    tried               text[] not null default '{}',
    provider            text,
    reserve_transaction text collate "C",
    status              text not null
        check (status in ('pending', 'submitted', 'needs_review', 'completed', 'failed')),
    hold_reason         text,
    failure_reason      text,
    timeout_seconds     integer not null,
    deadline_at         timestamptz,
    created_by          text not null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (ledger, id)
);

-- A buffer never has two jobs in flight, whatever the instances and cycles racing for it.
create unique index treasury_conversions_one_in_flight on treasury_conversions (ledger, buffer)
    where buffer is not null and status in ('pending', 'submitted', 'needs_review');
create index treasury_conversions_by_status on treasury_conversions (ledger, status, id);

create table treasury_conversion_history (
    ledger       text collate "C" not null,
    conversion   text collate "C" not null,
    position     bigint generated always as identity,
    at           timestamptz not null default now(),
    actor        text not null,
    kind         text not null,
    from_status  text,
    to_status    text,
    provider     text,
    reason       text,
    transactions text[] not null default '{}',
    primary key (ledger, conversion, position)
);

create table treasury_cycles (
    ledger       text collate "C" not null,
    id           text collate "C" not null,
    trigger      text not null check (trigger in ('schedule', 'request')),
    runner       text not null,
    started_at   timestamptz not null,
    finished_at  timestamptz not null,
    decisions    jsonb not null,
    primary key (ledger, id)
);

create table treasury_balance_monitors (
    ledger        text collate "C" not null,
    id            text collate "C" not null,
    account       text collate "C" not null,
    below         bigint,
    above         bigint,
    on_balance    text not null check (on_balance in ('balance', 'available')),
    severity      text not null check (severity in ('info', 'warning', 'critical')),
    state         text not null check (state in ('ok', 'below', 'above')),
    last_sequence bigint not null default 0,
    last_value    bigint,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (ledger, id),
    check (below is not null or above is not null)
);
create index treasury_balance_monitors_by_account on treasury_balance_monitors (ledger, account);
