-- Run once as EACH login (loader, loader_b, analyst, steward, steward_x, auditor, admin; the login
-- without a migstat role cannot connect): mapping profiles (issue 12). No role writes migstat.profile
-- (or a batch's profile) directly, not even an administrator: only migstat.profile_add, which only
-- administrators may call (every other role gets 42501 naming the role it lacks). Loaders, auditors
-- and administrators read the profiles; analysts and stewards do not. Needs :who.
\set ON_ERROR_ROLLBACK on
\ir ../helpers/tap.sql
SELECT :'who' = 'admin' AS is_admin, :'who' IN ('loader', 'loader_b', 'auditor', 'admin') AS reads_profiles \gset
\if :is_admin
SELECT plan(7 + 6 + 2);
\else
SELECT plan(7 + 1 + 2);
\endif

-- Direct writes: refused to everyone (no INSERT, UPDATE, DELETE or TRUNCATE is granted; not owner).
SELECT throws_ok($$INSERT INTO migstat.profile (source_id, version, profile, sha256) VALUES (1, 99, 'name: forged', encode(sha256('name: forged'), 'hex'))$$,
                 '42501', NULL, :'who' || ': cannot INSERT into migstat.profile');
SELECT throws_ok($$UPDATE migstat.profile SET profile = 'name: forged'$$, '42501', NULL, :'who' || ': cannot UPDATE migstat.profile');
SELECT throws_ok('DELETE FROM migstat.profile', '42501', NULL, :'who' || ': cannot DELETE FROM migstat.profile (erase a version from the history)');
SELECT throws_ok('TRUNCATE migstat.profile', '42501', NULL, :'who' || ': cannot TRUNCATE migstat.profile');
SELECT throws_ok('ALTER TABLE migstat.profile DROP CONSTRAINT profile_sha256_check', '42501', NULL, :'who' || ': cannot ALTER migstat.profile');
SELECT throws_ok($$UPDATE migstat.batch SET profile_sha256 = NULL$$, '42501', NULL, :'who' || ': cannot UPDATE migstat.batch (a batch''s profile)');
SELECT throws_ok('ALTER TABLE migstat.batch DISABLE TRIGGER batch_profile', '42501', NULL, :'who' || ': cannot disable the batch_profile trigger');

\if :is_admin
-- An administrator registers, replaces (keeping the history) and is told when nothing changes.
SELECT is((SELECT version || ':' || unchanged FROM migstat.profile_add('acc-profiles-' || :'run', E'name: acc\n')), '1:false',
          'admin: profile_add registers version 1 of a new source');
SELECT is((SELECT version || ':' || unchanged FROM migstat.profile_add('acc-profiles-' || :'run', E'name: acc\n')), '1:true',
          'admin: the same text again changes nothing');
SELECT throws_ok(format($$SELECT * FROM migstat.profile_add('acc-profiles-%s', E'name: acc2\n')$$, :'run'), 'MS409', NULL,
                 'admin: another profile for the source is refused without p_replace');
SELECT is((SELECT version || ':' || previous_version FROM migstat.profile_add('acc-profiles-' || :'run', E'name: acc2\n', true)), '2:1',
          'admin: with p_replace it becomes version 2');
SELECT is((SELECT array_agg(version || ':' || is_current || ':' || sha256 ORDER BY version)
             FROM migstat.profiles('acc-profiles-' || :'run', true)),
          ARRAY['1:false:' || encode(sha256(convert_to(E'name: acc\n', 'UTF8')), 'hex'),
                '2:true:' || encode(sha256(convert_to(E'name: acc2\n', 'UTF8')), 'hex')],
          'admin: both versions are kept, the second current, each with the SHA-256 of its text');
SELECT throws_ok($$SELECT * FROM migstat.profile_add('no/such source', 'name: x')$$, '22023', NULL,
                 'admin: a source name the sources table refuses is refused');
\else
-- EXECUTE is granted to migstat_admin only: the function body (and its require_role) never runs.
SELECT throws_ok(format($$SELECT * FROM migstat.profile_add('acc-profiles-%s', 'name: forged')$$, :'run'), '42501',
                 'permission denied for function profile_add', :'who' || ': cannot register a profile (not even call profile_add)');
\endif

\if :reads_profiles
SELECT lives_ok('SELECT count(*) FROM migstat.profile', :'who' || ': may read migstat.profile');
SELECT lives_ok('SELECT count(*) FROM migstat.profiles()', :'who' || ': may call migstat.profiles()');
\else
SELECT throws_ok('SELECT count(*) FROM migstat.profile', '42501', NULL, :'who' || ': may not read migstat.profile');
SELECT throws_ok('SELECT count(*) FROM migstat.profiles()', '42501', NULL, :'who' || ': may not call migstat.profiles()');
\endif

SELECT * FROM finish();
