-- Commission plans (docs/commissions.md): the parties of a ledger with who referred them, and the
-- plans that pay a share of an amount up the referral chain. Money never lives here: a plan applied is
-- a ledger transaction, and these tables only say who is paid and how much.
--
-- The ledger is named, not referenced: the gate checks that it exists before any route runs, ledgers
-- are never deleted, and a foreign key into the ledger's own table would tie this capability's writes
-- to rows the ledger's writer updates on every commit.

-- One party per (ledger, id). The referrer must be a party of the same ledger (the foreign key), and
-- the referral chain never holds a cycle: CommissionStore checks every new referrer under a per-ledger
-- advisory lock, so two changes that would close a cycle from both ends cannot both pass.
create table parties (
    ledger      text collate "C" not null,
    id          text collate "C" not null check (id ~ '^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$'),
    referrer    text collate "C",
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (ledger, id),
    foreign key (ledger, referrer) references parties (ledger, id),
    check (referrer is null or referrer <> id)
);

-- A plan pays levels_bps[n] basis points of an amount to the n-th ancestor of a party, from source to
-- the account payee_account names once {party} is replaced by that ancestor's id.
create table commission_plans (
    ledger         text collate "C" not null,
    id             text collate "C" not null check (id ~ '^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$'),
    asset          text collate "C" not null check (asset ~ '^[A-Z][A-Z0-9_]{0,15}$'),
    levels_bps     integer[] not null check (
                       array_ndims(levels_bps) = 1
                       and cardinality(levels_bps) between 1 and 10
                       and array_position(levels_bps, null) is null
                       and 0 <= all (levels_bps)
                       and 10000 >= all (levels_bps)),
    source         text collate "C" not null check (source ~ '^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$'),
    payee_account  text collate "C" not null check (payee_account like '%{party}%'),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (ledger, id)
);
