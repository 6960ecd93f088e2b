-- Undoes V31: the evm_rpc kind of payment connectors, and the connectors of that kind.
-- loses: evm_rpc connectors: select count(*) from payment_connectors where kind = 'evm_rpc'
delete from payment_connectors where kind = 'evm_rpc';
alter table payment_connectors drop constraint payment_connectors_kind_check;
alter table payment_connectors add constraint payment_connectors_kind_check
    check (kind in ('simulator', 'http', 'inbound'));
