-- Run once as EACH login (loader, loader_b, analyst, steward, steward_x, auditor, admin, and a
-- login with no migstat role): record-level relations by name, the audit log, statistics,
-- DDL in the migstat schemas. Needs :who and the relation names :pa_rel :pb_rel :a1_rel :b1_rel.
-- 13 probes on each of the 5 record-level relations, then 14 more checks.
\set ON_ERROR_ROLLBACK on
\ir ../helpers/tap.sql
SELECT plan(5 * 13 + 16 + 6);

CREATE TEMP TABLE rels AS
SELECT r.rel, r.o FROM unnest(ARRAY['migstat.records', :'pa_rel', :'pb_rel', :'a1_rel', :'b1_rel']) WITH ORDINALITY r(rel, o);

-- Every way of reading or changing a record-level relation by name. Each probe must fail with
-- 42501 or touch nothing (RLS is forced, so a slipped grant alone still returns no row).
SELECT pg_temp.denied(format('SELECT * FROM %s', rel), format('%s: SELECT * FROM %s', :'who', rel)) FROM rels ORDER BY o;
SELECT pg_temp.denied(format('SELECT record_id, person_pseudonym FROM %s', rel), format('%s: SELECT record_id, person_pseudonym FROM %s (column privileges)', :'who', rel)) FROM rels ORDER BY o;
\set probe 'COPY (SELECT * FROM migstat.records) TO STDOUT'
\set d :who ': COPY (SELECT * FROM migstat.records) TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY (SELECT * FROM ' :pa_rel ') TO STDOUT'
\set d :who ': COPY (SELECT * FROM ' :pa_rel ') TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY (SELECT * FROM ' :pb_rel ') TO STDOUT'
\set d :who ': COPY (SELECT * FROM ' :pb_rel ') TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY (SELECT * FROM ' :a1_rel ') TO STDOUT'
\set d :who ': COPY (SELECT * FROM ' :a1_rel ') TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY (SELECT * FROM ' :b1_rel ') TO STDOUT'
\set d :who ': COPY (SELECT * FROM ' :b1_rel ') TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY migstat.records TO STDOUT'
\set d :who ': COPY migstat.records TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY ' :pa_rel ' TO STDOUT'
\set d :who ': COPY ' :pa_rel ' TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY ' :pb_rel ' TO STDOUT'
\set d :who ': COPY ' :pb_rel ' TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY ' :a1_rel ' TO STDOUT'
\set d :who ': COPY ' :a1_rel ' TO STDOUT'
\ir ../helpers/copy_out_denied.sql
\set probe 'COPY ' :b1_rel ' TO STDOUT'
\set d :who ': COPY ' :b1_rel ' TO STDOUT'
\ir ../helpers/copy_out_denied.sql
SET row_security = off;
SELECT pg_temp.denied(format('SELECT * FROM %s', rel), format('%s: SET row_security = off, then SELECT * FROM %s', :'who', rel)) FROM rels ORDER BY o;
RESET row_security;
BEGIN;
SET LOCAL row_security = off;
SELECT pg_temp.denied(format('TABLE %s', rel), format('%s: TABLE %s inside a transaction with row_security = off', :'who', rel)) FROM rels ORDER BY o;
ROLLBACK;
SELECT pg_temp.denied(format($$INSERT INTO %s (purpose_id, source_id, batch_id, line_no, event_date, direction, sex, nationality, migration_status, record_id) VALUES (1, 1, 1, 999, '2024-01-01', 1, 1, 1, 1, 'probe')$$, rel),
                      format('%s: INSERT INTO %s', :'who', rel)) FROM rels ORDER BY o;
SELECT pg_temp.denied(format('UPDATE %s SET age = age RETURNING record_id', rel), format('%s: UPDATE %s', :'who', rel)) FROM rels ORDER BY o;
SELECT pg_temp.denied(format('DELETE FROM %s RETURNING record_id', rel), format('%s: DELETE FROM %s', :'who', rel)) FROM rels ORDER BY o;
SELECT throws_ok(format('TRUNCATE %s', rel), '42501', NULL, format('%s: TRUNCATE %s', :'who', rel)) FROM rels ORDER BY o;
SELECT throws_ok(format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', rel), '42501', NULL, format('%s: ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', :'who', rel)) FROM rels ORDER BY o;
SELECT throws_ok(format('CREATE POLICY probe ON %s USING (true)', rel), '42501', NULL, format('%s: CREATE POLICY on %s', :'who', rel)) FROM rels ORDER BY o;
SELECT throws_ok(format('EXPLAIN ANALYZE SELECT * FROM %s', rel), '42501', NULL, format('%s: EXPLAIN ANALYZE SELECT * FROM %s', :'who', rel)) FROM rels ORDER BY o;

-- The audit log is append-only for everyone.
SELECT throws_ok($$INSERT INTO migstat.audit_log (seq, actor, action, prev_hash, hash) VALUES (1000000, session_user, 'forged', '\x00', '\x00')$$, '42501', NULL, :'who' || ': cannot INSERT into migstat.audit_log');
SELECT throws_ok($$UPDATE migstat.audit_log SET details = '{}'$$, '42501', NULL, :'who' || ': cannot UPDATE migstat.audit_log');
SELECT throws_ok('DELETE FROM migstat.audit_log', '42501', NULL, :'who' || ': cannot DELETE FROM migstat.audit_log');
SELECT throws_ok('TRUNCATE migstat.audit_log', '42501', NULL, :'who' || ': cannot TRUNCATE migstat.audit_log');
SELECT throws_ok('ALTER TABLE migstat.audit_log DISABLE TRIGGER USER', '42501', NULL, :'who' || ': cannot disable the audit_log triggers');
SELECT throws_ok($$SELECT migstat.audit('forged', '{}')$$, '42501', NULL, :'who' || ': cannot call migstat.audit (forge an audit row)');
SELECT throws_ok($$UPDATE migstat.audit_tree SET hash = hash$$, '42501', NULL, :'who' || ': cannot UPDATE migstat.audit_tree');
SELECT throws_ok('DELETE FROM migstat.audit_tree', '42501', NULL, :'who' || ': cannot DELETE FROM migstat.audit_tree');
SELECT throws_ok('TRUNCATE migstat.audit_tree', '42501', NULL, :'who' || ': cannot TRUNCATE migstat.audit_tree');
SELECT throws_ok('DELETE FROM migstat.audit_pending', '42501', NULL, :'who' || ': cannot DELETE FROM migstat.audit_pending (unseal an entry)');
SELECT throws_ok('TRUNCATE migstat.audit_pending', '42501', NULL, :'who' || ': cannot TRUNCATE migstat.audit_pending');
SELECT throws_ok('UPDATE migstat.audit_pending SET seq = seq', '42501', NULL, :'who' || ': cannot UPDATE migstat.audit_pending');
SELECT throws_ok('INSERT INTO migstat.audit_pending (seq) VALUES (9000001)', '42501', NULL, :'who' || ': cannot INSERT into migstat.audit_pending (pend a forged entry)');
SELECT throws_ok($$INSERT INTO migstat.audit_tree (level, idx, hash, seq) VALUES (0, 999999, sha256(''), 1)$$, '42501', NULL, :'who' || ': cannot INSERT into migstat.audit_tree');

-- Planner statistics hold sample values (most common values, histograms): hidden without SELECT.
SELECT pg_temp.denied($$SELECT tablename, attname, most_common_vals FROM pg_stats WHERE schemaname IN ('migstat', 'migstat_data') AND tablename ~ '^(records|purpose_|batch_)'$$, :'who' || ': pg_stats shows no statistics of records, partitions or batches');
SELECT pg_temp.denied($$SELECT * FROM pg_stats_ext WHERE schemaname IN ('migstat', 'migstat_data')$$, :'who' || ': pg_stats_ext shows no extended statistics of records');

-- No one but the owner creates objects in the migstat schemas.
SELECT throws_ok('CREATE TABLE migstat.probe (i int)', '42501', NULL, :'who' || ': cannot create a table in schema migstat');
SELECT throws_ok($$CREATE FUNCTION migstat_data.probe() RETURNS int LANGUAGE sql AS 'SELECT 1'$$, '42501', NULL, :'who' || ': cannot create a function in schema migstat_data');
SELECT throws_ok('ALTER FUNCTION migstat.extract(text, text, text[], jsonb) SET search_path = pg_temp, migstat', '42501', NULL, :'who' || ': cannot ALTER migstat.extract (e.g. to drop SECURITY DEFINER checks)');
SELECT throws_ok('GRANT migstat_steward TO CURRENT_USER', '42501', NULL, :'who' || ': cannot grant itself a migstat role with plain GRANT');
SELECT throws_ok('SET ROLE migstat_owner', '42501', NULL, :'who' || ': cannot SET ROLE migstat_owner');
RESET ROLE;

-- my_access() describes exactly the caller's memberships (or is not callable without a role).
SELECT has_function_privilege(p.oid, 'EXECUTE') AS can_my_access
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'migstat' AND p.proname = 'my_access' \gset
\if :can_my_access
SELECT is((SELECT coalesce(array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access)), '{}')
             FROM migstat.my_access()),
          (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM (
              SELECT substr(g, 9) AS x FROM unnest(ARRAY['migstat_loader', 'migstat_analyst', 'migstat_steward',
                                                         'migstat_auditor', 'migstat_admin']) g
               WHERE pg_has_role(session_user, g, 'MEMBER')
              UNION ALL
              SELECT concat_ws(':', CASE k WHEN 'load' THEN 'loader' ELSE 'steward' END, p, k)
                FROM unnest(ARRAY[:'pa', :'pb', :'pc']) p, unnest(ARRAY['load', 'read', 'special']) k
               WHERE pg_has_role(session_user, format('migstat_%s_%s_%s', :'tag', p, k), 'MEMBER')) s),
          :'who' || ': my_access() agrees with pg_has_role for the caller');
\else
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname LIKE 'migstat\_%' AND pg_has_role(session_user, r.oid, 'MEMBER')),
          :'who' || ': may not call my_access() and holds no migstat role');
\endif

SELECT * FROM finish();
