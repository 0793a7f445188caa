-- As a superuser, in one transaction rolled back at the end (so 91/92 see the log untouched):
-- each way a superuser can falsify the log is found, naming the first bad entry, against a
-- checkpoint (size, root) saved before; and access_grant refuses logins that can escalate.
\ir ../helpers/tap.sql
BEGIN;
SELECT plan(19);
SELECT migstat.audit_seal() AS size \gset
SELECT migstat.audit_root(:size) AS root \gset
SELECT seq AS s3 FROM migstat.audit_tree WHERE level = 0 AND idx = 2 \gset
SELECT seq AS s5 FROM migstat.audit_tree WHERE level = 0 AND idx = 4 \gset
SELECT ok(:size >= 8, format('setup: a checkpoint of %s sealed entries, root %s', :size, :'root'));
SAVEPOINT clean;

-- 1. An entry changed behind the triggers' back.
ALTER TABLE migstat.audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE migstat.audit_log SET details = details || '{"rows": 0}' WHERE seq = :s3;
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), :s3::bigint, 'superuser: an altered entry is named by audit_verify() (its seq)');
SELECT is((SELECT problem FROM migstat.audit_verify()), 'the entry does not match its leaf hash', 'superuser: ... as not matching its leaf');
ROLLBACK TO SAVEPOINT clean;

-- 2. An entry deleted (all triggers off).
SET session_replication_role = replica;
DELETE FROM migstat.audit_log WHERE seq = :s3;
SET session_replication_role = origin;
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), :s3::bigint, 'superuser: a deleted entry is named by audit_verify()');
ROLLBACK TO SAVEPOINT clean;

-- 3. Two entries swapped (their contents exchanged).
ALTER TABLE migstat.audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE migstat.audit_log a SET action = b.action, details = b.details, actor = b.actor, at = b.at
  FROM migstat.audit_log b WHERE (a.seq, b.seq) IN ((:s3, :s5), (:s5, :s3));
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), :s3::bigint, 'superuser: two swapped entries: the first is named by audit_verify()');
ROLLBACK TO SAVEPOINT clean;

-- 4. The tail cut off (entries and the whole tree above them removed consistently).
SET session_replication_role = replica;
DELETE FROM migstat.audit_tree WHERE (idx + 1) << level > :size - 3;
DELETE FROM migstat.audit_log WHERE seq IN (SELECT seq FROM migstat.audit_log ORDER BY seq DESC LIMIT 3);
SET session_replication_role = origin;
SELECT ok((SELECT problem IS NULL FROM migstat.audit_verify()), 'superuser: a truncated tail leaves the tree internally consistent (why checkpoints are kept outside)');
SELECT is(migstat.audit_root(:size), NULL, 'superuser: ... but the saved checkpoint''s size is no longer in the tree: found against the checkpoint');
SELECT is((SELECT size FROM migstat.audit_verify()), :size - 3::bigint, 'superuser: ... the first missing entry is position size - 3 (the checkpoint names what was cut)');
ROLLBACK TO SAVEPOINT clean;

-- 5. An internally consistent forged rewrite: an entry changed and the whole tree rebuilt.
SELECT hash AS leaf3 FROM migstat.audit_tree WHERE level = 0 AND idx = 2 \gset
SET session_replication_role = replica;
UPDATE migstat.audit_log SET details = details || '{"rows": 0}' WHERE seq = :s3;
DELETE FROM migstat.audit_tree;
INSERT INTO migstat.audit_pending SELECT seq FROM migstat.audit_log;
SET session_replication_role = origin;
SET LOCAL ROLE migstat_owner;
SELECT migstat.audit_seal() AS resealed \gset
RESET ROLE;
SELECT ok((SELECT problem IS NULL FROM migstat.audit_verify()), 'superuser: a forged rewrite is internally consistent');
SELECT isnt(migstat.audit_root(:size), :'root', 'superuser: ... but its root at the checkpoint''s size differs: found against the checkpoint');
SELECT is((SELECT min(t.seq) FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = 2 AND t.hash <> :'leaf3'::bytea), :s3::bigint,
          'superuser: ... and an archived leaf (audit export) names the first bad entry');
ROLLBACK TO SAVEPOINT clean;

-- 6. An entry slipped in behind the guards: neither sealed nor pending.
SET session_replication_role = replica;
INSERT INTO migstat.audit_log (seq, actor, action) VALUES (9000000, 'forger', 'forged');
SET session_replication_role = origin;
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), 9000000::bigint, 'superuser: an entry inserted behind the guards is named (neither sealed nor pending)');
ROLLBACK TO SAVEPOINT clean;

-- 7. An interior node of the tree changed: the first leaf below it is named.
ALTER TABLE migstat.audit_tree DISABLE TRIGGER audit_tree_no_update;
UPDATE migstat.audit_tree SET hash = sha256(hash) WHERE level = 1 AND idx = 1;
SELECT is((SELECT first_bad_seq FROM migstat.audit_verify()), :s3::bigint, 'superuser: a changed tree node is named by the first entry below it');
ROLLBACK TO SAVEPOINT clean;

-- Grants that cannot be escalated.
CREATE ROLE audit_esc_cr LOGIN CREATEROLE;
CREATE ROLE audit_esc_rad LOGIN;
GRANT pg_read_all_data TO audit_esc_rad;
CREATE ROLE audit_esc_repl LOGIN REPLICATION;
GRANT CONNECT ON DATABASE :"DBNAME" TO audit_esc_cr, audit_esc_rad, audit_esc_repl;
SELECT throws_ok($$SELECT migstat.access_grant('audit_esc_cr', 'analyst')$$, '42501', NULL, 'access_grant refuses a CREATEROLE login');
SELECT throws_ok($$SELECT migstat.access_grant('audit_esc_rad', 'auditor')$$, '42501', NULL, 'access_grant refuses a member of pg_read_all_data');
SELECT throws_ok($$SELECT migstat.access_grant('audit_esc_repl', 'analyst')$$, '42501', NULL, 'access_grant refuses a REPLICATION login');
SELECT is((SELECT string_agg(login || ': ' || array_to_string(reasons, ', '), '; ' ORDER BY login)
             FROM migstat.audit_escalation_risks() WHERE login::text LIKE 'audit\_esc\_%'),
          'audit_esc_cr: CREATEROLE; audit_esc_rad: member of pg_read_all_data; audit_esc_repl: REPLICATION',
          'audit_escalation_risks() names each login that can connect and escalate, with why');
-- A login that cannot connect yet is refused too, and told why (its CONNECT would come with the grant).
CREATE ROLE audit_esc_noconn LOGIN CREATEROLE;
SELECT throws_ok($$SELECT migstat.access_grant('audit_esc_noconn', 'analyst')$$, '42501',
                 'refusing: "audit_esc_noconn" can escalate past migstat''s roles (CREATEROLE)',
                 'access_grant refuses a CREATEROLE login without CONNECT, naming the reason');
SELECT ok(NOT has_database_privilege('audit_esc_noconn', current_database(), 'CONNECT'),
          'the refused login was given no CONNECT');
SELECT * FROM finish();
ROLLBACK;
