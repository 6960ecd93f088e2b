-- Undoes V6: every transaction's postings move back from its row's arrays into one postings row each,
-- in posting order, with their posted amounts; the accounts' pages go back to the default fill.
create table postings (
    ledger_id       bigint not null,
    transaction_id  text collate "C" not null,
    index           smallint not null,
    from_account    text collate "C" not null,
    to_account      text collate "C" not null,
    asset           text collate "C" not null,
    amount          bigint not null check (amount > 0),
    posted_amount   bigint,
    primary key (ledger_id, transaction_id, index)
);

insert into postings (ledger_id, transaction_id, index, from_account, to_account, asset, amount, posted_amount)
select t.ledger_id, t.id, (i - 1)::smallint, t.posting_from[i], t.posting_to[i], t.posting_asset[i],
       t.posting_amount[i], t.posted_amount[i]
  from transactions t, generate_subscripts(t.posting_from, 1) as i;

alter table transactions
    drop constraint transactions_postings,
    drop column posting_from,
    drop column posting_to,
    drop column posting_asset,
    drop column posting_amount,
    drop column posted_amount;

alter table accounts reset (fillfactor);
