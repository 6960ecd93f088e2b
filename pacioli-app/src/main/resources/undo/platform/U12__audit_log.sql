-- Undoes V12: the audit log, its head and its append-only guard.
-- loses: audit records: select count(*) from audit_log
drop table audit_log, audit_head;
drop function audit_log_refuse_change();
