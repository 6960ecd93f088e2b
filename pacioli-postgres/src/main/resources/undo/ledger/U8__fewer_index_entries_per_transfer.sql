-- Undoes V8: the three indexes cover every row again (rebuilt: each holds its table's write lock while
-- it builds).
drop index journal_subject;
create index journal_subject on journal (ledger_id, subject, sequence);
drop index transactions_metadata;
create index transactions_metadata on transactions using gin (metadata jsonb_path_ops);
drop index accounts_metadata;
create index accounts_metadata on accounts using gin (metadata jsonb_path_ops);
