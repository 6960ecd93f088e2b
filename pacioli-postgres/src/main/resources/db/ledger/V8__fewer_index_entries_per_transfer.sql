-- Every index entry a transfer adds is work in the one backend that commits its batch (BENCHMARKS.md,
-- findings). Three indexes now skip the rows they are never asked about. Each is rebuilt here, which
-- holds its table's write lock while it builds: on a large ledger, run this migration in a quiet window.

-- 1. The events' per-subject history reads a transaction's creation record through its transaction
--    row (transactions.sequence is that record's sequence), so the subject index keeps only the other
--    records: account creations and closes, and the later changes of transactions. A plain transfer
--    adds no entry to it.
drop index journal_subject;
create index journal_subject on journal (ledger_id, subject, sequence) where type <> 3;

-- 2. Metadata containment (@>) with a non-empty filter can only match a non-empty object, so the GIN
--    indexes leave out rows without metadata; the reads say "and metadata <> '{}'" to use them.
drop index transactions_metadata;
create index transactions_metadata on transactions using gin (metadata jsonb_path_ops) where metadata <> '{}';
drop index accounts_metadata;
create index accounts_metadata on accounts using gin (metadata jsonb_path_ops) where metadata <> '{}';
