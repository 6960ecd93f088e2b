-- Undoes V2: API keys, the transactions' metadata index, and the byte order ("C") of ids, which
-- returns to the database's default collation (indexes on those columns are rebuilt).
-- loses: API keys: select count(*) from api_keys
drop table api_keys;
drop index transactions_metadata;

alter table journal alter column subject type text collate "default";

alter table entries
    alter column account_id type text collate "default",
    alter column transaction_id type text collate "default";

alter table postings
    alter column transaction_id type text collate "default",
    alter column from_account type text collate "default",
    alter column to_account type text collate "default",
    alter column asset type text collate "default";

alter table transactions
    alter column id type text collate "default",
    alter column reverses type text collate "default",
    alter column reversed_by type text collate "default";

alter table accounts
    alter column id type text collate "default",
    alter column asset type text collate "default";

alter table assets alter column code type text collate "default";

alter table ledgers alter column name type text collate "default";
