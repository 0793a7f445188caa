-- Run once as EACH login (loader, loader_b, analyst, steward, steward_x, auditor, admin, and a
-- login with no migstat role): record-level relations by name, the audit log, statistics,
-- DDL in the migstat schemas. Needs :who and the relation names :pa_rel :pb_rel :a1_rel :b1_rel.
\set ON_ERROR_ROLLBACK on

\set rel migstat.records
\ir lib/table_probes.sql
\set rel :pa_rel
\ir lib/table_probes.sql
\set rel :pb_rel
\ir lib/table_probes.sql
\set rel :a1_rel
\ir lib/table_probes.sql
\set rel :b1_rel
\ir lib/table_probes.sql

-- The audit log is append-only for everyone.
\set want 42501
\set d :who ': cannot INSERT into migstat.audit_log'
\o :out
INSERT INTO migstat.audit_log (seq, actor, action, prev_hash, hash) VALUES (1000000, session_user, 'forged', '\x00', '\x00');
\ir lib/state.sql
\set d :who ': cannot UPDATE migstat.audit_log'
\o :out
UPDATE migstat.audit_log SET details = '{}';
\ir lib/state.sql
\set d :who ': cannot DELETE FROM migstat.audit_log'
\o :out
DELETE FROM migstat.audit_log;
\ir lib/state.sql
\set d :who ': cannot TRUNCATE migstat.audit_log'
\o :out
TRUNCATE migstat.audit_log;
\ir lib/state.sql
\set d :who ': cannot disable the audit_log triggers'
\o :out
ALTER TABLE migstat.audit_log DISABLE TRIGGER USER;
\ir lib/state.sql
\set d :who ': cannot call migstat.audit (forge an audit row)'
\o :out
SELECT migstat.audit('forged', '{}');
\ir lib/state.sql

-- Planner statistics hold sample values (most common values, histograms): hidden without SELECT.
\set d :who ': pg_stats shows no statistics of records, partitions or batches'
\o :out
SELECT tablename, attname, most_common_vals FROM pg_stats
 WHERE schemaname IN ('migstat', 'migstat_data') AND tablename ~ '^(records|purpose_|batch_)';
\ir lib/denied.sql
\set d :who ': pg_stats_ext shows no extended statistics of records'
\o :out
SELECT * FROM pg_stats_ext WHERE schemaname IN ('migstat', 'migstat_data');
\ir lib/denied.sql

-- No one but the owner creates objects in the migstat schemas.
\set d :who ': cannot create a table in schema migstat'
\o :out
CREATE TABLE migstat.probe (i int);
\ir lib/state.sql
\set d :who ': cannot create a function in schema migstat_data'
\o :out
CREATE FUNCTION migstat_data.probe() RETURNS int LANGUAGE sql AS 'SELECT 1';
\ir lib/state.sql
\set d :who ': cannot ALTER migstat.extract (e.g. to drop SECURITY DEFINER checks)'
\o :out
ALTER FUNCTION migstat.extract(text, text, text[], jsonb) SET search_path = pg_temp, migstat;
\ir lib/state.sql
\set d :who ': cannot grant itself a migstat role with plain GRANT'
\o :out
GRANT migstat_steward TO CURRENT_USER;
\ir lib/state.sql
\set d :who ': cannot SET ROLE migstat_owner'
\o :out
SET ROLE migstat_owner;
\ir lib/state.sql
RESET ROLE;

-- my_access() describes exactly the caller's memberships (or is not callable without a role).
SELECT has_function_privilege(p.oid, 'EXECUTE') AS can_my_access
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'migstat' AND p.proname = 'my_access' \gset
\if :can_my_access
\set d :who ': my_access() agrees with pg_has_role for the caller'
SELECT (SELECT coalesce(array_agg(concat_ws(':', role, purpose, access) ORDER BY concat_ws(':', role, purpose, access)), '{}')
          FROM migstat.my_access())
       = (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM (
              SELECT substr(g, 9) AS x FROM unnest(ARRAY['migstat_loader', 'migstat_analyst', 'migstat_steward',
                                                         'migstat_auditor', 'migstat_admin']) g
               WHERE pg_has_role(session_user, g, 'MEMBER')
              UNION ALL
              SELECT concat_ws(':', CASE k WHEN 'load' THEN 'loader' ELSE 'steward' END, p, k)
                FROM unnest(ARRAY[:'pa', :'pb', :'pc']) p, unnest(ARRAY['load', 'read', 'special']) k
               WHERE pg_has_role(session_user, format('migstat_%s_%s_%s', :'tag', p, k), 'MEMBER')) s) AS pass \gset
\ir lib/result.sql
\else
\set d :who ': may not call my_access() and holds no migstat role'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname LIKE 'migstat\_%' AND pg_has_role(session_user, r.oid, 'MEMBER')) AS pass \gset
\ir lib/result.sql
\endif
\echo __end__
