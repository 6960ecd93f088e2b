-- Custody (docs/custody.md): wallet keys encrypted at rest, the data keys that encrypt them, and the
-- rotations that move every wallet onto a new data key.
--
-- No column holds key material in the clear. A data key is a Tink keyset encrypted by the key-encryption
-- key (a file, or an AES key inside an HSM); a wallet's private key is encrypted by a data key with the
-- associated data wallet_id|chain|address, so a ciphertext copied onto another row does not decrypt.
create table custody_keys (
    id                  text primary key,
    state               text not null check (state in ('primary', 'enabled', 'disabled')),
    keyset              bytea not null,
    created_at          timestamptz not null default now(),
    state_changed_at    timestamptz not null default now()
);

-- One primary key at a time: new wallets are encrypted under it.
create unique index custody_keys_one_primary on custody_keys (state) where state = 'primary';

create table custody_wallets (
    id                  text primary key,
    sequence            bigserial not null unique,
    chain               text not null,
    label               text,
    address             text not null,
    key_id              text not null references custody_keys (id),
    private_key         bytea not null,
    created_at          timestamptz not null default now(),
    unique (chain, address)
);

create index custody_wallets_by_key on custody_wallets (key_id);

-- A rotation: a new primary key, then a job that re-encrypts every wallet under it in batches (each
-- batch one transaction, so a crash loses at most the batch in flight), then the old keys disabled.
create table custody_rotations (
    id                  bigserial primary key,
    key_id              text not null references custody_keys (id),
    state               text not null check (state in ('running', 'finished')),
    wallets_total       bigint not null,
    wallets_done        bigint not null default 0,
    started_at          timestamptz not null default now(),
    started_by          text not null,
    finished_at         timestamptz,
    check ((state = 'finished') = (finished_at is not null))
);

create unique index custody_rotations_one_running on custody_rotations (state) where state = 'running';
