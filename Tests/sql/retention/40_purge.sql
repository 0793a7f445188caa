-- As the superuser (the scheduled run's account): the purge and its verification, each in its own
-- transaction; then nothing of "gone" is left -- no record, no table attached or not, no file --,
-- "stays" is untouched, the compartment roles are gone, withheld values are forgotten.
\ir ../helpers/tap.sql
SELECT plan(15);
CREATE TEMP TABLE before_tab (cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
                              upper_bound numeric, is_estimate boolean);
INSERT INTO before_tab SELECT * FROM migstat.declared_report('gone', 'sex_dir');
SELECT count(*) AS stays_before FROM migstat.records WHERE purpose_id = (SELECT id FROM migstat.purpose WHERE name = 'stays') \gset
SELECT ok((SELECT count(*) FROM before_tab WHERE conf_status = 'C') > 0, 'the declared table has withheld cells (unknown sex)');
SELECT migstat.purge_execute('gone') AS purge_id \gset
SELECT is((SELECT (migstat.purge_verify(:purge_id)) ->> 'ok'), 'true', 'verified: nothing of the purpose remains');
SELECT is((SELECT count(*) FROM migstat.records WHERE purpose_id = (SELECT id FROM migstat.purpose WHERE name = 'gone')), 0::bigint,
          'no record of the purpose');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'migstat_data' AND (c.relname = 'purpose_' || (SELECT id FROM migstat.purpose WHERE name = 'gone')
                  OR c.relname IN (SELECT 'batch_' || b.id FROM migstat.batch b JOIN migstat.purpose p ON p.id = b.purpose_id WHERE p.name = 'gone'))),
          0::bigint, 'no table of the purpose in the catalog, attached or not (the unfinished import''s included)');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'migstat_data' AND c.relname = 'record_id_ranges_' || (SELECT id FROM migstat.purpose WHERE name = 'gone')),
          0::bigint, 'the purpose''s record_id ranges (the duplicate check''s digest of its batches) are dropped with it');
SELECT ok((SELECT bool_or(r LIKE 'migstat_data.record_id_ranges_%') FROM migstat.purge g, unnest(g.relations) r),
          'the purge lists the record_id ranges among what it dropped (their files are checked below)');
SELECT is((SELECT count(*) FROM migstat.record_id_range WHERE purpose_id = (SELECT id FROM migstat.purpose WHERE name = 'gone')), 0::bigint,
          'no record_id range of the purpose is left');
SELECT is((SELECT count(*) FROM migstat.purge g, unnest(g.files) f WHERE pg_stat_file(f, true) IS NOT NULL), 0::bigint,
          'none of the dropped relations'' files is left in the data directory');
SELECT ok((SELECT cardinality(files) FROM migstat.purge) >= 2, 'the purge knew the files it dropped');
SELECT is((SELECT count(*) FROM migstat.records WHERE purpose_id = (SELECT id FROM migstat.purpose WHERE name = 'stays')),
          :stays_before::bigint, 'the other purpose is untouched');
SELECT is((SELECT count(*) FROM pg_roles WHERE rolname LIKE 'migstat\_' || (SELECT value FROM migstat.setting WHERE key = 'instance_tag') || '\_gone\_%'),
          0::bigint, 'its compartment roles are dropped');
SELECT is((SELECT count(*) FROM migstat.batch b JOIN migstat.purpose p ON p.id = b.purpose_id WHERE p.name = 'gone' AND b.status <> 'purged'),
          0::bigint, 'its batches are marked purged (metadata and SHA-256 kept)');
SELECT is((SELECT count(*) FROM migstat.programme_cell c JOIN migstat.programme_run r ON r.id = c.run_id JOIN migstat.purpose p ON p.id = r.purpose_id
            WHERE p.name = 'gone' AND c.status IN ('A', 'D') AND c.v IS NOT NULL), 0::bigint, 'withheld values are forgotten');
SELECT is((SELECT count(*) FROM before_tab b FULL JOIN migstat.declared_report('gone', 'sex_dir') a USING (cell_dims)
            WHERE a.obs_value IS DISTINCT FROM b.obs_value OR a.conf_status IS DISTINCT FROM b.conf_status), 0::bigint,
          'the preserved declared table reports exactly what it reported before');
SELECT throws_like($$SELECT migstat.purge_execute('gone')$$, 'purpose "gone" is already purged', 'a purge runs once');
SELECT * FROM finish();
