-- Every key belongs to a principal: the person or service behind it. Rules that need two people
-- (an approval, a screening decision) compare principals, never keys, so one person holding two keys
-- is still one person. Keys made before this migration belong to a principal named like the key.
--
-- Flags stand beside the role and combine with any of them: 'approver' may approve what needs
-- approval, 'compliance' may decide screening hits. A flag never raises a role. Stored as their
-- codes (never an enum's position); the check keeps out any code the service does not know.
alter table api_keys add column principal text;
update api_keys set principal = name;
alter table api_keys alter column principal set not null;

alter table api_keys add column flags text[] not null default '{}'
    check (flags <@ array['approver', 'compliance']::text[] and array_position(flags, null) is null);
