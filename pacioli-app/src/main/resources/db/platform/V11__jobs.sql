-- Durable jobs (docs/jobs.md): one row per (type, key), claimed with a lease, retried with backoff,
-- kept after it ends (succeeded for the retention period, failed until someone acts on it).
--
-- A job names its object by key (a delivery, a payout); its handler reads the object's state, so
-- nothing in the job can disagree with the object. Capabilities insert jobs in the same transaction
-- as the state change that calls for them (the outbox), and (type, key) makes that insert idempotent.
create table jobs (
    id           bigint generated always as identity primary key,
    type         text collate "C" not null check (type ~ '^[a-z][a-z0-9_.]{0,63}$'),
    key          text collate "C" not null check (length(key) between 1 and 200),
    -- queued: due at run_at. running: leased by runner until run_at (a runner that dies leaves it to
    -- be claimed again then). succeeded, failed: ended; failed is dead (attempts spent), kept visible.
    state        text not null check (state in ('queued', 'running', 'succeeded', 'failed')),
    -- Claims made: a claim counts as an attempt before it runs, so a job that kills its runner every
    -- time still ends failed. Also the fencing token of a lease (with runner).
    attempts     integer not null default 0 check (attempts >= 0),
    run_at       timestamptz,
    runner       text,
    last_error   text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    finished_at  timestamptz,
    unique (type, key),
    check ((state in ('queued', 'running')) = (run_at is not null)),
    check ((state = 'running') = (runner is not null)),
    check ((state in ('succeeded', 'failed')) = (finished_at is not null))
);

-- The runners' claim: due jobs, oldest due first. Only live jobs are indexed, so the claim's cost
-- follows the backlog, not the history.
create index jobs_due on jobs (type, run_at, id) where state in ('queued', 'running');

-- GET /v1/jobs?state=&type=, newest first; and the retention purge of ended jobs.
create index jobs_state_type on jobs (state, type, id);
create index jobs_finished on jobs (finished_at) where finished_at is not null;
