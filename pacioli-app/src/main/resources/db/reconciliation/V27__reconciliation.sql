-- Reconciliation (docs/reconciliation.md): statements and their lines, saved CSV mappings, matching
-- runs with their matches and proposals, per-account drift settings and history, the payout holds a
-- drift places, legacy balance comparisons, and the daily schedule.

create table recon_csv_mappings (
    id text primary key,
    mapping jsonb not null,
    updated_at timestamptz not null default now()
);

create table recon_statements (
    id text primary key,
    ledger text not null,
    account text not null,
    asset text not null,
    format text not null,
    content_hash bytea not null,
    opening_balance bigint,
    closing_balance bigint,
    closing_date date,
    line_count integer not null,
    created_by text not null,
    created_at timestamptz not null default now(),
    -- The same file again is the statement already stored: the content hash is the idempotency.
    unique (ledger, account, content_hash)
);

create table recon_lines (
    id text primary key,
    statement_id text not null references recon_statements (id),
    ledger text not null,
    account text not null,
    position integer not null,
    external_id text,
    booking_date date not null,
    value_date date,
    amount bigint not null,
    asset text not null,
    reference text,
    end_to_end_id text,
    counterparty text,
    description text,
    status text not null default 'unmatched'
        check (status in ('unmatched', 'matched', 'proposed', 'ignored')),
    match_id text,
    ignore_reason text,
    created_at timestamptz not null default now(),
    check ((status = 'matched') = (match_id is not null))
);
create index recon_lines_by_account_date on recon_lines (ledger, account, booking_date);

create table recon_runs (
    id text primary key,
    ledger text not null,
    account text not null,
    from_date date not null,
    to_date date not null,
    window_days integer not null,
    summary jsonb not null,
    created_by text not null,
    created_at timestamptz not null default now()
);
create index recon_runs_by_account on recon_runs (ledger, account, created_at);

create table recon_matches (
    id text primary key,
    ledger text not null,
    account text not null,
    run_id text references recon_runs (id),
    tier text not null,
    lines text[] not null,
    entries bigint[] not null,
    transactions text[] not null,
    write_off_transaction text,
    created_by text not null,
    created_at timestamptz not null default now()
);

-- Each ledger entry (an account's journal sequence) is in at most one match: the key says so.
create table recon_matched_entries (
    ledger text not null,
    account text not null,
    sequence bigint not null,
    match_id text not null references recon_matches (id) on delete cascade,
    primary key (ledger, account, sequence)
);

create table recon_proposals (
    id text primary key,
    run_id text not null references recon_runs (id),
    ledger text not null,
    account text not null,
    tier text not null,
    lines text[] not null,
    entries bigint[] not null,
    score text not null,
    reasons jsonb not null,
    status text not null default 'open' check (status in ('open', 'accepted', 'superseded'))
);
create index recon_proposals_open on recon_proposals (ledger, account) where status = 'open';

create table recon_account_settings (
    ledger text not null,
    account text not null,
    settings jsonb not null,
    updated_at timestamptz not null default now(),
    primary key (ledger, account)
);

-- Every measure of drift, for the report's chart; a hold_payouts one holds the ledger's new payouts
-- until an operator clears it.
create table recon_drifts (
    id bigserial primary key,
    ledger text not null,
    account text not null,
    as_of_date date not null,
    source text not null,
    ledger_balance bigint not null,
    outside_balance bigint not null,
    drift bigint not null,
    severity text not null,
    action text not null,
    holds_payouts boolean not null default false,
    cleared_at timestamptz,
    cleared_by text,
    created_at timestamptz not null default now()
);
create index recon_drifts_by_account on recon_drifts (ledger, account, as_of_date);
create index recon_drifts_holding on recon_drifts (ledger) where holds_payouts and cleared_at is null;

create table recon_comparisons (
    id text primary key,
    ledger text not null,
    as_of timestamptz not null,
    tolerance bigint not null,
    report jsonb not null,
    rows text not null,
    created_by text not null,
    created_at timestamptz not null default now()
);

create table recon_schedules (
    ledger text primary key,
    accounts jsonb not null,
    at_time text not null,
    time_zone text not null,
    updated_at timestamptz not null default now()
);

-- One row per ledger and day: the daily run happens once, whatever the number of instances.
create table recon_daily_runs (
    ledger text not null,
    day date not null,
    runner text not null,
    created_at timestamptz not null default now(),
    primary key (ledger, day)
);
