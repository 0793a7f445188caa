-- As the administrator: declares and grants, never reads records.
\set ON_ERROR_ROLLBACK on
\set who admin
\set grp migstat_admin
\ir lib/visible.sql

\set d 'admin: declares a third purpose C'
\o :out
SELECT * FROM migstat.purpose_add(:'pc', 'Access-control test purpose C', '1 year');
\set want 00000
\ir lib/state.sql
\set d 'admin: grants the loader the load compartment of C'
\o :out
SELECT migstat.access_grant(:'u_loader', 'loader', ARRAY[:'pc']);
\ir lib/state.sql
\set d 'admin: reads migstat.access (who has what)'
SELECT count(*) > 0 AS pass, count(*) || ' rows' AS info FROM migstat.access \gset
\ir lib/result.sql
\set d 'admin: reads batch metadata'
SELECT count(*) >= 3 AS pass FROM migstat.batches \gset
\ir lib/result.sql

\set want 42710
\set d 'admin: purpose_add refuses to adopt an existing role as a compartment role (F6)'
\o :out
SELECT * FROM migstat.purpose_add(:'ptrap', 'Purpose whose load role name is already taken', '1 year');
\ir lib/state.sql

\set want 42501
\set d 'admin: cannot call extract'
\o :out
SELECT * FROM migstat.extract(:'pa', 'administrator wants record-level rows');
\ir lib/state.sql
\set d 'admin: cannot read migstat.audit_log'
\o :out
SELECT * FROM migstat.audit_log;
\ir lib/state.sql
\set d 'admin: cannot call begin_batch'
\o :out
SELECT * FROM migstat.begin_batch('acc-border', :'pa', 'ad.csv', repeat('d', 64));
\ir lib/state.sql
\set d 'admin: cannot call migstat.audit directly'
\o :out
SELECT migstat.audit('access.grant', '{}');
\ir lib/state.sql

-- Separation of duties. An administrator grants compartments; granting them to itself is the
-- shortest way from "no record-level data" to record-level data.
\set d 'admin: access_grant refuses to grant to the caller itself (self-grant of steward + read A)'
\o :out
SELECT migstat.access_grant(session_user, 'steward', ARRAY[:'pa'], true);
\ir lib/state.sql
\set d 'admin: even holding steward + read A (if a self-grant got through), extract refuses an administrator'
\o :out
SELECT * FROM migstat.extract(:'pa', 'administrator holding a self-granted steward role');
\ir lib/state.sql
-- Undo the self-grant if it got through (so later checks see the intended memberships).
\o :out
SELECT migstat.access_revoke(session_user, 'steward') WHERE pg_has_role(session_user, 'migstat_steward', 'MEMBER');
\o
\echo __end__
