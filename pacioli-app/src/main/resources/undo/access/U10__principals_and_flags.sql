-- Undoes V10: API keys lose their principal (V10 set it to the name) and their flags.
-- loses: API keys whose principal is not their name, or that carry flags: select count(*) from api_keys where principal <> name or flags <> '{}'
alter table api_keys drop column flags, drop column principal;
