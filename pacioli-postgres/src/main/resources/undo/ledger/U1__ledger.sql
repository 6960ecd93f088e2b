-- Undoes V1: the ledger core's tables.
-- loses: ledgers: select count(*) from ledgers
-- loses: assets: select count(*) from assets
drop table entries, journal, postings, transactions, accounts, assets, ledgers;
