-- As the administrator: declares and grants, never reads records.
\ir ../helpers/tap.sql
SELECT plan(14);
\set who admin
\set grp migstat_admin
\ir ../helpers/visible.sql

SELECT lives_ok(format($$SELECT * FROM migstat.purpose_add(%L, 'Access-control test purpose C', '1 year')$$, :'pc'), 'admin: declares a third purpose C');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'loader', ARRAY[%L])$$, :'u_loader', :'pc'), 'admin: grants the loader the load compartment of C');
SELECT ok(count(*) > 0, format('admin: reads migstat.access (who has what; %s rows)', count(*))) FROM migstat.access;
SELECT ok(count(*) >= 3, 'admin: reads batch metadata') FROM migstat.batches;

SELECT throws_ok(format($$SELECT * FROM migstat.purpose_add(%L, 'Purpose whose load role name is already taken', '1 year')$$, :'ptrap'), '42710', NULL, 'admin: purpose_add refuses to adopt an existing role as a compartment role (F6)');

SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'administrator wants record-level rows')$$, :'pa'), '42501', NULL, 'admin: cannot call extract');
SELECT throws_ok('SELECT * FROM migstat.audit_log', '42501', NULL, 'admin: cannot read migstat.audit_log');
SELECT throws_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 'ad.csv', repeat('d', 64))$$, :'pa'), '42501', NULL, 'admin: cannot call begin_batch');
SELECT throws_ok($$SELECT migstat.audit('access.grant', '{}')$$, '42501', NULL, 'admin: cannot call migstat.audit directly');

-- Separation of duties. An administrator grants compartments; granting them to itself is the
-- shortest way from "no record-level data" to record-level data.
SELECT throws_ok(format($$SELECT migstat.access_grant(session_user, 'steward', ARRAY[%L], true)$$, :'pa'), '42501', NULL, 'admin: access_grant refuses to grant to the caller itself (self-grant of steward + read A)');
SELECT throws_ok(format($$SELECT * FROM migstat.extract(%L, 'administrator holding a self-granted steward role')$$, :'pa'), '42501', NULL, 'admin: even holding steward + read A (if a self-grant got through), extract refuses an administrator');
-- Undo the self-grant if it got through (so later checks see the intended memberships).
\o /dev/null
SELECT migstat.access_revoke(session_user, 'steward') WHERE pg_has_role(session_user, 'migstat_steward', 'MEMBER');
\o

SELECT * FROM finish();
