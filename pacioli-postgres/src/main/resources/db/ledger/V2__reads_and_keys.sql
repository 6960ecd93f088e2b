-- What the HTTP API reads and authenticates with: byte-ordered ids, a metadata index on
-- transactions, and API keys.

-- Ids compare byte by byte (the "C" collation) whatever the database's default collation is. Ids are
-- ASCII, so byte order is one order on every server, the one Java's String.compareTo gives; a cursor
-- is a plain "id > ?" and a prefix is a plain range of the primary key. Under a linguistic collation
-- neither holds: en_US ignores punctuation ('users:10' sorts among 'users:1', 'users.1', 'users-1')
-- and ICU puts ';' before ':', so the range ['users:', 'users;') is not the ids starting 'users:'.
-- Every column compared or joined with an id changes too, because an index serves a comparison only
-- when their collations are the same. Ledger names and asset codes are listed by name with cursors
-- as well, so they get the same order. No row is rewritten; the indexes on these columns are rebuilt.
alter table ledgers alter column name type text collate "C";

alter table assets alter column code type text collate "C";

alter table accounts
    alter column id type text collate "C",
    alter column asset type text collate "C";

alter table transactions
    alter column id type text collate "C",
    alter column reverses type text collate "C",
    alter column reversed_by type text collate "C";

alter table postings
    alter column transaction_id type text collate "C",
    alter column from_account type text collate "C",
    alter column to_account type text collate "C",
    alter column asset type text collate "C";

alter table entries
    alter column account_id type text collate "C",
    alter column transaction_id type text collate "C";

-- The journal's subject is an account id or a transaction id.
alter table journal alter column subject type text collate "C";

-- Listing transactions by metadata ("metadata @> {...}"), as accounts already can.
create index transactions_metadata on transactions using gin (metadata jsonb_path_ops);

-- Keys that authenticate HTTP requests. Only a hash of the secret is kept: the secret is shown once,
-- when the key is created, and a stolen copy of this table authenticates nobody.
create table api_keys (
    id           text collate "C" primary key check (id ~ '^key_[0-9a-f]{16}$'),
    name         text not null,
    role         text not null check (role in ('reader', 'writer', 'operator', 'admin')),
    ledgers      text[] collate "C",                -- the ledger names it may use; null is every ledger
    secret_hash  bytea not null unique check (length(secret_hash) = 32),  -- SHA-256 of the secret
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz
);
