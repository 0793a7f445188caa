-- Report benchmark (no assertions): run after bench_data.sql, e.g.
--   Scripts/test-sql-reports.sh --bench-only 10000000
-- Times (median of 3 runs; the direct CUBE on 5 dimensions once) of
--   plain     SELECT ... GROUP BY <dims>              (parallel: the lower bound for any table)
--   cube      SELECT ... GROUP BY CUBE (<dims>)       (never parallel in PostgreSQL 15)
--   exact     SELECT * FROM migstat.report_exact(<dims>)  (all margins, zero cells, suppression, audit)
--   report    SELECT * FROM migstat.report(<dims>)    (all margins, zero cells, cell-key perturbation, audit)
--   persons   migstat.report(<dims>, p_count => 'persons')   (once; 3 dimensions only)
-- the GROUP BYs wrapped in CREATE TEMP TABLE ... AS so that all of them may run in parallel and
-- none is limited by the client; the reports (which run their scan in parallel themselves) in
-- SELECT count(*) FROM (...), each in a transaction of its own (a report in a transaction that
-- has written is refused: the loop COMMITs before each run). The age band is the report's own
-- expression.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.ms(p_sql text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    t  numeric;
BEGIN
    t0 := clock_timestamp();
    IF p_sql LIKE 'SELECT * FROM migstat.report%' THEN
        EXECUTE 'SELECT count(*) FROM (' || p_sql || ') s';
    ELSE
        EXECUTE 'CREATE TEMP TABLE bench_out AS ' || p_sql;
    END IF;
    t := round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 0);
    DROP TABLE IF EXISTS pg_temp.bench_out;
    RETURN t;
END
$$;

CREATE TEMP TABLE bench_q (dims text, kind text, ord integer, sql text, reps integer);
INSERT INTO bench_q VALUES
 ('sex, age, nationality', 'plain', 1,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, nationality, count(*)
      FROM migstat.records GROUP BY 1, 2, 3$$, 3),
 ('sex, age, nationality', 'cube', 2,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, nationality, count(*)
      FROM migstat.records GROUP BY CUBE (1, 2, 3)$$, 3),
 ('sex, age, nationality', 'exact', 3, $$SELECT * FROM migstat.report_exact(ARRAY['sex', 'age', 'nationality'])$$, 3),
 ('sex, age, nationality', 'report', 4, $$SELECT * FROM migstat.report(ARRAY['sex', 'age', 'nationality'])$$, 3),
 ('sex, age, nationality', 'persons', 5,
  $$SELECT * FROM migstat.report(ARRAY['sex', 'age', 'nationality'], p_count => 'persons')$$, 1),
 ('sex, age, direction, reason, migration_status', 'plain', 1,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, direction,
           coalesce(reason, 0), migration_status, count(*)
      FROM migstat.records GROUP BY 1, 2, 3, 4, 5$$, 3),
 ('sex, age, direction, reason, migration_status', 'cube', 2,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, direction,
           coalesce(reason, 0), migration_status, count(*)
      FROM migstat.records GROUP BY CUBE (1, 2, 3, 4, 5)$$, 1),
 ('sex, age, direction, reason, migration_status', 'exact', 3,
  $$SELECT * FROM migstat.report_exact(ARRAY['sex', 'age', 'direction', 'reason', 'migration_status'])$$, 3),
 ('sex, age, direction, reason, migration_status', 'report', 4,
  $$SELECT * FROM migstat.report(ARRAY['sex', 'age', 'direction', 'reason', 'migration_status'])$$, 3),
 ('sex, age, nationality, reason, migration_status', 'plain', 1,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, nationality,
           coalesce(reason, 0), migration_status, count(*)
      FROM migstat.records GROUP BY 1, 2, 3, 4, 5$$, 3),
 ('sex, age, nationality, reason, migration_status', 'cube', 2,
  $$SELECT sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END AS band, nationality,
           coalesce(reason, 0), migration_status, count(*)
      FROM migstat.records GROUP BY CUBE (1, 2, 3, 4, 5)$$, 1),
 ('sex, age, nationality, reason, migration_status', 'exact', 3,
  $$SELECT * FROM migstat.report_exact(ARRAY['sex', 'age', 'nationality', 'reason', 'migration_status'])$$, 3),
 ('sex, age, nationality, reason, migration_status', 'report', 4,
  $$SELECT * FROM migstat.report(ARRAY['sex', 'age', 'nationality', 'reason', 'migration_status'])$$, 3);

-- Warm the cache, then the runs, interleaved (plain, cube, report, plain, ...) so that a change
-- of load on the machine affects all of them alike.
SELECT pg_temp.ms($$SELECT count(*) FROM migstat.records$$) AS warm_ms \gset
CREATE TEMP TABLE bench_t (dims text, kind text, ms numeric);
DO $$
DECLARE
    q record;
    t numeric;
BEGIN
    FOR r IN 1..3 LOOP
        FOR q IN SELECT * FROM bench_q ORDER BY dims DESC, ord LOOP
            IF r <= q.reps THEN
                COMMIT;
                t := pg_temp.ms(q.sql);
                INSERT INTO bench_t VALUES (q.dims, q.kind, t);
            END IF;
        END LOOP;
    END LOOP;
END
$$;

SELECT format('%s records, %s persons; fine cells (sex x band x nationality): %s',
              (SELECT count(*) FROM migstat.records), (SELECT count(DISTINCT person_pseudonym) FROM migstat.records),
              (SELECT count(*) FROM (SELECT 1 FROM migstat.records
                GROUP BY sex, CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END, nationality) s));
WITH m AS (
    SELECT dims, kind, percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS ms, count(*) AS runs,
           string_agg(ms::text, '/' ORDER BY ms) AS all_ms
      FROM bench_t GROUP BY dims, kind
)
SELECT format('%-48s %-8s %8s ms  (runs: %s)  %s', m.dims, m.kind, m.ms, m.all_ms,
              CASE WHEN m.kind <> 'plain' THEN format('= %s x plain', round(m.ms / p.ms, 2)) ELSE '' END
              || CASE WHEN m.kind = 'report' THEN format(', %s x exact (perturbed / suppressed)', round(m.ms / e.ms, 2)) ELSE '' END)
  FROM m JOIN m p ON p.dims = m.dims AND p.kind = 'plain'
  LEFT JOIN m e ON e.dims = m.dims AND e.kind = 'exact'
 ORDER BY m.dims DESC, (SELECT ord FROM bench_q q WHERE q.dims = m.dims AND q.kind = m.kind);
SELECT format('report cells: %s (sex, age, nationality), %s (sex, age, direction, reason, migration_status), '
              '%s (sex, age, nationality, reason, migration_status)',
              (SELECT count(*) FROM migstat.report_exact(ARRAY['sex', 'age', 'nationality'])),
              (SELECT count(*) FROM migstat.report_exact(ARRAY['sex', 'age', 'direction', 'reason', 'migration_status'])),
              (SELECT count(*) FROM migstat.report_exact(ARRAY['sex', 'age', 'nationality', 'reason', 'migration_status'])));
