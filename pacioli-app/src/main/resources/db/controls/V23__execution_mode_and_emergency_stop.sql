-- Controls (docs/controls.md): the platform's execution mode and its emergency stop, one row.
--
-- A fresh installation is dry: nothing leaves the platform until an operator goes live, an audited
-- act. The table is also the submission gate: a worker holds it in SHARE mode from its check until
-- its submission has been sent, and every change of it is an UPDATE, whose ROW EXCLUSIVE lock waits
-- for those holders, so a change is in force on every instance when it commits.
create table controls_state (
    id                  smallint primary key check (id = 1),
    mode                text not null check (mode in ('live', 'dry')),
    mode_changed_at     timestamptz not null default now(),
    mode_changed_by     text not null,
    stop_scope          text check (stop_scope in ('payouts', 'all')),
    stop_reason         text check (length(stop_reason) <= 1000),
    stop_engaged_at     timestamptz,
    stop_engaged_by     text,
    check ((stop_scope is null) = (stop_engaged_at is null)),
    check ((stop_scope is null) = (stop_engaged_by is null))
);

insert into controls_state (id, mode, mode_changed_by) values (1, 'dry', 'system:installation');
