-- As an analyst: protected aggregates only; no record-level path at all.
\ir ../helpers/tap.sql
SELECT plan(17);
\set who analyst
\set grp migstat_analyst
\ir ../helpers/visible.sql

SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'analyst would like record-level rows')$$, :'pa'), '42501', NULL, 'analyst: cannot call extract');
SELECT throws_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 'an.csv', repeat('b', 64))$$, :'pa'), '42501', NULL, 'analyst: cannot call begin_batch');
SELECT throws_ok('SELECT * FROM migstat.check_batch(1)', '42501', NULL, 'analyst: cannot call check_batch');
SELECT throws_ok($$SELECT * FROM migstat.purpose_add('acc_probe', 'probe', '1 year')$$, '42501', NULL, 'analyst: cannot call purpose_add');
SELECT throws_ok(format($$SELECT migstat.access_grant(session_user, 'steward', ARRAY[%L], true)$$, :'pa'), '42501', NULL, 'analyst: cannot call access_grant');
SELECT throws_ok(format($$SELECT migstat.access_revoke(%L, 'steward')$$, :'u_steward'), '42501', NULL, 'analyst: cannot call access_revoke');
SELECT throws_ok('SELECT * FROM migstat.audit_verify()', '42501', NULL, 'analyst: cannot call audit_verify');
SELECT throws_ok('SELECT * FROM migstat.batch', '42501', NULL, 'analyst: cannot read migstat.batch');
SELECT throws_ok('SELECT * FROM migstat.batches', '42501', NULL, 'analyst: cannot read migstat.batches');
SELECT throws_ok('SELECT * FROM migstat.access', '42501', NULL, 'analyst: cannot read migstat.access');
SELECT throws_ok('SELECT * FROM migstat.audit_log', '42501', NULL, 'analyst: cannot read migstat.audit_log');
SELECT ok(count(*) > 900, format('analyst: reads migstat.code (allowed; %s codes)', count(*))) FROM migstat.code;
SELECT ok(count(*) >= 2, 'analyst: reads migstat.purpose (allowed)') FROM migstat.purpose;
SELECT is(array_agg(concat_ws(':', role, purpose, access)), ARRAY['analyst'], 'analyst: my_access() lists analyst only') FROM migstat.my_access();

SELECT * FROM finish();
