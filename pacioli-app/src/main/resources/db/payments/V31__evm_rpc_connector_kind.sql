-- Payment connectors of kind evm_rpc: the EVM nodes custody reaches its chains through (custody.md). The
-- connectors' table is payments'; custody uses the kind.
alter table payment_connectors drop constraint payment_connectors_kind_check;
alter table payment_connectors add constraint payment_connectors_kind_check
    check (kind in ('simulator', 'http', 'inbound', 'evm_rpc'));
