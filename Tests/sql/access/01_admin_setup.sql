-- As the administrator: declare purposes A and B and grant every test user its role and
-- compartments (the allowed path of migstat_admin).
\set ON_ERROR_ROLLBACK on
\set who admin

\set d 'admin: declares purpose A (migstat.purpose_add)'
\o :out
SELECT * FROM migstat.purpose_add(:'pa', 'Access-control test purpose A', '5 years');
\set want 00000
\ir lib/state.sql
\set d 'admin: declares purpose B'
\o :out
SELECT * FROM migstat.purpose_add(:'pb', 'Access-control test purpose B', '2 years');
\ir lib/state.sql

\set d 'admin: grants loader + load compartment of A'
\o :out
SELECT migstat.access_grant(:'u_loader', 'loader', ARRAY[:'pa']);
\ir lib/state.sql
\set d 'admin: grants a second loader the load compartment of B'
\o :out
SELECT migstat.access_grant(:'u_loader_b', 'loader', ARRAY[:'pb']);
\ir lib/state.sql
\set d 'admin: grants analyst'
\o :out
SELECT migstat.access_grant(:'u_analyst', 'analyst');
\ir lib/state.sql
\set d 'admin: grants steward + read compartment of A (no special clearance)'
\o :out
SELECT migstat.access_grant(:'u_steward', 'steward', ARRAY[:'pa']);
\ir lib/state.sql
\set d 'admin: grants a second steward read of A (no special clearance)'
\o :out
SELECT migstat.access_grant(:'u_steward_x', 'steward', ARRAY[:'pa']);
\ir lib/state.sql
\set d 'admin: grants the second steward read + special clearance of B'
\o :out
SELECT migstat.access_grant(:'u_steward_x', 'steward', ARRAY[:'pb'], true);
\ir lib/state.sql
\set d 'admin: grants auditor'
\o :out
SELECT migstat.access_grant(:'u_auditor', 'auditor');
\ir lib/state.sql

\set d 'admin: access_grant refuses purposes for an analyst'
\o :out
SELECT migstat.access_grant(:'u_analyst', 'analyst', ARRAY[:'pa']);
\set want 22023
\ir lib/state.sql
\set d 'admin: access_grant refuses special clearance for a loader'
\o :out
SELECT migstat.access_grant(:'u_loader', 'loader', ARRAY[:'pa'], true);
\ir lib/state.sql
\set d 'admin: access_grant refuses a superuser login'
\o :out
SELECT migstat.access_grant('postgres', 'steward', ARRAY[:'pa']);
\set want 42501
\ir lib/state.sql
\set d 'admin: access_grant refuses a migstat group role as grantee'
\o :out
SELECT migstat.access_grant('migstat_analyst', 'steward', ARRAY[:'pa']);
\set want 42704
\ir lib/state.sql
\echo __end__
