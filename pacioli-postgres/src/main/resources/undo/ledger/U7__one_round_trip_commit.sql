-- Undoes V7: the commit's row-count check.
drop function pacioli_expect_rows(text, bigint, bigint);
