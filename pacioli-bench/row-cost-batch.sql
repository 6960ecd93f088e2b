-- One batch for ./row-cost: 8,000 transfers numbered from :base. See that script.
set search_path = pacioli;
\timing on
begin;
insert into journal
select 1, :base + i, 1, now(), 'tx-' || (:base + i), decode(repeat('ab', 130), 'hex'), decode(repeat('cd', 48), 'hex')
  from generate_series(1, 8000) i;
insert into transactions (ledger_id, id, sequence, status, pending, expires_at, metadata, committed_at, hash,
                          posting_from, posting_to, posting_asset, posting_amount)
select 1, 'tx-' || (:base + i), :base + i, 1, false, 0, '{}', now(), decode(repeat('cd', 48), 'hex'),
       array['users:' || (i * 7 % 10000)], array['users:' || ((i * 13 + 1) % 10000)], array['USD'], array[100::bigint]
  from generate_series(1, 8000) i;
insert into entries
select 1, 'users:' || (i * 7 % 10000), :base + i, 'tx-' || (:base + i), 0, 100, 0, 1, 0, 0, 0, 1, 1, now()
  from generate_series(1, 8000) i;
insert into entries
select 1, 'users:' || ((i * 13 + 1) % 10000), :base + i, 'tx-' || (:base + i), 0, 0, 100, 1, 0, 0, 0, 1, 1, now()
  from generate_series(1, 8000) i;
update accounts a set posted_debits = a.posted_debits + 1, version = a.version + 1
  from (select distinct 'users:' || (i * 7 % 10000) as id from generate_series(1, 7000) i) v
 where a.ledger_id = 1 and a.id = v.id;
commit;
