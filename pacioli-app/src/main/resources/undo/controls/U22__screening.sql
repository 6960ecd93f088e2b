-- Undoes V22: screening lists, their versions and entries, and cases.
-- loses: screening lists: select count(*) from screening_lists
-- loses: screening cases: select count(*) from screening_cases
drop table screening_cases, screening_entries, screening_list_versions, screening_lists;
