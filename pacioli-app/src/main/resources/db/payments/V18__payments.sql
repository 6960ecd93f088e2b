-- Payments (docs/payments.md): the connectors money moves through, payouts with their approvals and
-- history, and the approval policy of each ledger.

-- A payment connector: a rail money leaves through (simulator, http) or a provider whose webhooks come
-- in (inbound; simulator and http take them too). Its secrets are write-only: the API never shows them.
create table payment_connectors (
    id              text collate "C" primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    kind            text not null check (kind in ('simulator', 'http', 'inbound')),
    -- {"USDC": "providers:circle:USDC"}: the provider account, per asset, on every ledger that uses it.
    assets          jsonb not null,
    config          jsonb not null,
    -- {"scheme", "kind", "default_ledger", "public_keys"} without the secret; null for none.
    inbound         jsonb,
    inbound_secret  text,
    priority        integer not null check (priority between 0 and 1000000),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

-- The approval policy of a ledger: {"rules": [...], "approval_window_seconds", "routing"}.
create table approval_policies (
    ledger      text collate "C" primary key,
    policy      jsonb not null,
    updated_at  timestamptz not null default now()
);

create table payouts (
    -- The list's order, newest first, and its cursor.
    sequence            bigint generated always as identity unique,
    ledger              text collate "C" not null,
    id                  text collate "C" not null,
    source              text collate "C" not null,
    amount              bigint not null check (amount > 0),
    asset               text collate "C" not null,
    connector           text collate "C" not null,
    destination         text not null check (destination::jsonb is not null),
    fee_amount          bigint check (fee_amount > 0),
    fee_account         text collate "C",
    status              text not null check (status in ('requires_approval', 'held', 'approved', 'processing',
                            'needs_review', 'paid', 'failed', 'canceled', 'rejected', 'expired', 'returned')),
    hold_reason         text check (hold_reason in ('screening', 'dry_mode', 'emergency_stop', 'reconciliation')),
    -- The state a held payout goes back to when released.
    held_from           text,
    approvals_required  integer not null check (approvals_required >= 0),
    approval_expires_at timestamptz,
    payload_hash        text not null check (payload_hash ~ '^[0-9a-f]{64}$'),
    -- SHA-256 of the creation request as given, so a replay is told from another request with the same id.
    request_hash        text not null,
    -- The connector the worker submitted through: the payout's, or a fallback the policy routes to.
    submitted_via       text collate "C",
    provider_reference  text,
    failure_reason      text,
    attempts            integer not null default 0 check (attempts >= 0),
    created_by          text not null,
    metadata            text not null check (metadata::jsonb is not null),
    description         text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    -- Since when it is in its status: the deadlines count from here.
    status_since        timestamptz not null default now(),
    primary key (ledger, id),
    check ((fee_amount is null) = (fee_account is null)),
    check ((status = 'held') = (hold_reason is not null))
);

create index payouts_status on payouts (status, status_since)
    where status in ('requires_approval', 'approved', 'processing', 'needs_review', 'held');
create index payouts_list on payouts (ledger, sequence);

create table payout_approvals (
    ledger      text collate "C" not null,
    payout_id   text collate "C" not null,
    principal   text not null,
    key_id      text collate "C",
    at          timestamptz not null default now(),
    primary key (ledger, payout_id, principal),
    foreign key (ledger, payout_id) references payouts (ledger, id)
);

-- Everything that happened to a payout, in order: transitions, submissions, answers, status queries.
create table payout_history (
    sequence    bigint generated always as identity primary key,
    ledger      text collate "C" not null,
    payout_id   text collate "C" not null,
    at          timestamptz not null default now(),
    kind        text not null check (kind in ('transition', 'submission', 'answer', 'status_query', 'note')),
    from_status text,
    to_status   text,
    principal   text,
    detail      text,
    foreign key (ledger, payout_id) references payouts (ledger, id)
);

create index payout_history_payout on payout_history (ledger, payout_id, sequence);
