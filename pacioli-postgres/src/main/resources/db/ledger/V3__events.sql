-- Events are the journal: one record per change, ordered by the ledger's sequence. To show a
-- transaction or account as it stood at an event, the reader folds that subject's records up to the
-- event's sequence; this index finds them.
create index journal_subject on journal (ledger_id, subject, sequence);
