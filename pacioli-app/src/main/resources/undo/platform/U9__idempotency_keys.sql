-- Undoes V9: the stored answers of idempotent requests (a retry after this is not recognised).
-- loses: idempotency keys: select count(*) from idempotency_keys
drop table idempotency_keys;
