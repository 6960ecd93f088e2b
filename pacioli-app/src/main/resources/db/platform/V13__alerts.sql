-- Alerts (docs/alerts.md): conditions an operator must know about, the channels that tell them, the
-- rules that route an alert to channels, and one durable delivery row per (alert notice, channel).

-- One alert per occurrence of a condition. While it is open or acknowledged, raising the same dedupe
-- key counts on the same row (the partial unique index makes that one row whatever the concurrency);
-- once resolved, the key is free and the next raise opens a new alert.
create table alerts (
    sequence          bigint generated always as identity primary key,
    severity          text not null check (severity in ('info', 'warning', 'critical')),
    category          text collate "C" not null check (category ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    dedupe_key        text collate "C" not null check (length(dedupe_key) between 1 and 255),
    summary           text not null check (length(summary) between 1 and 500),
    details           text check (length(details) <= 10000),
    object            text check (length(object) <= 255),
    status            text not null check (status in ('open', 'acknowledged', 'resolved')),
    raised_at         timestamptz not null default now(),
    last_seen_at      timestamptz not null default now(),
    -- When channels were last told about it: a raise re-notifies once renotify_seconds have passed.
    last_notified_at  timestamptz not null default now(),
    count             bigint not null default 1 check (count >= 1),
    acknowledged_at   timestamptz,
    acknowledged_by   text,
    resolved_at       timestamptz,
    check ((status = 'resolved') = (resolved_at is not null)),
    check ((status = 'open') = (acknowledged_at is null) or status = 'resolved')
);

create unique index alerts_live_dedupe_key on alerts (dedupe_key) where status <> 'resolved';
create index alerts_status on alerts (status, sequence);

-- Where alerts go. The config is what the channel needs, secrets included (write-only in the API);
-- the signing secret of a generic webhook is kept apart from it, and shown once at creation.
create table alert_channels (
    id          text collate "C" primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$'),
    kind        text not null check (kind in ('email', 'webhook', 'log')),
    config      jsonb not null,
    secret      text,
    created_at  timestamptz not null default now()
);

-- The routing rules, in the order given; an alert goes to the channels of every rule that matches it.
create table alert_routes (
    position    integer primary key check (position >= 0),
    severity    text not null check (severity in ('info', 'warning', 'critical')),
    category    text collate "C",
    channels    text[] not null check (cardinality(channels) >= 1)
);

-- One notice (raised, reminded, resolved) of one alert to one channel. Each row is sent by an
-- 'alert.delivery' job keyed 'adl_<id>' (V11's jobs), enqueued in the same transaction; the job's
-- attempts write here what the API shows of the delivery.
create table alert_deliveries (
    id               bigint generated always as identity primary key,
    alert_sequence   bigint not null references alerts (sequence),
    channel_id       text collate "C" not null references alert_channels (id),
    notice           text not null check (notice in ('raised', 'reminder', 'resolved')),
    status           text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
    attempts         integer not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz not null default now(),
    last_attempt_at  timestamptz,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz not null default now(),
    check ((status = 'succeeded') = (delivered_at is not null))
);

create index alert_deliveries_of_alert on alert_deliveries (alert_sequence, id);
