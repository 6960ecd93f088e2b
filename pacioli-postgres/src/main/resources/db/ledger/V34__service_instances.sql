-- The instances serving this database, each seen within the last seconds (operations.md, high
-- availability): every instance records itself each second, so the instances know how many share the
-- ledgers' writers and spread them. A graceful stop deletes its row; a dead or paused instance's row goes
-- stale, and a row stale for an hour is deleted by the others.
create table service_instances (
    instance text primary key,
    url      text,
    seen_at  timestamptz not null
);
