-- As the administrator: declare purposes A and B and grant every test user its role and
-- compartments (the allowed path of migstat_admin).
\ir ../helpers/tap.sql
SELECT plan(13);

SELECT lives_ok(format($$SELECT * FROM migstat.purpose_add(%L, 'Access-control test purpose A', '5 years')$$, :'pa'), 'admin: declares purpose A (migstat.purpose_add)');
SELECT lives_ok(format($$SELECT * FROM migstat.purpose_add(%L, 'Access-control test purpose B', '2 years')$$, :'pb'), 'admin: declares purpose B');

SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'loader', ARRAY[%L])$$, :'u_loader', :'pa'), 'admin: grants loader + load compartment of A');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'loader', ARRAY[%L])$$, :'u_loader_b', :'pb'), 'admin: grants a second loader the load compartment of B');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'analyst')$$, :'u_analyst'), 'admin: grants analyst');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'steward', ARRAY[%L])$$, :'u_steward', :'pa'), 'admin: grants steward + read compartment of A (no special clearance)');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'steward', ARRAY[%L])$$, :'u_steward_x', :'pa'), 'admin: grants a second steward read of A (no special clearance)');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'steward', ARRAY[%L], true)$$, :'u_steward_x', :'pb'), 'admin: grants the second steward read + special clearance of B');
SELECT lives_ok(format($$SELECT migstat.access_grant(%L, 'auditor')$$, :'u_auditor'), 'admin: grants auditor');

SELECT throws_ok(format($$SELECT migstat.access_grant(%L, 'analyst', ARRAY[%L])$$, :'u_analyst', :'pa'), '22023', NULL, 'admin: access_grant refuses purposes for an analyst');
SELECT throws_ok(format($$SELECT migstat.access_grant(%L, 'loader', ARRAY[%L], true)$$, :'u_loader', :'pa'), '22023', NULL, 'admin: access_grant refuses special clearance for a loader');
SELECT throws_ok(format($$SELECT migstat.access_grant('postgres', 'steward', ARRAY[%L])$$, :'pa'), '42501', NULL, 'admin: access_grant refuses a superuser login');
SELECT throws_ok(format($$SELECT migstat.access_grant('migstat_analyst', 'steward', ARRAY[%L])$$, :'pa'), '42704', NULL, 'admin: access_grant refuses a migstat group role as grantee');

SELECT * FROM finish();
