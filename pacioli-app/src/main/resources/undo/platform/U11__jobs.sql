-- Undoes V11: the job queue.
-- loses: jobs not finished: select count(*) from jobs where state in ('queued', 'running')
drop table jobs;
