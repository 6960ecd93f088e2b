-- Undoes V21: limits and their history.
-- loses: limit versions: select count(*) from limit_versions
drop table limit_versions;
