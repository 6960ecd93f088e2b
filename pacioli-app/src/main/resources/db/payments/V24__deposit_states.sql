-- Deposits reported before they settle (docs/payments.md, Deposit states). A deposit's state changes are
-- decided on its locked row; the one that moves money (pending -> succeeded) is decided first and made
-- by the ledger's writer with deposit:{id}, so nothing ever waits for the writer while holding the row.
--
-- posting: succeeded is decided and deposit:{id} is being posted (by the caller, else by the
--   deposit.post job); the status stays pending until the writer commits it, and no other change is
--   allowed meanwhile.
-- visible: false for a deposit created and succeeded at once while its posting is in flight, so that it
--   is seen only once it has succeeded, as before pending existed.
alter table deposits add column posting boolean not null default false;
alter table deposits add column visible boolean not null default true;
alter table deposits add constraint deposits_posting_is_pending check (not posting or status = 'pending');

create index deposits_by_status on deposits (ledger, status, sequence);

-- Every change of a deposit's state: who or what made it, why, and the ledger transaction it caused.
create table deposit_history (
    sequence        bigint generated always as identity primary key,
    ledger          text collate "C" not null,
    deposit_id      text collate "C" not null,
    at              timestamptz not null default now(),
    from_status     text,
    to_status       text not null,
    actor           text not null,
    reason          text,
    transaction_id  text collate "C",
    foreign key (ledger, deposit_id) references deposits (ledger, id)
);

create index deposit_history_of_deposit on deposit_history (ledger, deposit_id, sequence);
