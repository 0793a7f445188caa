-- As a superuser, at the very end: even the owner cannot change the log; a superuser who
-- disables the triggers can, and audit_verify must notice. Sets nothing for later scripts but
-- the tampered row (the audited probe extract of the steward), which 92 looks for.
\set ON_ERROR_ROLLBACK on
SET ROLE migstat_owner;
\set want 42501
\set d 'owner: UPDATE of migstat.audit_log is refused by its trigger, even for migstat_owner'
\o :out
UPDATE migstat.audit_log SET details = details WHERE seq = 1;
\ir lib/state.sql
\set d 'owner: DELETE FROM migstat.audit_log is refused by its trigger, even for migstat_owner'
\o :out
DELETE FROM migstat.audit_log WHERE seq = 1;
\ir lib/state.sql
\set d 'owner: TRUNCATE migstat.audit_log is refused by its trigger, even for migstat_owner'
\o :out
TRUNCATE migstat.audit_log;
\ir lib/state.sql
RESET ROLE;
\set d 'superuser: INSERT into migstat.audit_log other than as migstat_owner is refused by the guard trigger'
\o :out
INSERT INTO migstat.audit_log (seq, actor, action, prev_hash, hash) VALUES (1000000, 'x', 'forged', '\x00', '\x00');
\ir lib/state.sql
\set d 'superuser: tampers with the audited extract row (triggers disabled) -- the setup for the next check'
\o :out
BEGIN;
ALTER TABLE migstat.audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE migstat.audit_log SET details = jsonb_set(details, '{rows}', '0')
 WHERE action = 'extract' AND details ->> 'reason' = 'audit probe ' || :'run' || ': women of purpose A';
ALTER TABLE migstat.audit_log ENABLE TRIGGER audit_log_no_update;
COMMIT;
\set want 00000
\ir lib/state.sql
\echo __end__
