-- Idempotency-Key (docs/api.md, "Idempotency"): the first answer to a mutating request, kept per
-- (API key, idempotency key) for 24 hours, so that the same request sent again is answered the same
-- without running again. A row is reserved ('running') before the route's action runs, in a
-- transaction of its own, so the primary key is what lets exactly one of concurrent requests run;
-- it becomes 'completed' with the stored answer, or is deleted when the answer is one a retry
-- should not get again (429, 5xx).
create table idempotency_keys (
    api_key_id        text collate "C" not null references api_keys (id),
    idempotency_key   text collate "C" not null check (idempotency_key ~ '^[!-~]{1,255}$'),
    -- The request's fingerprint: the same key with another method, path (with query) or body is a
    -- client's mistake (422 idempotency_key_reused), never a replay.
    method            text not null,
    path              text not null,
    body_sha256       bytea not null check (length(body_sha256) = 32),
    state             text not null check (state in ('running', 'completed')),
    -- Who holds a running row: the holder's completion or release names it, so a request whose lease
    -- was taken over cannot overwrite the answer of the one that took it.
    holder            uuid not null,
    -- A running row whose lease has passed was left by a process that stopped; it may be taken over.
    lease_expires_at  timestamptz not null,
    status            integer check (status between 100 and 599),
    content_type      text,
    header_names      text[],
    header_values     text[],
    body              bytea,
    created_at        timestamptz not null default now(),
    primary key (api_key_id, idempotency_key),
    check ((state = 'completed') = (status is not null)),
    check ((status is null) = (content_type is null) and (status is null) = (body is null)),
    check (cardinality(header_names) = cardinality(header_values))
);

-- Expired rows (older than 24 hours) are deleted in small bounded steps, oldest first.
create index idempotency_keys_created_at on idempotency_keys (created_at);
