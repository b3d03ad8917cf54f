-- casetype.Assurance was renumbered so that its zero value is
-- AssuranceUnknown, which grants nothing: the levels are now 0 unknown,
-- 1 password+SMS and 2 e-ID, where they were 0 e-ID and 1 password+SMS.
-- Every stored 0 meant e-ID and becomes 2; a stored 1 keeps its meaning.
-- Only the numbers change, never what a row says.

-- A case type's required level.
UPDATE casetypes SET data = json_set(data, '$.Assurance', 2)
WHERE json_extract(data, '$.Assurance') = 0;

-- The level of a citizen's login, kept with the requests they sent and
-- in the audit events of their calls. A staff agent's level was never
-- set nor checked, and a caller naming nobody had none: those stay 0,
-- now unknown.
UPDATE citizen_requests SET data = json_set(data, '$.Caller.Assurance', 2)
WHERE json_extract(data, '$.Caller.Assurance') = 0
  AND json_extract(data, '$.Caller.Person') <> ''
  AND json_extract(data, '$.Caller.Agent') = '';

UPDATE booking_audit SET data = json_set(data, '$.Caller.Assurance', 2)
WHERE json_extract(data, '$.Caller.Assurance') = 0
  AND json_extract(data, '$.Caller.Person') <> ''
  AND json_extract(data, '$.Caller.Agent') = '';
