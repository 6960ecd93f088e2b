-- Sanctions and embargo screening (docs/screening.md): the lists as loaded, their versions, and the
-- cases hits open.

-- The current version of each list: what screening uses.
create table screening_lists (
    name               text collate "C" primary key check (name ~ '^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$'),
    version            bigint not null check (version >= 1),
    entry_count        integer not null check (entry_count between 0 and 100000),
    blocked_countries  text[] not null,
    loaded_at          timestamptz not null,
    loaded_by          text not null
);

-- Every load of every list: each is a new version. Only the current version's entries are kept (a
-- case keeps a copy of the entry it matched, so an old version's entries are not needed to show it).
create table screening_list_versions (
    name               text collate "C" not null references screening_lists (name),
    version            bigint not null check (version >= 1),
    source             text not null check (source in ('json', 'sdn_csv', 'alt_csv')),
    entry_count        integer not null check (entry_count between 0 and 100000),
    blocked_countries  text[] not null,
    loaded_at          timestamptz not null,
    loaded_by          text not null,
    primary key (name, version)
);

-- The entries of each list's current version, in the order they were loaded.
create table screening_entries (
    list       text collate "C" not null references screening_lists (name),
    position   integer not null check (position >= 0),
    id         text collate "C" not null,
    name       text not null,
    aliases    text[] not null,
    type       text not null check (type in ('individual', 'entity', 'vessel', 'aircraft')),
    countries  text[] not null,
    addresses  text[] not null,
    primary key (list, id)
);

-- A hit on an object another capability holds (a payout, a deposit): open until someone with the
-- compliance flag, other than the object's creator, clears or confirms it. One case per object and
-- match, so a retried screening opens no second case.
create table screening_cases (
    sequence      bigint generated always as identity primary key,
    id            text collate "C" generated always as ('sc_' || sequence) stored unique,
    object_type   text collate "C" not null,
    ledger        text collate "C",
    object_id     text collate "C" not null,
    created_by    text not null,
    list          text collate "C" not null,
    list_version  bigint not null,
    entry_id      text collate "C",
    entry         jsonb,
    field         text not null check (field in ('name', 'alias', 'address', 'country')),
    matched       text not null,
    score         double precision not null check (score >= 0 and score <= 1),
    status        text not null check (status in ('open', 'cleared', 'confirmed')),
    decision      text check (decision in ('clear', 'confirm')),
    decided_by    text,
    decided_at    timestamptz,
    reason        text,
    opened_at     timestamptz not null default now(),
    check ((status = 'open') = (decision is null)),
    unique nulls not distinct (object_type, ledger, object_id, list, list_version, entry_id, field)
);

create index screening_cases_by_status on screening_cases (status, sequence);
