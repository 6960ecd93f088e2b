-- The audit log (docs/audit-log.md): one row per privileged action, written in the same database
-- transaction as the action, hash-chained like a ledger's journal. Rows are only ever appended: the
-- triggers below refuse UPDATE, DELETE and TRUNCATE in the database itself, whatever the code does.
create table audit_log (
    sequence     bigint primary key check (sequence >= 1),
    id           text collate "C" not null unique check (id ~ '^aud_[0-9]+$'),
    at           timestamptz not null,
    principal    text not null,
    key_id       text collate "C",
    action       text collate "C" not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
    object_type  text collate "C" not null,
    object_id    text collate "C" not null,
    ledger       text collate "C",
    request_id   text,
    source_ip    text,
    reason       text,
    -- JSON objects, kept as the exact text that was hashed (jsonb would rewrite it).
    before       text,
    after        text,
    -- SHA-256(previous record's hash || this record's canonical bytes); the first record's previous
    -- hash is SHA-256('pacioli:audit'). The canonical layout's version is its first byte.
    hash         bytea not null check (length(hash) = 32),
    check (action like object_type || '.%')
);

create index audit_log_principal on audit_log (principal, sequence);
create index audit_log_object on audit_log (object_id, sequence);
create index audit_log_action on audit_log (action, sequence);
create index audit_log_ledger on audit_log (ledger, sequence) where ledger is not null;
create index audit_log_at on audit_log (at);

-- The chain's head: one row, locked (select ... for update) by every append in its transaction, so
-- appends are serialized, sequences are gap-free (a rolled-back append rolls the head back too) and
-- each record chains on the one committed before it.
create table audit_head (
    singleton  boolean primary key default true check (singleton),
    sequence   bigint not null check (sequence >= 0),
    hash       bytea check (hash is null or length(hash) = 32),
    at         timestamptz,
    check ((sequence = 0) = (hash is null) and (hash is null) = (at is null))
);

insert into audit_head (singleton, sequence) values (true, 0);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function audit_log_refuse_change();

create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_refuse_change();

-- The head moves forward only: never removed, never emptied.
create trigger audit_head_kept
    before delete on audit_head
    for each row execute function audit_log_refuse_change();

create trigger audit_head_no_truncate
    before truncate on audit_head
    for each statement execute function audit_log_refuse_change();
