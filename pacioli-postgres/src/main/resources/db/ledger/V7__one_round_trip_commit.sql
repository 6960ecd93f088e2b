-- A batch's commit ends with one round trip: the account and transaction updates, the head move and
-- COMMIT go to the server together (PostgresLedgerStore.finish). Nothing can then look at a row count
-- between the statements and roll back, so the checks move into the statement: this function fails it
-- when a step changed a number of rows other than expected, and the error stops the COMMIT behind it.
create function pacioli_expect_rows(step text, changed bigint, expected bigint) returns boolean
    language plpgsql
as $$
begin
    if changed <> expected then
        raise exception 'commit check failed: % changed % rows, expected %', step, changed, expected
            using errcode = 'P0001';
    end if;
    return true;
end
$$;
