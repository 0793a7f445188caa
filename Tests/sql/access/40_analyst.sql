-- As an analyst: protected aggregates only; no record-level path at all.
\set ON_ERROR_ROLLBACK on
\set who analyst
\set grp migstat_analyst
\ir lib/visible.sql

\set want 42501
\set d 'analyst: cannot call extract'
\o :out
SELECT * FROM migstat.extract(:'pa', 'analyst would like record-level rows');
\ir lib/state.sql
\set d 'analyst: cannot call begin_batch'
\o :out
SELECT * FROM migstat.begin_batch('acc-border', :'pa', 'an.csv', repeat('b', 64));
\ir lib/state.sql
\set d 'analyst: cannot call check_batch'
\o :out
SELECT * FROM migstat.check_batch(1);
\ir lib/state.sql
\set d 'analyst: cannot call purpose_add'
\o :out
SELECT * FROM migstat.purpose_add('acc_probe', 'probe', '1 year');
\ir lib/state.sql
\set d 'analyst: cannot call access_grant'
\o :out
SELECT migstat.access_grant(session_user, 'steward', ARRAY[:'pa'], true);
\ir lib/state.sql
\set d 'analyst: cannot call access_revoke'
\o :out
SELECT migstat.access_revoke(:'u_steward', 'steward');
\ir lib/state.sql
\set d 'analyst: cannot call audit_verify'
\o :out
SELECT * FROM migstat.audit_verify();
\ir lib/state.sql
\set d 'analyst: cannot read migstat.batch'
\o :out
SELECT * FROM migstat.batch;
\ir lib/state.sql
\set d 'analyst: cannot read migstat.batches'
\o :out
SELECT * FROM migstat.batches;
\ir lib/state.sql
\set d 'analyst: cannot read migstat.access'
\o :out
SELECT * FROM migstat.access;
\ir lib/state.sql
\set d 'analyst: cannot read migstat.audit_log'
\o :out
SELECT * FROM migstat.audit_log;
\ir lib/state.sql
\set d 'analyst: reads migstat.code (allowed)'
SELECT count(*) > 900 AS pass, count(*) || ' codes' AS info FROM migstat.code \gset
\ir lib/result.sql
\set d 'analyst: reads migstat.purpose (allowed)'
SELECT count(*) >= 2 AS pass FROM migstat.purpose \gset
\ir lib/result.sql
\set d 'analyst: my_access() lists analyst only'
SELECT array_agg(concat_ws(':', role, purpose, access)) = ARRAY['analyst'] AS pass FROM migstat.my_access() \gset
\ir lib/result.sql
\echo __end__
