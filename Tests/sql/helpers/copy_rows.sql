-- COPY pg_temp.rows_in into migstat_data.:copy_table FROM STDIN (the data is generated into
-- :copyfile, then run from there: COPY ... FROM STDIN reads what follows it in that file).
\o :copyfile
SELECT format('COPY migstat_data.%I (line_no, record_id, event_date, direction, sex, age, nationality, country, '
              'region, reason, occupation, worker_category, ethnicity, migration_status, disability, '
              'person_pseudonym) FROM STDIN (FORMAT csv);', :'copy_table');
SELECT concat_ws(',', r.line_no, r.record_id, r.event_date,
                 coalesce(pg_temp.code_id('direction', r.direction), ''),
                 coalesce(pg_temp.code_id('sex', r.sex), ''),
                 coalesce(r.age::text, ''),
                 coalesce(pg_temp.code_id('country', r.nationality), ''),
                 coalesce(pg_temp.code_id('country', r.country), ''),
                 coalesce(pg_temp.code_id('region', r.region), ''),
                 coalesce(pg_temp.code_id('reason', r.reason), ''),
                 coalesce(pg_temp.code_id('occupation', r.occupation), ''),
                 coalesce(pg_temp.code_id('worker_category', r.worker_category), ''),
                 coalesce(pg_temp.code_id('ethnicity', r.ethnicity), ''),
                 coalesce(pg_temp.code_id('migration_status', r.migration_status), ''),
                 coalesce(pg_temp.code_id('disability', r.disability), ''),
                 coalesce('\x' || encode(sha256(convert_to(r.person, 'UTF8')), 'hex'), ''))
  FROM pg_temp.rows_in r ORDER BY r.line_no;
SELECT '\.';
\o
\i :copyfile
