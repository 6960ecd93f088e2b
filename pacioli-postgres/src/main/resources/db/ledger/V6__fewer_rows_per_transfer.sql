-- The engine's throughput is PostgreSQL's work per row in the one backend that commits a batch
-- (BENCHMARKS.md, findings). Two changes take work off that path without changing what is stored.

-- 1. Postings live in their transaction's row as parallel arrays, in posting order: one row and one
--    index entry fewer per transfer. A transaction has 1 to 64 postings and is always read whole.
alter table transactions
    add column posting_from    text[],
    add column posting_to      text[],
    add column posting_asset   text[],
    add column posting_amount  bigint[],
    add column posted_amount   bigint[];            -- null until a pending transaction is posted

update transactions t
   set posting_from = p.froms,
       posting_to = p.tos,
       posting_asset = p.assets,
       posting_amount = p.amounts,
       posted_amount = p.posted
  from (select ledger_id, transaction_id,
               array_agg(from_account order by index) as froms,
               array_agg(to_account order by index) as tos,
               array_agg(asset order by index) as assets,
               array_agg(amount order by index) as amounts,
               case when bool_and(posted_amount is null) then null
                    else array_agg(posted_amount order by index) end as posted
          from postings
         group by ledger_id, transaction_id) p
 where t.ledger_id = p.ledger_id and t.id = p.transaction_id;

alter table transactions
    alter column posting_from set not null,
    alter column posting_to set not null,
    alter column posting_asset set not null,
    alter column posting_amount set not null,
    add constraint transactions_postings check (
        cardinality(posting_from) between 1 and 64
        and cardinality(posting_to) = cardinality(posting_from)
        and cardinality(posting_asset) = cardinality(posting_from)
        and cardinality(posting_amount) = cardinality(posting_from)
        and (posted_amount is null or cardinality(posted_amount) = cardinality(posting_from)));

drop table postings;

-- 2. Room on every accounts page for the next versions of its rows. A batch rewrites the balances of
--    every account it touches; with full pages each new version lands on another page and needs new
--    entries in both of the table's indexes. With 30% free, PostgreSQL keeps it on the same page and
--    skips the indexes (a heap-only update: no indexed column changes). Measured on PostgreSQL 15,
--    ~7,000 accounts updated per batch: 55-100 ms at the default fill, 26-31 ms at 70. Rows already
--    stored keep their pages until they are next rewritten.
alter table accounts set (fillfactor = 70);
