-- As a superuser, at the very end: even the owner cannot change the log; a superuser who
-- disables the triggers can, and audit_verify must notice. Sets nothing for later scripts but
-- the tampered row (the audited probe extract of the steward), which 92 looks for.
-- migstat_owner is NOLOGIN: SET ROLE from the superuser is the only way to act as it.
\ir ../helpers/tap.sql
SELECT plan(5);
SET ROLE migstat_owner;
SELECT throws_ok('UPDATE migstat.audit_log SET details = details WHERE seq = 1', '42501', NULL, 'owner: UPDATE of migstat.audit_log is refused by its trigger, even for migstat_owner');
SELECT throws_ok('DELETE FROM migstat.audit_log WHERE seq = 1', '42501', NULL, 'owner: DELETE FROM migstat.audit_log is refused by its trigger, even for migstat_owner');
SELECT throws_ok('TRUNCATE migstat.audit_log', '42501', NULL, 'owner: TRUNCATE migstat.audit_log is refused by its trigger, even for migstat_owner');
RESET ROLE;
SELECT throws_ok($$INSERT INTO migstat.audit_log (seq, actor, action, prev_hash, hash) VALUES (1000000, 'x', 'forged', '\x00', '\x00')$$, '42501', NULL, 'superuser: INSERT into migstat.audit_log other than as migstat_owner is refused by the guard trigger');
SELECT lives_ok(format($$
    ALTER TABLE migstat.audit_log DISABLE TRIGGER audit_log_no_update;
    UPDATE migstat.audit_log SET details = jsonb_set(details, '{rows}', '0')
     WHERE action = 'extract' AND details ->> 'reason' = %L;
    ALTER TABLE migstat.audit_log ENABLE TRIGGER audit_log_no_update$$, 'audit probe ' || :'run' || ': women of purpose A'),
    'superuser: tampers with the audited extract row (triggers disabled) -- the setup for the next check');
SELECT * FROM finish();
