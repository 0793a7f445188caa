-- Test data with known counts, and the helpers of the report tests (schema t). Run by
-- Scripts/test-sql-reports.sh with psql as the superuser (not a pgTAP file: it checks nothing), with
-- -v analyst=, loader=, auditor= <logins>. The database was built by migstat db init (schema and
-- code lists) and has pgTAP in schema tap, which t.check_report calls.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA t;

SELECT migstat.purpose_add('flows', 'report tests: migration flows', '5 years');
SELECT migstat.purpose_add('survey', 'report tests: a survey', '5 years');
SELECT migstat.purpose_add('prop', 'report tests: random data for the property checks', '5 years');
-- Logins (created by the runner): an analyst (only migstat_analyst), a loader of "flows", an auditor.
SELECT migstat.access_grant(:'analyst', 'analyst');
SELECT migstat.access_grant(:'loader', 'loader', ARRAY['flows']);
SELECT migstat.access_grant(:'auditor', 'auditor');

-- Loads rows through the loader path (begin_batch, INSERT, finish_batch); p_select yields the
-- columns named in the INSERT below.
CREATE FUNCTION t.add_batch(p_source text, p_purpose text, p_select text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_batch integer;
    v_n     integer;
BEGIN
    SELECT batch_id INTO v_batch
      FROM migstat.begin_batch(p_source, p_purpose, 'test.csv', encode(sha256(convert_to(p_select || random()::text || clock_timestamp()::text, 'UTF8')), 'hex'));
    EXECUTE format('INSERT INTO migstat_data.%I (line_no, record_id, event_date, direction, sex, age, nationality, country, region,
                        reason, occupation, worker_category, ethnicity, migration_status, disability, person_pseudonym) %s',
                   'batch_' || v_batch, p_select);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.finish_batch(v_batch, v_n, 0);
    RETURN v_batch;
END
$$;

CREATE FUNCTION t.id(p_dim text, p_code text) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT id FROM migstat.code WHERE dimension = CASE p_dim WHEN 'nationality' THEN 'country' ELSE p_dim END AND code = p_code
$$;

-- The known data: blocks of identical records. per = records per person (pseudonym
-- sha256(pkey || n) with n = (i-1)/per), 0 = no pseudonym.
CREATE TABLE t.blocks (b integer, n integer, source text, purpose text, dir text, sex text, age integer, nat text,
                       country text, region text, reason text, occ text, wc text, eth text, ms text, dis text,
                       d date, pkey text, per integer);
INSERT INTO t.blocks VALUES
 ( 1, 40, 'border',      'flows',  'IN',  'F',  25,   'UZB', 'RUS', 'KG-GB', 'OCC',  '7112', 'SEASONAL',     'UZBEK',   'REG',      'NODIS', '2023-03-10', 'a', 2),
 ( 2, 30, 'border',      'flows',  'IN',  'M',  30,   'UZB', 'RUS', 'KG-GB', 'OCC',  '9313', 'SEASONAL',     'UZBEK',   'REG',      'NODIS', '2023-05-01', 'b', 3),
 ( 3, 20, 'border',      'flows',  'OUT', 'F',  25,   'UZB', 'RUS', 'KG-GB', 'OCC',  '7112', 'SEASONAL',     'UZBEK',   'REG',      'NODIS', '2023-09-15', 'a', 1),
 ( 4,  3, 'border',      'flows',  'IN',  'M',  70,   'TJK', 'TJK', 'KG-O',  'ASY',  NULL,   'NOT_WORKER',   'TAJIK',   'IRR',      'DIS',   '2024-02-01', 'c', 1),
 ( 5, 12, 'border',      'flows',  'OUT', 'M',  NULL, 'KAZ', NULL,  NULL,    NULL,   NULL,   NULL,           NULL,      'REG',      NULL,    '2024-06-30', NULL, 0),
 ( 6,  2, 'border',      'flows',  'IN',  'F',  16,   'AFG', 'AFG', 'KG-C',  'EDUC', NULL,   'NOT_WORKER',   NULL,      'ASY_APPL', 'NODIS', '2024-11-11', 'd', 1),
 ( 7, 25, 'border',      'flows',  'IN',  'F',  45,   'TJK', 'TJK', 'KG-O',  'FAM',  '2',    'OTHER',        'TAJIK',   'REG',      'UNK',   '2024-01-05', 'e', 1),
 ( 8,  8, 'border',      'flows',  'OUT', '_U', 5,    'RUS', 'RUS', 'KG-GB', 'RET',  NULL,   'NOT_WORKER',   'RUSSIAN', 'REG',      'NODIS', '2022-12-31', 'f', 1),
 ( 9, 15, 'labour',      'flows',  'IN',  'M',  33,   'UZB', 'UZB', 'KG-J',  'OCC',  '7112', 'PROJECT_TIED', 'UZBEK',   'REG',      'NODIS', '2024-04-04', 'b', 3),
 (10,  6, 'survey-2024', 'survey', 'IN',  'F',  22,   'KGZ', 'KAZ', 'KG-N',  'RET',  NULL,   NULL,           'KYRGYZ',  'REG',      NULL,    '2024-07-07', NULL, 0),
 (11,  2, 'consulate',   'flows',  'OUT', 'M',  40,   'UZB', 'UZB', 'KG-GB', 'RET',  NULL,   'NOT_WORKER',   'UZBEK',   'REG',      'NODIS', '2024-09-09', 'g', 1);

CREATE FUNCTION t.blocks_select(p_source text, p_purpose text) RETURNS text
LANGUAGE sql AS $$
    SELECT format($q$
        SELECT row_number() OVER (ORDER BY b.b, i)::integer, 'b' || b.b || '-' || i, b.d,
               t.id('direction', b.dir), t.id('sex', b.sex), b.age, t.id('nationality', b.nat), t.id('country', b.country),
               t.id('region', b.region), t.id('reason', b.reason), t.id('occupation', b.occ), t.id('worker_category', b.wc),
               t.id('ethnicity', b.eth), t.id('migration_status', b.ms), t.id('disability', b.dis),
               CASE WHEN b.per > 0 THEN sha256(convert_to(b.pkey || ((i - 1) / b.per)::text, 'UTF8')) END
          FROM t.blocks b CROSS JOIN LATERAL generate_series(1, b.n) i
         WHERE b.source = %L AND b.purpose = %L$q$, p_source, p_purpose)
$$;

SELECT t.add_batch(s, p, t.blocks_select(s, p))
  FROM (SELECT DISTINCT source AS s, purpose AS p, min(b) AS o FROM t.blocks GROUP BY 1, 2 ORDER BY 3) x;

-- ---- reference implementation (independent of migstat.report) ----------------------------
CREATE VIEW t.coded AS
SELECT r.*, cd.code AS c_direction, cs.code AS c_sex, cn.code AS c_nationality, cc.code AS c_country,
       cg.code AS c_region, cr.code AS c_reason, co.code AS c_occupation, cw.code AS c_worker_category,
       ce.code AS c_ethnicity, cm.code AS c_migration_status, ci.code AS c_disability, s.name AS c_source,
       p.name AS c_purpose,
       coalesce(encode(r.person_pseudonym, 'hex'), 'record:' || r.source_id || ':' || r.record_id) AS person
  FROM migstat.records r
  LEFT JOIN migstat.code cd ON cd.dimension = 'direction' AND cd.id = r.direction
  LEFT JOIN migstat.code cs ON cs.dimension = 'sex' AND cs.id = r.sex
  LEFT JOIN migstat.code cn ON cn.dimension = 'country' AND cn.id = r.nationality
  LEFT JOIN migstat.code cc ON cc.dimension = 'country' AND cc.id = r.country
  LEFT JOIN migstat.code cg ON cg.dimension = 'region' AND cg.id = r.region
  LEFT JOIN migstat.code cr ON cr.dimension = 'reason' AND cr.id = r.reason
  LEFT JOIN migstat.code co ON co.dimension = 'occupation' AND co.id = r.occupation
  LEFT JOIN migstat.code cw ON cw.dimension = 'worker_category' AND cw.id = r.worker_category
  LEFT JOIN migstat.code ce ON ce.dimension = 'ethnicity' AND ce.id = r.ethnicity
  LEFT JOIN migstat.code cm ON cm.dimension = 'migration_status' AND cm.id = r.migration_status
  LEFT JOIN migstat.code ci ON ci.dimension = 'disability' AND ci.id = r.disability
  JOIN migstat.source s ON s.id = r.source_id
  JOIN migstat.purpose p ON p.id = r.purpose_id;

-- The label of an age under a band list (NULL list = Eurostat five-year bands).
CREATE FUNCTION t.band(p_age integer, p_bands text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_age IS NULL THEN '_Z'
        WHEN p_bands IS NULL THEN CASE WHEN p_age < 5 THEN 'Y_LT5' WHEN p_age >= 85 THEN 'Y_GE85'
                                       ELSE 'Y' || (p_age / 5 * 5) || '-' || (p_age / 5 * 5 + 4) END
        ELSE (SELECT x FROM (SELECT btrim(x) AS x FROM unnest(string_to_array(p_bands, ',')) x) b
               WHERE p_age BETWEEN split_part(rtrim(x, '+'), '-', 1)::integer
                               AND CASE WHEN x LIKE '%+' THEN 999 WHEN x LIKE '%-%' THEN split_part(x, '-', 2)::integer
                                        ELSE x::integer END)
    END
$$;

-- The full cube by GROUP BY CUBE over the coded records: cell codes ('_T' totals, '_Z' not
-- stated) and the count (records, or distinct persons with each record lacking a pseudonym
-- counted as one person). Only non-empty cells.
CREATE FUNCTION t.ref(p_dims text[], p_filters jsonb DEFAULT '{}', p_from date DEFAULT NULL, p_to date DEFAULT NULL,
                      p_unit text DEFAULT NULL, p_bands text DEFAULT NULL, p_count text DEFAULT 'records',
                      p_level integer DEFAULT 1)
RETURNS TABLE (cell_dims text[], n bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_dims text[] := p_dims;
    v_e    text[] := '{}';
    v_w    text := 'true';
    k      text;
    x      integer;
BEGIN
    IF p_unit IS NOT NULL AND NOT 'period' = ANY (v_dims) THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    FOR x IN 1..coalesce(array_length(v_dims, 1), 0) LOOP
        v_e := v_e || t.expr(v_dims[x], p_bands, coalesce(p_unit, 'year'), p_level);
    END LOOP;
    FOR k IN SELECT jsonb_object_keys(p_filters) LOOP
        IF k = 'occupation' THEN
            v_w := v_w || format(' AND (coalesce(c_occupation, %L) LIKE ANY (SELECT x || %L FROM jsonb_array_elements_text(%L::jsonb) x))',
                                 '_Z', '%', p_filters -> k);
        ELSE
            v_w := v_w || format(' AND %s IN (SELECT jsonb_array_elements_text(%L::jsonb))', t.expr(k, p_bands, 'year', 4), p_filters -> k);
        END IF;
    END LOOP;
    IF p_from IS NOT NULL THEN v_w := v_w || format(' AND event_date >= %L', p_from); END IF;
    IF p_to IS NOT NULL THEN v_w := v_w || format(' AND event_date <= %L', p_to); END IF;
    IF coalesce(array_length(v_dims, 1), 0) = 0 THEN
        RETURN QUERY EXECUTE format('SELECT ARRAY[]::text[], %s FROM t.coded WHERE %s',
                                    CASE p_count WHEN 'persons' THEN 'count(DISTINCT person)' ELSE 'count(*)' END, v_w);
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format('SELECT ARRAY[%s], %s FROM (SELECT %s, person FROM t.coded WHERE %s) s GROUP BY CUBE (%s)',
        (SELECT string_agg(format('CASE WHEN GROUPING(e%s) = 1 THEN %L ELSE e%1$s END', i, '_T'), ', ' ORDER BY i)
           FROM generate_series(1, array_length(v_dims, 1)) i),
        CASE p_count WHEN 'persons' THEN 'count(DISTINCT person)' ELSE 'count(*)' END,
        (SELECT string_agg(format('%s AS e%s', v_e[i], i), ', ' ORDER BY i) FROM generate_series(1, array_length(v_dims, 1)) i),
        v_w,
        (SELECT string_agg('e' || i, ', ' ORDER BY i) FROM generate_series(1, array_length(v_dims, 1)) i));
END
$$;

CREATE FUNCTION t.expr(p_dim text, p_bands text, p_unit text, p_level integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_dim
        WHEN 'age' THEN format('t.band(age, %L)', p_bands)
        WHEN 'occupation' THEN format('CASE WHEN c_occupation IS NULL THEN %L WHEN length(c_occupation) < %s THEN %L ELSE left(c_occupation, %2$s) END',
                                     '_Z', p_level, '_X')
        WHEN 'period' THEN CASE p_unit WHEN 'year' THEN 'to_char(event_date, ''YYYY'')'
                                       WHEN 'quarter' THEN 'to_char(event_date, ''YYYY-"Q"Q'')'
                                       ELSE 'to_char(event_date, ''YYYY-MM'')' END
        ELSE format('coalesce(c_%s, %L)', p_dim, '_Z')
    END
$$;

-- Runs migstat.report_exact (the exact, suppressed engine) and checks it against t.ref and the disclosure rules:
--   * no duplicate cell, and the cells are the full cross product of each position's codes;
--   * every non-empty reference cell is in the report;
--   * a published cell equals the reference count (0 where the reference has no cell);
--   * a suppressed cell is a non-empty reference cell; no published cell is in 1..K-1;
--   * no additive relation (cells differing in one position) has exactly one suppressed cell;
--   * status A exactly for the cells of 1..K-1, D only for cells >= K.
-- t.report_problems returns what failed (empty: nothing); t.check_report(name, ...) is the pgTAP
-- check (ok, with the problems as its diagnostic).
CREATE FUNCTION t.report_problems(p_k integer, p_dims text[], p_filters jsonb DEFAULT '{}',
                               p_from date DEFAULT NULL, p_to date DEFAULT NULL, p_unit text DEFAULT NULL,
                               p_bands text DEFAULT NULL, p_threshold integer DEFAULT NULL,
                               p_count text DEFAULT 'records', p_level integer DEFAULT 1)
RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    v_problems text[] := '{}';
    v_n        bigint;
    v_d        integer;
BEGIN
    DROP TABLE IF EXISTS pg_temp.got, pg_temp.want;
    CREATE TEMP TABLE got AS
        SELECT * FROM migstat.report_exact(p_dims, p_filters, p_from, p_to, p_unit, p_bands, p_threshold, p_count, p_level, false);
    CREATE TEMP TABLE want AS SELECT * FROM t.ref(p_dims, p_filters, p_from, p_to, p_unit, p_bands, p_count, p_level);
    v_d := (SELECT max(cardinality(g.cell_dims)) FROM got g);
    IF EXISTS (SELECT 1 FROM got g WHERE g.is_estimate) THEN
        v_problems := v_problems || 'estimate rows without p_with_estimates'::text;
    END IF;
    SELECT count(*) INTO v_n FROM (SELECT g.cell_dims FROM got g GROUP BY 1 HAVING count(*) > 1) x;
    IF v_n > 0 THEN v_problems := v_problems || format('%s duplicate cells', v_n); END IF;
    IF (SELECT count(*) FROM got) <> (SELECT coalesce(round(exp(sum(ln(c)))), 1) FROM
            (SELECT count(DISTINCT g.cell_dims[j]) AS c FROM got g CROSS JOIN generate_series(1, v_d) j GROUP BY j) x) THEN
        v_problems := v_problems || 'not the full cross product of the categories'::text;
    END IF;
    SELECT count(*) INTO v_n FROM want w WHERE w.n > 0 AND NOT EXISTS (SELECT 1 FROM got g WHERE g.cell_dims = w.cell_dims);
    IF v_n > 0 THEN v_problems := v_problems || format('%s reference cells missing', v_n); END IF;
    SELECT count(*) INTO v_n FROM got g LEFT JOIN want w ON w.cell_dims = g.cell_dims
     WHERE g.obs_value IS NOT NULL AND g.obs_value <> coalesce(w.n, 0);
    IF v_n > 0 THEN v_problems := v_problems || format('%s published cells differ from the reference', v_n); END IF;
    SELECT count(*) INTO v_n FROM got g LEFT JOIN want w ON w.cell_dims = g.cell_dims
     WHERE g.obs_value IS NULL AND coalesce(w.n, 0) = 0;
    IF v_n > 0 THEN v_problems := v_problems || format('%s suppressed zero cells', v_n); END IF;
    SELECT count(*) INTO v_n FROM got g WHERE g.obs_value BETWEEN 1 AND p_k - 1;
    IF v_n > 0 THEN v_problems := v_problems || format('%s published cells below K', v_n); END IF;
    SELECT count(*) INTO v_n FROM got g LEFT JOIN want w ON w.cell_dims = g.cell_dims
     WHERE (g.conf_status = 'A') IS DISTINCT FROM (coalesce(w.n, 0) BETWEEN 1 AND p_k - 1)
        OR (g.conf_status = 'D' AND w.n < p_k)
        OR (g.conf_status IN ('A', 'D')) IS DISTINCT FROM (g.obs_value IS NULL)
        OR g.conf_status NOT IN ('F', 'A', 'D') OR g.obs_status <> 'A';
    IF v_n > 0 THEN v_problems := v_problems || format('%s cells with a wrong status', v_n); END IF;
    SELECT count(*) INTO v_n FROM (
        SELECT j, g.cell_dims[1:j - 1] || '*'::text || g.cell_dims[j + 1:] AS line
          FROM got g CROSS JOIN generate_series(1, v_d) j
         GROUP BY 1, 2 HAVING count(*) FILTER (WHERE g.obs_value IS NULL) = 1) x;
    IF v_n > 0 THEN v_problems := v_problems || format('%s relations with one suppressed cell', v_n); END IF;
    RETURN v_problems;
END
$$;

-- One pgTAP check: passes when p_problems is empty, else fails with them as its diagnostic.
CREATE FUNCTION t.tap_problems(p_name text, p_problems text[]) RETURNS text
LANGUAGE sql AS $$
    SELECT tap.ok(cardinality(p_problems) = 0, p_name)
           || CASE WHEN cardinality(p_problems) = 0 THEN '' ELSE E'\n' || tap.diag('    ' || array_to_string(p_problems, '; ')) END
$$;

CREATE FUNCTION t.check_report(p_name text, p_k integer, p_dims text[], p_filters jsonb DEFAULT '{}',
                               p_from date DEFAULT NULL, p_to date DEFAULT NULL, p_unit text DEFAULT NULL,
                               p_bands text DEFAULT NULL, p_threshold integer DEFAULT NULL,
                               p_count text DEFAULT 'records', p_level integer DEFAULT 1)
RETURNS text
LANGUAGE sql AS $$
    SELECT t.tap_problems(p_name, t.report_problems(p_k, p_dims, p_filters, p_from, p_to, p_unit, p_bands, p_threshold,
                                                    p_count, p_level))
$$;


-- A report (migstat.report_exact) as text, in its row order: "{codes}=value" or "{codes}=A|D" for a suppressed cell,
-- "{codes}=E:value" for an estimate.
CREATE FUNCTION t.show(p_dims text[], p_filters jsonb DEFAULT '{}', p_from date DEFAULT NULL, p_to date DEFAULT NULL,
                       p_unit text DEFAULT NULL, p_bands text DEFAULT NULL, p_count text DEFAULT 'records',
                       p_level integer DEFAULT 1, p_estimates boolean DEFAULT false)
RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(r.cell_dims::text || '=' || CASE WHEN r.is_estimate THEN 'E:' ELSE '' END
                      || coalesce(r.obs_value::text, r.conf_status), ' ' ORDER BY n)
      FROM migstat.report_exact(p_dims, p_filters, p_from, p_to, p_unit, p_bands, NULL, p_count, p_level, p_estimates)
           WITH ORDINALITY AS r(cell_dims, obs_value, obs_status, conf_status, lower_bound, upper_bound, is_estimate, n)
$$;

-- Thresholds for exact-count checks (1 = no suppression) and back.
CREATE FUNCTION t.thresholds(p_k integer, p_special integer) RETURNS void
LANGUAGE sql AS $$
    UPDATE migstat.setting SET value = p_k::text WHERE key = 'threshold';
    UPDATE migstat.setting SET value = p_special::text WHERE key = 'threshold_special';
$$;

GRANT USAGE ON SCHEMA t TO PUBLIC;

-- ---- flexible tables (migstat.report: cell-key perturbation) ------------------------------
-- Runs migstat.report FIRST (before anything in the caller's transaction writes: a report in a
-- transaction that has written is refused) and checks it against the true counts of t.ref:
--   * the same cells as migstat.report_exact would list (the full cross product);
--   * |published - true| <= 3, published >= 0, a true 0 published as 0;
--   * no cell published as 1 or 2; a true 1 or 2 published as 0 or >= 3;
--   * nothing suppressed: obs_value never NULL, conf_status F, obs_status A.
CREATE FUNCTION t.perturb_problems(p_dims text[], p_filters jsonb DEFAULT '{}', p_from date DEFAULT NULL,
                                   p_to date DEFAULT NULL, p_unit text DEFAULT NULL, p_bands text DEFAULT NULL,
                                   p_count text DEFAULT 'records', p_level integer DEFAULT 1)
RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    v_pub      jsonb;
    v_problems text[] := '{}';
    v_n        bigint;
BEGIN
    SELECT jsonb_agg(jsonb_build_array(r.cell_dims, r.obs_value, r.obs_status, r.conf_status)) INTO v_pub
      FROM migstat.report(p_dims, p_filters, p_from, p_to, p_unit, p_bands, NULL, p_count, p_level, false) r;
    DROP TABLE IF EXISTS pg_temp.pub, pg_temp.exact, pg_temp.want;
    CREATE TEMP TABLE pub AS
        SELECT ARRAY(SELECT jsonb_array_elements_text(e -> 0)) AS cell_dims, (e ->> 1)::bigint AS v,
               e ->> 2 AS obs_status, e ->> 3 AS conf_status
          FROM jsonb_array_elements(v_pub) e;
    CREATE TEMP TABLE exact AS
        SELECT * FROM migstat.report_exact(p_dims, p_filters, p_from, p_to, p_unit, p_bands, NULL, p_count, p_level, false);
    CREATE TEMP TABLE want AS SELECT * FROM t.ref(p_dims, p_filters, p_from, p_to, p_unit, p_bands, p_count, p_level);
    IF (SELECT count(*) FROM pub) <> (SELECT count(*) FROM exact)
       OR EXISTS (SELECT 1 FROM exact e WHERE NOT EXISTS (SELECT 1 FROM pub p WHERE p.cell_dims = e.cell_dims)) THEN
        v_problems := v_problems || 'not the cells of report_exact'::text;
    END IF;
    SELECT count(*) INTO v_n FROM pub p LEFT JOIN want w ON w.cell_dims = p.cell_dims
     WHERE p.v IS NULL OR abs(p.v - coalesce(w.n, 0)) > 3 OR p.v < 0 OR (coalesce(w.n, 0) = 0 AND p.v <> 0);
    IF v_n > 0 THEN v_problems := v_problems || format('%s cells off by more than 3, negative, or a 0 not kept', v_n); END IF;
    SELECT count(*) INTO v_n FROM pub p WHERE p.v IN (1, 2);
    IF v_n > 0 THEN v_problems := v_problems || format('%s cells published as 1 or 2', v_n); END IF;
    SELECT count(*) INTO v_n FROM pub p WHERE p.conf_status <> 'F' OR p.obs_status <> 'A';
    IF v_n > 0 THEN v_problems := v_problems || format('%s cells not F/A', v_n); END IF;
    RETURN v_problems;
END
$$;

-- How many cells of the table are true 1s or 2s, and how many cells differ from the truth (so a
-- test can show it looked at some): 'small/changed/cells'.
CREATE FUNCTION t.perturb_seen() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FILTER (WHERE w.n IN (1, 2)) || '/' || count(*) FILTER (WHERE p.v <> coalesce(w.n, 0)) || '/' || count(*)
              FROM pg_temp.pub p LEFT JOIN pg_temp.want w ON w.cell_dims = p.cell_dims);
END
$$;
