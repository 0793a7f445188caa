-- As a superuser, right after `migstat db init`: the database the suite runs against was built by
-- the real installer (schema and shipped code lists), and pgTAP sits in its own schema.
\ir ../helpers/tap.sql
SELECT plan(3);

SELECT ok(count(*) > 900 AND count(DISTINCT dimension) = 10,
          format('setup: code lists loaded by db init (%s codes in %s dimensions)', count(*), count(DISTINCT dimension)))
  FROM migstat.code;
SELECT is_empty($$SELECT dimension FROM migstat.code GROUP BY dimension HAVING min(id) <> 1 OR max(id) <> count(*)$$,
                'setup: code ids are 1..n in every dimension');
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pgtap'), 'tap',
          'setup: pgTAP is installed in schema tap, outside migstat and migstat_data');

SELECT * FROM finish();
