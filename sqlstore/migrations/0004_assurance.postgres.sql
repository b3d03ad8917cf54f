-- casetype.Assurance was renumbered so that its zero value is
-- AssuranceUnknown, which grants nothing: the levels are now 0 unknown,
-- 1 password+SMS and 2 e-ID, where they were 0 e-ID and 1 password+SMS.
-- Every stored 0 meant e-ID and becomes 2; a stored 1 keeps its meaning.
-- Only the numbers change, never what a row says.
--
-- The rows are rewritten as text, not through jsonb, so that the rest of
-- each row stays byte for byte as the program wrote it (jsonb would
-- reorder keys, and refuses the escape \u0000 a stored text may hold).
-- The JSON is encoding/json's: no spaces, fields in their declared order,
-- and a quote inside a string always escaped, so the patterns below match
-- keys only.

-- A case type's required level: the only key "Assurance" in its row.
UPDATE casetypes SET data = replace(data, '"Assurance":0,', '"Assurance":2,')
WHERE strpos(data, '"Assurance":0,') > 0;

-- The level of a citizen's login, kept with the requests they sent and
-- in the audit events of their calls: the object "Caller" is
-- {"Person":…,"Agent":…,"Assurance":…}. A staff agent's level was never
-- set nor checked, and a caller naming nobody had none: those stay 0,
-- now unknown.
UPDATE citizen_requests
SET data = regexp_replace(data, '("Caller":\{"Person":"[^"]+","Agent":"","Assurance":)0\}', '\12}')
WHERE data ~ '"Caller":\{"Person":"[^"]+","Agent":"","Assurance":0\}';

UPDATE booking_audit
SET data = regexp_replace(data, '("Caller":\{"Person":"[^"]+","Agent":"","Assurance":)0\}', '\12}')
WHERE data ~ '"Caller":\{"Person":"[^"]+","Agent":"","Assurance":0\}';
