-- Synthetic records for the report benchmark: :rows rows with skewed, realistic distributions,
-- written straight into one batch partition through the loader path (begin_batch/finish_batch)
-- by a superuser. Run with psql -v rows=N -v seed=0.42 -f bench_data.sql (the schema and codes
-- must be loaded). Not a test: it asserts nothing.
\set ON_ERROR_STOP 1
SELECT setseed(coalesce(nullif(:'seed', ''), '0.42')::float8);
SELECT migstat.purpose_add('bench', 'synthetic benchmark data', '10 years')
 WHERE NOT EXISTS (SELECT 1 FROM migstat.purpose WHERE name = 'bench');
BEGIN;
SELECT batch_id AS bench_batch FROM migstat.begin_batch('bench-src', 'bench', 'synthetic.csv',
       encode(sha256(convert_to('bench ' || clock_timestamp()::text, 'UTF8')), 'hex')) \gset
CREATE TEMP TABLE bench_ids AS
SELECT dimension, array_agg(id ORDER BY sort_order) AS ids FROM migstat.code WHERE level = 1 OR dimension <> 'occupation' GROUP BY dimension;
CREATE TEMP TABLE bench_occ AS SELECT array_agg(id ORDER BY sort_order) AS ids FROM migstat.code WHERE dimension = 'occupation' AND level = 4;
-- countries by popularity: the neighbours and the main destinations first, the rest in code order
CREATE TEMP TABLE bench_pop AS
SELECT array_agg(id ORDER BY coalesce(array_position(ARRAY['UZB','TJK','KAZ','RUS','KGZ','CHN','TUR','AFG','IND','PAK','DEU','USA','KOR','ARE'], code), 100), sort_order) AS ids
  FROM migstat.code WHERE dimension = 'country';
INSERT INTO migstat_data.batch_:bench_batch (line_no, record_id, event_date, direction, sex, age, nationality, country,
       region, reason, occupation, worker_category, ethnicity, migration_status, disability, person_pseudonym)
SELECT i, i::text,
       DATE '2022-01-01' + (random() * 1095.99)::int,
       CASE WHEN random() < 0.52 THEN 1 ELSE 2 END,
       CASE WHEN h1 < 0.45 THEN 1 WHEN h1 < 0.985 THEN 2 WHEN h1 < 0.995 THEN 3 ELSE 4 END,
       CASE WHEN random() < 0.01 THEN NULL ELSE least(130, base_age + (random() * 1.2)::int) END,
       pop.ids[1 + floor(253 * h2 ^ 6)::int],
       CASE WHEN random() < 0.2 THEN NULL ELSE pop.ids[1 + floor(253 * random() ^ 5)::int] END,
       CASE WHEN random() < 0.1 THEN NULL ELSE 1 + floor(9 * random() ^ 2)::int END,
       CASE WHEN r < 0.55 THEN 1 WHEN r < 0.70 THEN 2 WHEN r < 0.78 THEN 3 WHEN r < 0.79 THEN 4 WHEN r < 0.89 THEN 5
            WHEN r < 0.95 THEN 6 WHEN r < 0.98 THEN 7 ELSE NULL END,
       CASE WHEN random() < 0.4 THEN NULL ELSE occ.ids[1 + floor(436 * random() ^ 3)::int] END,
       CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(11 * random() ^ 2)::int END,
       CASE WHEN random() < 0.5 THEN NULL ELSE 1 + floor(21 * random() ^ 4)::int END,
       CASE WHEN r2 < 0.90 THEN 1 WHEN r2 < 0.94 THEN 2 WHEN r2 < 0.95 THEN 3 WHEN r2 < 0.955 THEN 4 WHEN r2 < 0.958 THEN 5 ELSE 6 END,
       CASE WHEN random() < 0.6 THEN NULL WHEN random() < 0.05 THEN 1 WHEN random() < 0.95 THEN 2 ELSE 3 END,
       CASE WHEN random() < 0.01 THEN NULL ELSE sha256(int8send(p)) END
  FROM (SELECT i, p, random() AS r, random() AS r2,
               ((hashint8extended(p, 1) & 2147483647) / 2147483648.0)::float8 AS h1,
               ((hashint8extended(p, 2) & 2147483647) / 2147483648.0)::float8 AS h2,
               CASE WHEN h3 < 0.15 THEN floor(h4 * 18)::int
                    WHEN h3 < 0.90 THEN 18 + floor(47 * h4 ^ 1.6)::int
                    ELSE 65 + floor(30 * h4 ^ 2)::int END AS base_age
          FROM (SELECT i, (random() * (:rows * 0.6))::bigint AS p FROM generate_series(1, :rows) i) s0
          CROSS JOIN LATERAL (SELECT ((hashint8extended(s0.p, 3) & 2147483647) / 2147483648.0)::float8 AS h3,
                                     ((hashint8extended(s0.p, 4) & 2147483647) / 2147483648.0)::float8 AS h4) hh) s
 CROSS JOIN bench_pop pop CROSS JOIN bench_occ occ;
SELECT (migstat.finish_batch(:bench_batch, :rows, 0)).accepted AS accepted;
COMMIT;
VACUUM ANALYZE migstat.records;
