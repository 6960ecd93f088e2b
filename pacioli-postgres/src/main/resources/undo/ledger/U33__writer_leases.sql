-- Undoes V33: the writers' leases and epochs (no business data: a holder takes its lease again at start).
drop table ledger_writers;
