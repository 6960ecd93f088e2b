-- Limits enforced by each ledger's writer (docs/limits.md). Every change is a new version, never an
-- update: verify reads the history to know which version was in force when each transaction committed.
-- A version is in force for the transactions whose sequence is greater than after_sequence (the head
-- when it was made), until the next version of the same id. A deletion is a version without a spec.
-- The writer inserts a version in its own database transaction, fenced on the head, with its audit
-- record and event.
create table limit_versions (
    ledger_id                   bigint not null references ledgers (id),
    id                          text collate "C" not null,
    version                     bigint not null check (version >= 1),
    after_sequence              bigint not null check (after_sequence >= 0),
    changed_at                  bigint not null,      -- microseconds since the epoch
    deleted                     boolean not null,
    accounts                    text collate "C",
    asset                       text,
    direction                   smallint check (direction in (0, 1)),   -- 0 debit, 1 credit
    max_amount_per_transaction  bigint check (max_amount_per_transaction > 0),
    window_seconds              bigint check (window_seconds > 0),
    max_amount_per_window       bigint check (max_amount_per_window > 0),
    max_count_per_window        bigint check (max_count_per_window > 0),
    primary key (ledger_id, id, version),
    check (deleted = (accounts is null)),
    check (deleted or (asset is not null and direction is not null))
);
