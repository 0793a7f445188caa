-- Coverage of the nine dimensions of paragraph 20(a), per source and year, protected like a
-- flexible table: records and stated perturbed by the cell-key method (within 3 of the truth, no
-- 1 or 2, nothing suppressed), share from the perturbed numbers, whole months only. As the
-- superuser; the true counts come from migstat.records directly.
\ir ../helpers/tap.sql
SELECT plan(11);
-- Read first, in a statement that writes nothing (a read in a transaction that wrote is refused).
SELECT jsonb_agg(to_jsonb(c)) AS cov FROM migstat.coverage() c \gset
CREATE TEMP TABLE cov AS SELECT * FROM jsonb_to_recordset(:'cov'::jsonb)
    AS x(source text, period text, dimension text, records bigint, stated bigint, share numeric);
-- The truth: stated = not NULL and not one of the dimension's unknown codes.
CREATE TEMP TABLE cov_true AS
SELECT s.name AS source, date_part('year', r.event_date)::integer::text AS period, d.name AS dimension, count(*) AS records,
       count(*) FILTER (WHERE (to_jsonb(r) ->> d.name) IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM migstat.code c WHERE c.dimension = d.code_list
                                             AND c.id = (to_jsonb(r) ->> d.name)::integer AND c.code = ANY (d.unknown_codes))) AS stated
  FROM migstat.records r JOIN migstat.source s ON s.id = r.source_id CROSS JOIN migstat.dimension d
 WHERE d.is_paragraph20
 GROUP BY 1, 2, 3;

SELECT is((SELECT string_agg(records || '/' || stated, ' ' ORDER BY dimension) FROM cov_true WHERE source = 'border' AND period = '2024'),
          '42/30 42/5 42/28 42/42 42/42 42/25 42/30 42/42 42/30', 'coverage truth: border 2024 as counted by hand (disability UNK is not stated)');
SELECT is((SELECT count(*) FROM cov c FULL JOIN cov_true t USING (source, period, dimension) WHERE c.source IS NULL OR t.source IS NULL),
          0::bigint, 'coverage: one row per source, year with records and dimension');
SELECT is((SELECT count(*) FROM cov c JOIN cov_true t USING (source, period, dimension)
            WHERE c.records IS NULL OR c.stated IS NULL OR abs(c.records - t.records) > 3 OR abs(c.stated - t.stated) > 3
               OR (t.stated = 0 AND c.stated <> 0)),
          0::bigint, 'coverage: records and stated published (nothing suppressed), each within 3 of the truth, 0 kept');
SELECT is((SELECT count(*) FROM cov WHERE records IN (1, 2) OR stated IN (1, 2)), 0::bigint, 'coverage: no count published as 1 or 2');
SELECT ok((SELECT count(*) FROM cov_true WHERE stated IN (1, 2) OR records IN (1, 2)) > 0,
          'coverage: (the fixture has true counts of 1 or 2 there: the consulate''s 2 records)');
SELECT is((SELECT count(*) FROM cov WHERE share IS DISTINCT FROM CASE WHEN records > 0 THEN round(least(stated, records)::numeric / records, 4) END),
          0::bigint, 'coverage: share = stated / records of the published numbers');
SELECT is((SELECT count(DISTINCT records) FROM cov WHERE source = 'border' AND period = '2024'), 1::bigint,
          'coverage: the records of a source-year are published alike for every dimension (one cell key)');
SELECT is((SELECT string_agg(concat_ws('|', dimension, stated), ' ')
             FROM migstat.coverage('2023-01-01', '2023-12-31', 'border') WHERE dimension IN ('sex', 'occupation')),
          (SELECT string_agg(x, ' ' ORDER BY dimension DESC) FROM (
             SELECT d.dimension, concat_ws('|', d.dimension, migstat.report_perturb(count(*), sum(r.record_key))) AS x
               FROM migstat.records r CROSS JOIN (VALUES ('sex'), ('occupation')) d(dimension)
              WHERE r.source_id = (SELECT id FROM migstat.source WHERE name = 'border') AND r.event_date BETWEEN '2023-01-01' AND '2023-12-31'
                AND (d.dimension = 'sex' AND r.sex <> t.id('sex', '_U') OR d.dimension = 'occupation' AND r.occupation IS NOT NULL)
              GROUP BY d.dimension) y),
          'coverage: a whole year counts only the records in range (stated perturbed with their own cell key)');
SELECT throws_ok($$SELECT * FROM migstat.coverage('2023-01-01', '2023-06-15')$$, '22023', NULL, 'coverage: a period that is not whole months is refused');
SELECT throws_ok($$SELECT * FROM migstat.coverage('2023-01-01', '2023-06-30')$$, '22023', NULL, 'coverage: half a year is refused (whole years)');
SELECT throws_ok($$SELECT * FROM migstat.coverage(p_source => 'nowhere')$$,
    'MS404', 'unknown source "nowhere"', 'coverage: an unknown source is an error');

SELECT * FROM finish();
