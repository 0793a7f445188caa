-- migstat.report: one disaggregated, disclosure-controlled table.
--
--   p_dims             dimensions in output order: direction, sex, age, nationality, country, region,
--                      reason, occupation, worker_category, ethnicity, migration_status, disability,
--                      source, purpose, period. A p_period_unit adds 'period' (last) if not listed;
--                      'period' listed without a unit means 'year'.
--   p_filters          {"sex": ["F"], "nationality": ["UZB","TJK"]}: codes (source and purpose: names;
--                      age: band labels of this report; occupation: any level, with its sub-groups;
--                      "_Z" selects not stated). A filtered dimension that is also a report dimension
--                      lists exactly the filter's categories.
--   p_period_from/to   event_date range (inclusive).
--   p_threshold        raises K above the configured threshold; never lowers it.
--   p_count            'records' (events) or 'persons': count(DISTINCT person_pseudonym) in every cell;
--                      each record without a pseudonym counts as one person (it cannot be matched
--                      to any other record, so it is counted as a distinct person: an upper bound).
--   p_occupation_level ISCO-08 level 1-4 of the occupation categories; a record coded at a coarser
--                      level than requested falls in the category "_X" (not classifiable at this level).
--   p_with_estimates   appends matching rows of migstat.estimate (OBS_STATUS E).
--
-- Output: one row per cell of the full cube -- every combination of each dimension being one of
-- its categories or "_T" -- in category order with "_T" first; "_Z" = not stated (NULL). Categories:
--   sex, direction, reason, region, worker_category, migration_status, disability, ethnicity,
--   occupation at level 1, age bands, source, active purposes, the periods of the range (without
--   a range: from the first to the last period that occurs): all of them, always (zero cells
--   appear as 0);
--   nationality, country, occupation at levels 2-4 (253 and up to 436 codes): only the codes that
--   occur in the selected records (a zero row for every one of 253 codes would bury the table);
--   a filtered dimension: the filter's codes; plus "_Z" (and "_X") when they occur, and any
--   inactive code that occurs.
-- Disclosure control (K as above): a cell of 1..K-1 is suppressed (conf_status A, obs_value NULL);
-- 0 is published. Then, in every additive relation -- the cells along one dimension (its
-- categories and its _T) with every other coordinate fixed, _T included -- the number of
-- suppressed cells must be 0 or >= 2: wherever exactly one is suppressed, the smallest positive
-- unsuppressed cell of that relation is suppressed too (conf_status D; ties: a category before
-- the _T, then category order), relation by relation, dimension by dimension, until nothing
-- changes. The pattern depends only on the table's values, never on hash or scan order.
--
-- Persons: distinct counts do not add up, so margins are not sums. Each person whose records
-- all fall in one fine cell counts 1 in that cell and in each of its margins, which is additive;
-- the persons whose records fall in several fine cells (entry and exit, a birthday across a band)
-- are counted per margin by distinct (cell, person) pairs. Cost: one scan grouped by pseudonym
-- (a hash table of all persons, serial in practice: work_mem is raised to 256MB for it) plus,
-- when some persons span cells, a second (parallel) scan joined to those persons; several times
-- a records report. Secondary suppression treats the relations as if they were additive.
CREATE OR REPLACE FUNCTION migstat.report(
    p_dims text[],
    p_filters jsonb DEFAULT '{}',
    p_period_from date DEFAULT NULL,
    p_period_to date DEFAULT NULL,
    p_period_unit text DEFAULT NULL,
    p_age_bands text DEFAULT NULL,
    p_threshold integer DEFAULT NULL,
    p_count text DEFAULT 'records',
    p_occupation_level integer DEFAULT 1,
    p_with_estimates boolean DEFAULT false)
RETURNS TABLE (cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
               upper_bound numeric, is_estimate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
#variable_conflict use_column
DECLARE
    c_all      CONSTANT text[] := ARRAY['direction', 'sex', 'age', 'nationality', 'country', 'region', 'reason',
                                        'occupation', 'worker_category', 'ethnicity', 'migration_status',
                                        'disability', 'source', 'purpose', 'period'];
    c_special  CONSTANT text[] := ARRAY['ethnicity', 'disability', 'migration_status'];
    c_notnull  CONSTANT text[] := ARRAY['direction', 'sex', 'nationality', 'migration_status'];
    c_big      CONSTANT text[] := ARRAY['nationality', 'country'];
    v_dims      text[] := '{}';
    v_dim       text;
    v_d         integer;
    v_unit      text := lower(p_period_unit);
    v_level     integer := coalesce(p_occupation_level, 1);
    v_count     text := lower(coalesce(p_count, 'records'));
    v_filters   jsonb := coalesce(p_filters, '{}');
    v_special   boolean;
    v_k         integer;
    v_band_lbl  text[];          -- band labels by band number
    v_age_expr  text;
    v_occ_map   text;            -- '{...}': occupation id -> id of its group at v_level (-1: coarser)
    v_occ_expr  text;
    v_per_expr  text;
    v_g         text[] := '{}';  -- per dimension: the scan expression of its group value
    v_base      text[] := '{}';  -- per dimension: SQL giving the group values always listed
    v_where     text[] := ARRAY['true'];
    v_fg        jsonb := '{}';   -- filtered dimension -> group values
    v_fcode     jsonb := '{}';   -- filtered dimension -> codes (for estimates)
    v_key       text;
    v_codes     jsonb;
    v_code      text;
    v_ids       integer[];
    v_id        integer;
    v_cols      text;
    v_gcols     text;
    v_sql       text;
    v_i         integer;
    v_j         integer;
    v_n         bigint;
    v_changed   bigint;
    v_cells     numeric;
    v_max_cells numeric;
    v_bits      integer[];
    v_off       integer[];
    v_mask      bigint[];
    v_tot_bits  integer := 0;
    v_pmin      integer;
    v_pmax      integer;
    v_multi     boolean := false;
    v_tmp       text;            -- unlogged work table (persons)
    v_from      text;
    v_kexpr     text;
    v_ncat      integer[];       -- per dimension: number of categories
    v_labels    text[];          -- per dimension: '{_T,code1,code2,...}' in index order
    v_map       text[];          -- per dimension: '[lo:hi]={...}' group value -> index << offset
    v_last      integer[];
    v_jit       text;
    v_wm        text := current_setting('work_mem');
    v_ptc       text;
    v_pass      integer;
    v_rows      bigint;
    v_few       boolean;
    v_index     boolean;
    v_planner   text[];
BEGIN
    PERFORM migstat.require_report_reader();

    -- ---- parameters ------------------------------------------------------------------------
    FOREACH v_dim IN ARRAY coalesce(p_dims, '{}') LOOP
        v_dim := lower(btrim(v_dim));
        IF v_dim IS NULL OR NOT v_dim = ANY (c_all) THEN
            RAISE EXCEPTION 'unknown report dimension "%"', v_dim USING ERRCODE = 'invalid_parameter_value',
                HINT = 'one of ' || array_to_string(c_all, ', ');
        END IF;
        IF v_dim = ANY (v_dims) THEN
            RAISE EXCEPTION 'dimension "%" is listed twice', v_dim USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_dims := v_dims || v_dim;
    END LOOP;
    IF v_unit IS NOT NULL AND v_unit NOT IN ('year', 'quarter', 'month') THEN
        RAISE EXCEPTION 'period unit must be year, quarter or month' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_unit IS NOT NULL AND NOT 'period' = ANY (v_dims) THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    IF 'period' = ANY (v_dims) THEN
        v_unit := coalesce(v_unit, 'year');
    END IF;
    v_d := coalesce(array_length(v_dims, 1), 0);
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_count NOT IN ('records', 'persons') THEN
        RAISE EXCEPTION 'count must be records or persons' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_level NOT BETWEEN 1 AND 4 THEN
        RAISE EXCEPTION 'occupation level must be 1 to 4 (ISCO-08)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_typeof(v_filters) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object {"dimension": ["CODE", ...]}' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Age bands.
    SELECT array_agg(b.label ORDER BY b.band) INTO v_band_lbl FROM migstat.report_age_bands(p_age_bands) b;
    IF p_age_bands IS NULL THEN
        v_age_expr := 'CASE WHEN r.age IS NULL THEN 0 WHEN r.age >= 85 THEN 18 ELSE r.age / 5 + 1 END';
    ELSE
        SELECT format('coalesce((%L::integer[])[r.age + 1], 0)', array_agg(b.band ORDER BY a))::text INTO v_age_expr
          FROM generate_series(0, 130) a JOIN migstat.report_age_bands(p_age_bands) b ON a BETWEEN b.lo AND b.hi;
    END IF;

    -- Occupation groups of the requested level.
    SELECT array_agg(coalesce(g.id, -1) ORDER BY s.i)::text INTO v_occ_map
      FROM generate_series(1, (SELECT coalesce(max(id), 1) FROM migstat.code WHERE dimension = 'occupation')) s(i)
      LEFT JOIN migstat.code c ON c.dimension = 'occupation' AND c.id = s.i
      LEFT JOIN migstat.code g ON g.dimension = 'occupation' AND g.level = v_level AND c.level >= v_level
                              AND g.code = left(c.code, v_level);
    v_occ_expr := format('coalesce((%L::integer[])[r.occupation], 0)', v_occ_map);
    v_per_expr := CASE v_unit
        WHEN 'year' THEN $$date_part('year', r.event_date)::integer$$
        WHEN 'quarter' THEN $$(date_part('year', r.event_date)::integer * 4 + (date_part('month', r.event_date)::integer - 1) / 3)$$
        WHEN 'month' THEN $$(date_part('year', r.event_date)::integer * 12 + date_part('month', r.event_date)::integer - 1)$$
    END;

    -- Filters: a WHERE condition each, and the group values a filtered report dimension lists.
    FOR v_key, v_codes IN SELECT key, value FROM jsonb_each(v_filters) LOOP
        IF NOT v_key = ANY (c_all) OR v_key = 'period' THEN
            RAISE EXCEPTION 'cannot filter on "%"', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'filter dimensions: ' || array_to_string(c_all[1:14], ', ') || '; periods: period_from/period_to';
        END IF;
        IF jsonb_typeof(v_codes) <> 'array' OR jsonb_array_length(v_codes) = 0
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_codes) e WHERE jsonb_typeof(e) <> 'string') THEN
            RAISE EXCEPTION 'filter "%" must be a non-empty array of codes', v_key USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_ids := '{}';
        FOR v_code IN SELECT btrim(e) FROM jsonb_array_elements_text(v_codes) e LOOP
            IF v_key IN ('source', 'purpose') THEN
                IF v_key = 'source' THEN
                    SELECT id INTO v_id FROM migstat.source WHERE name = v_code;
                ELSE
                    SELECT id INTO v_id FROM migstat.purpose WHERE name = v_code;
                END IF;
            ELSIF upper(v_code) = '_Z' THEN
                v_code := '_Z';
                v_id := 0;
            ELSIF v_key = 'age' THEN
                v_id := array_position(v_band_lbl, v_code);
            ELSE
                v_code := upper(v_code);
                SELECT id INTO v_id FROM migstat.code
                 WHERE dimension = CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END AND code = v_code;
                IF FOUND AND v_key = 'occupation' AND 'occupation' = ANY (v_dims) AND length(v_code) > v_level THEN
                    RAISE EXCEPTION 'occupation filter "%" is more detailed than the report level %', v_code, v_level
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
            IF v_id IS NULL THEN
                RAISE EXCEPTION 'filter "%": unknown code "%"', v_key, v_code USING ERRCODE = 'invalid_parameter_value';
            END IF;
            v_fcode := jsonb_set(v_fcode, ARRAY[v_key], coalesce(v_fcode -> v_key, '[]') || to_jsonb(v_code));
            IF v_key = 'occupation' AND v_id <> 0 THEN
                -- the code and every sub-group of it
                v_ids := v_ids || ARRAY(SELECT id FROM migstat.code WHERE dimension = 'occupation'
                                                                    AND left(code, length(v_code)) = v_code);
                IF length(v_code) = v_level THEN
                    v_fg := jsonb_set(v_fg, ARRAY[v_key], coalesce(v_fg -> v_key, '[]') || to_jsonb(v_id));
                END IF;
            ELSE
                v_ids := v_ids || v_id;
                v_fg := jsonb_set(v_fg, ARRAY[v_key], coalesce(v_fg -> v_key, '[]') || to_jsonb(v_id));
            END IF;
        END LOOP;
        v_where := v_where || format('%s = ANY (%L::integer[])',
            CASE v_key
                WHEN 'age' THEN v_age_expr
                WHEN 'source' THEN 'r.source_id'
                WHEN 'purpose' THEN 'r.purpose_id'
                ELSE format('coalesce(r.%I, 0)', v_key)
            END, v_ids);
    END LOOP;
    IF p_period_from IS NOT NULL THEN
        v_where := v_where || format('r.event_date >= %L::date', p_period_from);
    END IF;
    IF p_period_to IS NOT NULL THEN
        v_where := v_where || format('r.event_date <= %L::date', p_period_to);
    END IF;

    v_special := v_dims && c_special OR ARRAY(SELECT jsonb_object_keys(v_filters)) && c_special;
    v_k := migstat.report_threshold(v_special, p_threshold);

    -- Group value of each dimension (0 = not stated) and the values always listed.
    FOR v_i IN 1..v_d LOOP
        v_dim := v_dims[v_i];
        v_g[v_i] := CASE v_dim
            WHEN 'age' THEN v_age_expr
            WHEN 'occupation' THEN v_occ_expr
            WHEN 'period' THEN v_per_expr
            WHEN 'source' THEN 'r.source_id'
            WHEN 'purpose' THEN 'r.purpose_id'
            ELSE CASE WHEN v_dim = ANY (c_notnull) THEN format('r.%I', v_dim) ELSE format('coalesce(r.%I, 0::smallint)', v_dim) END
        END;
        v_base[v_i] := CASE
            WHEN v_fg ? v_dim THEN format('SELECT unnest(%L::integer[])', (SELECT array_agg(x::integer) FROM jsonb_array_elements_text(v_fg -> v_dim) x))
            WHEN v_filters ? v_dim THEN 'SELECT NULL::integer WHERE false'   -- occupation filtered above the level: what occurs
            WHEN v_dim = 'age' THEN format('SELECT generate_series(1, %s)', array_length(v_band_lbl, 1))
            WHEN v_dim = 'period' THEN 'SELECT NULL::integer WHERE false'    -- added after the scan
            WHEN v_dim = 'source' THEN 'SELECT id::integer FROM migstat.source'
            WHEN v_dim = 'purpose' THEN $$SELECT id::integer FROM migstat.purpose WHERE status = 'active'$$
            WHEN v_dim = ANY (c_big) OR (v_dim = 'occupation' AND v_level > 1) THEN 'SELECT NULL::integer WHERE false'
            WHEN v_dim = 'occupation' THEN $$SELECT id::integer FROM migstat.code WHERE dimension = 'occupation' AND active AND level = 1$$
            ELSE format('SELECT id::integer FROM migstat.code WHERE dimension = %L AND active', v_dim)
        END;
    END LOOP;

    -- ---- 1. the fine cells: one parallel scan ----------------------------------------------
    SELECT string_agg(format('%s AS g%s', v_g[i], i), ', ' ORDER BY i), string_agg(format('g%s', i), ', ' ORDER BY i)
      INTO v_cols, v_gcols FROM generate_series(1, v_d) i;
    v_from := format('migstat.records r WHERE %s', array_to_string(v_where, ' AND '));
    IF v_count = 'records' THEN
        EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s count(*)::bigint AS n FROM %s %s',
                       coalesce(v_cols || ',', ''), v_from,
                       CASE WHEN v_d > 0 THEN 'GROUP BY ' || v_gcols ELSE '' END);
    ELSE
        -- Per person: the min and max group value of each dimension; a person whose min = max
        -- everywhere lies in one fine cell. Records without a pseudonym are grouped per cell and
        -- each counts as one person.
        -- One hash table entry per person: give the person-level steps room (never less than
        -- the session's own setting); restored at the end.
        IF pg_size_bytes(v_wm) < pg_size_bytes('256MB') THEN
            PERFORM set_config('work_mem', '256MB', true);
        END IF;
        v_sql := (SELECT coalesce(string_agg(format('mn%1$s = mx%1$s', j), ' AND '), 'true') FROM generate_series(1, v_d) j);
        EXECUTE format($q$
            CREATE TEMP TABLE migstat_rep_s1 ON COMMIT DROP AS
            SELECT %1$s CASE WHEN %2$s THEN NULL ELSE p END AS p,
                   sum(CASE WHEN p IS NULL THEN cnt ELSE 1 END)::bigint AS n
              FROM (SELECT r.person_pseudonym AS p, %3$s count(*) AS cnt
                      FROM %4$s
                     GROUP BY r.person_pseudonym %5$s) s
             GROUP BY %6$s$q$,
            (SELECT string_agg(format('CASE WHEN %s THEN mn%s END AS g%s,', v_sql, i, i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
            v_sql,
            (SELECT string_agg(format('min(%1$s) AS mn%2$s, max(%1$s) AS mx%2$s,', v_g[i], i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
            v_from,
            (SELECT string_agg(format(', CASE WHEN r.person_pseudonym IS NULL THEN %s END', v_g[i]), '' ORDER BY i) FROM generate_series(1, v_d) i),
            (SELECT string_agg(i::text, ', ') FROM generate_series(1, v_d + 1) i));
        EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s n FROM migstat_rep_s1 WHERE p IS NULL',
                       coalesce(v_gcols || ',', ''));
        SELECT EXISTS (SELECT 1 FROM migstat_rep_s1 WHERE p IS NOT NULL) INTO v_multi;
        IF v_multi THEN
            -- The distinct (fine cell, person) pairs of the persons found in several cells. Their
            -- list goes to an unlogged table of this transaction (never visible to any other
            -- session): parallel workers cannot read temporary tables.
            v_tmp := format('report_work_%s', pg_backend_pid());
            -- Each gets a small number (pid) so that the pairs below are narrow.
            EXECUTE format('CREATE UNLOGGED TABLE migstat_data.%I AS SELECT p, (row_number() OVER ())::integer AS pid '
                           'FROM migstat_rep_s1 WHERE p IS NOT NULL', v_tmp);
            EXECUTE format('ANALYZE migstat_data.%I', v_tmp);
            -- The join returns few rows for the records it scans: let workers scan in parallel.
            v_ptc := current_setting('parallel_tuple_cost');
            PERFORM set_config('parallel_tuple_cost', '0.01', true);
            EXECUTE format('CREATE TEMP TABLE migstat_rep_mraw ON COMMIT DROP AS SELECT DISTINCT %s, m.pid AS p '
                           'FROM migstat.records r JOIN migstat_data.%I m ON m.p = r.person_pseudonym WHERE %s',
                           (SELECT string_agg(format('%s AS g%s', v_g[i], i), ', ' ORDER BY i) FROM generate_series(1, v_d) i),
                           v_tmp, array_to_string(v_where, ' AND '));
            PERFORM set_config('parallel_tuple_cost', v_ptc, true);
            EXECUTE format('DROP TABLE migstat_data.%I', v_tmp);
        END IF;
        DROP TABLE migstat_rep_s1;
    END IF;

    -- Everything from here on works on small tables: JIT compilation (triggered by the planner's
    -- guesses for tables without statistics) would cost far more than it saves; sorts and hash
    -- tables of up to a few million cells should stay in memory. Restored at the end.
    v_jit := current_setting('jit');
    PERFORM set_config('jit', 'off', true);
    IF pg_size_bytes(v_wm) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;

    -- ---- 2. categories -----------------------------------------------------------------------
    -- Per dimension: its categories (group value g, code, display order). Then index 1..n in that
    -- order (0 = _T), the dimension's bits in the cell key, and a map g -> index << offset.
    CREATE TEMP TABLE migstat_rep_cat (dno integer, g integer, code text, ord bigint) ON COMMIT DROP;
    FOR v_i IN 1..v_d LOOP
        v_dim := v_dims[v_i];
        v_sql := format('SELECT DISTINCT g%s::integer FROM migstat_rep_raw', v_i)
                 || CASE WHEN v_multi THEN format(' UNION SELECT DISTINCT g%s::integer FROM migstat_rep_mraw', v_i) ELSE '' END;
        IF v_dim = 'period' THEN
            EXECUTE format('SELECT min(g), max(g) FROM (%s) x(g)', v_sql) INTO v_pmin, v_pmax;
            v_pmin := coalesce(migstat.report_period_ord(v_unit, p_period_from), v_pmin);
            v_pmax := coalesce(migstat.report_period_ord(v_unit, p_period_to), v_pmax);
            v_base[v_i] := format('SELECT generate_series(%s, %s)', coalesce(v_pmin, 0), coalesce(v_pmax, -1));
        END IF;
        EXECUTE format($q$
            INSERT INTO migstat_rep_cat (dno, g, code, ord)
            SELECT %1$s, x.g,
                   CASE WHEN x.g = 0 AND %2$L NOT IN ('source', 'purpose', 'period') THEN '_Z'
                        WHEN x.g = -1 THEN '_X'
                        ELSE %3$s END,
                   CASE WHEN x.g = 0 AND %2$L NOT IN ('source', 'purpose', 'period') THEN 2147483647
                        WHEN x.g = -1 THEN 2147483646
                        ELSE %4$s END
              FROM (%5$s UNION %6$s) x(g)
              %7$s$q$,
            v_i, v_dim,
            CASE v_dim
                WHEN 'age' THEN format('(%L::text[])[x.g]', v_band_lbl)
                WHEN 'period' THEN format('migstat.report_period_label(%L, x.g)', v_unit)
                WHEN 'source' THEN '(SELECT name FROM migstat.source WHERE id = x.g)'
                WHEN 'purpose' THEN '(SELECT name FROM migstat.purpose WHERE id = x.g)'
                ELSE 'c.code'
            END,
            CASE WHEN v_dim IN ('age', 'period') THEN 'x.g' WHEN v_dim IN ('source', 'purpose') THEN '0' ELSE 'c.sort_order' END,
            v_base[v_i], v_sql,
            CASE WHEN v_dim IN ('age', 'period', 'source', 'purpose') THEN ''
                 ELSE format('LEFT JOIN migstat.code c ON c.dimension = %L AND c.id = x.g', CASE v_dim WHEN 'nationality' THEN 'country' ELSE v_dim END) END);
    END LOOP;

    -- Cell keys: index 0 = _T; dimension 1 in the highest bits, so key order = table order.
    v_ncat := array_fill(0, ARRAY[greatest(v_d, 1)]);
    FOR v_i, v_n IN SELECT dno, count(*) FROM migstat_rep_cat GROUP BY dno LOOP
        v_ncat[v_i] := v_n;
    END LOOP;
    v_cells := 1;
    v_bits := array_fill(1, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        v_cells := v_cells * (v_ncat[v_i] + 1);
        WHILE (1::bigint << v_bits[v_i]) <= v_ncat[v_i] LOOP
            v_bits[v_i] := v_bits[v_i] + 1;
        END LOOP;
    END LOOP;
    v_max_cells := coalesce((SELECT value::numeric FROM migstat.setting WHERE key = 'report_max_cells'), 5000000);
    IF v_cells > v_max_cells THEN
        RAISE EXCEPTION 'the table would have % cells (limit %): use fewer dimensions, filters or coarser categories',
            v_cells, v_max_cells USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v_off := array_fill(0, ARRAY[greatest(v_d, 1)]);
    v_mask := array_fill(0::bigint, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN REVERSE v_d..1 LOOP
        v_off[v_i] := v_tot_bits;
        v_mask[v_i] := ((1::bigint << v_bits[v_i]) - 1) << v_tot_bits;
        v_tot_bits := v_tot_bits + v_bits[v_i];
    END LOOP;
    IF v_tot_bits > 62 THEN
        RAISE EXCEPTION 'the table has too many dimensions' USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v_labels := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    v_map := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        WITH c AS (SELECT g, code, row_number() OVER (ORDER BY ord, code) AS idx FROM migstat_rep_cat WHERE dno = v_i),
             b AS (SELECT min(g) AS lo, max(g) AS hi FROM c)
        SELECT (ARRAY['_T'] || ARRAY(SELECT code FROM c ORDER BY idx))::text,
               coalesce((SELECT format('[%s:%s]=%s', b.lo, b.hi, array_agg(c.idx << v_off[v_i] ORDER BY s.g))
                           FROM b CROSS JOIN generate_series(b.lo, b.hi) s(g) LEFT JOIN c ON c.g = s.g
                          GROUP BY b.lo, b.hi), '{}')
          INTO v_code, v_key;
        v_labels[v_i] := v_code;
        v_map[v_i] := v_key;
    END LOOP;
    -- the key of a row of group values g1..gd
    v_kexpr := coalesce((SELECT string_agg(format('(%L::bigint[])[g%s]', v_map[i], i), ' + ' ORDER BY i)
                           FROM generate_series(1, v_d) i), '0');

    -- ---- 3. the cube: fine cells, then the margins one dimension at a time -----------------
    -- migstat_rep_sup: every non-zero cell, with st = 'A' for a primary suppression (1..K-1).
    -- Records add up, so a margin's status is final when it is inserted; person counts are
    -- completed first.
    EXECUTE format('CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS SELECT (%s)::bigint AS k, n AS v, '
                   'CASE WHEN n BETWEEN 1 AND %s THEN ''A'' ELSE ''F'' END AS st FROM migstat_rep_raw WHERE n > 0',
                   v_kexpr, v_k - 1);
    FOR v_j IN 1..v_d LOOP
        EXECUTE 'INSERT INTO migstat_rep_sup (k, v, st) SELECT k & $1, sum(v), '
                'CASE WHEN sum(v) BETWEEN 1 AND $3 THEN ''A'' ELSE ''F'' END FROM migstat_rep_sup WHERE k & $2 <> 0 GROUP BY 1'
            USING ~v_mask[v_j], v_mask[v_j], v_k - 1;
    END LOOP;
    IF v_multi THEN
        -- Persons in several cells: distinct (cell, person) pairs at every margin level, added
        -- to the single-cell persons' counts; the status is set again on the sums.
        EXECUTE format('CREATE TEMP TABLE migstat_rep_pairs ON COMMIT DROP AS SELECT (%s)::bigint AS k, p FROM migstat_rep_mraw',
                       v_kexpr);
        FOR v_j IN 1..v_d LOOP
            EXECUTE 'INSERT INTO migstat_rep_pairs (k, p) SELECT k & $1, p FROM migstat_rep_pairs WHERE k & $2 <> 0 GROUP BY 1, 2'
                USING ~v_mask[v_j], v_mask[v_j];
        END LOOP;
        ALTER TABLE migstat_rep_sup RENAME TO migstat_rep_simple;
        CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS
            SELECT c.k, c.v, CASE WHEN c.v BETWEEN 1 AND v_k - 1 THEN 'A' ELSE 'F' END AS st
              FROM (SELECT u.k, sum(u.v)::bigint AS v
                      FROM (SELECT x.k, x.v FROM migstat_rep_simple x
                            UNION ALL SELECT y.k, count(*) FROM migstat_rep_pairs y GROUP BY y.k) u
                     GROUP BY u.k) c;
        DROP TABLE migstat_rep_simple, migstat_rep_pairs, migstat_rep_mraw;
    END IF;

    -- ---- 4. disclosure control -------------------------------------------------------------
    -- migstat_rep_new: the suppressed cells and the pass that suppressed them (0 = primary);
    -- migstat_rep_sup itself is not updated.
    CREATE TEMP TABLE migstat_rep_new ON COMMIT DROP AS SELECT k, 0 AS pass FROM migstat_rep_sup WHERE st = 'A';
    IF v_d > 0 AND EXISTS (SELECT 1 FROM migstat_rep_new) THEN
        -- Relations along dimension j: the cells with the same key outside j's bits. A pass over
        -- j looks at the relations that gained a suppressed cell since j's previous pass; where
        -- exactly one is suppressed it suppresses the relation's smallest positive free cell
        -- (ties: a category before the _T, then the lower index). Stops after a round without
        -- change. On a large table, the passes that touch few relations find them through an
        -- index per dimension instead of reading the whole table.
        SELECT count(*) INTO v_rows FROM migstat_rep_sup;
        v_index := v_rows > coalesce((SELECT value::bigint FROM migstat.setting WHERE key = 'report_index_cells'), 50000);
        CREATE UNIQUE INDEX ON migstat_rep_new (k);
        IF v_index THEN
            FOR v_j IN 1..v_d LOOP
                EXECUTE format('CREATE INDEX ON migstat_rep_sup ((k & (%s)::bigint))', ~v_mask[v_j]);
            END LOOP;
        END IF;
        ANALYZE migstat_rep_sup;
        v_last := array_fill(-1, ARRAY[v_d]);
        v_pass := 0;
        v_planner := ARRAY[current_setting('enable_nestloop'), current_setting('enable_hashjoin'),
                           current_setting('enable_mergejoin')];
        LOOP
            v_changed := 0;
            FOR v_j IN 1..v_d LOOP
                v_pass := v_pass + 1;
                SELECT count(*) INTO v_n FROM migstat_rep_new WHERE pass > v_last[v_j];
                IF v_n > 0 THEN
                    -- Few relations to look at (after the first round): index lookups. Many: every
                    -- relation, by hash joins over the whole table (a relation that gained no
                    -- suppressed cell since the previous pass over j has 0 or >= 2 already, so
                    -- looking at it changes nothing).
                    v_few := v_index AND v_last[v_j] >= 0 AND v_n < v_rows / 50;
                    PERFORM set_config('enable_nestloop', CASE WHEN v_few THEN 'on' ELSE 'off' END, true),
                            set_config('enable_hashjoin', CASE WHEN v_few THEN 'off' ELSE 'on' END, true),
                            set_config('enable_mergejoin', 'off', true);
                    EXECUTE replace($q$
                        WITH d AS (SELECT DISTINCT k & $1 AS lk FROM migstat_rep_new WHERE pass > $3),
                             l AS (SELECT c.k & $1 AS lk,
                                          min(CASE WHEN n.k IS NULL AND c.v > 0
                                                   THEN (c.v << ($4 + 1)) | (((c.k & $2) = 0)::integer::bigint << $4)
                                                        | ((c.k & $2) >> $5) END) AS best
                                     FROM migstat_rep_sup c
                                     LEFT JOIN migstat_rep_new n ON n.k = c.k
                                    WHERE #relations#
                                    GROUP BY 1
                                   HAVING count(n.k) = 1)
                        INSERT INTO migstat_rep_new (k, pass)
                        SELECT lk | ((best & ((1::bigint << $4) - 1)) << $5), $6 FROM l WHERE best IS NOT NULL$q$,
                        '#relations#', CASE WHEN v_few THEN '(c.k & $1) IN (SELECT lk FROM d)' ELSE 'true' END)
                        USING ~v_mask[v_j], v_mask[v_j], v_last[v_j], v_bits[v_j], v_off[v_j], v_pass;
                    GET DIAGNOSTICS v_n = ROW_COUNT;
                    v_changed := v_changed + v_n;
                END IF;
                v_last[v_j] := v_pass;
            END LOOP;
            EXIT WHEN v_changed = 0;
        END LOOP;
        PERFORM set_config('enable_nestloop', v_planner[1], true), set_config('enable_hashjoin', v_planner[2], true),
                set_config('enable_mergejoin', v_planner[3], true);
    END IF;

    -- ---- 5. output ---------------------------------------------------------------------------
    -- Every cell of the cube, in key order: row number i -> index of each dimension. The rows are
    -- sorted narrow (indexes, value, status) and labelled after the sort.
    v_sql := NULL;
    v_n := 1;
    FOR v_i IN REVERSE v_d..1 LOOP
        v_sql := concat_ws(', ', format('(s.i / %s) %% %s AS x%s', v_n, v_ncat[v_i] + 1, v_i), v_sql);
        v_n := v_n * (v_ncat[v_i] + 1);
    END LOOP;
    RETURN QUERY EXECUTE format($q$
        SELECT %1$s AS cell_dims,
               CASE WHEN o.st IN ('A', 'D') THEN NULL ELSE coalesce(o.v, 0) END,
               'A'::text, coalesce(o.st, 'F'), NULL::numeric, NULL::numeric, false
          FROM (SELECT s.i, x.*, q.v, CASE WHEN n.pass = 0 THEN 'A' WHEN n.pass > 0 THEN 'D' END AS st
                  FROM generate_series(0::bigint, %2$s - 1) s(i)
                 CROSS JOIN LATERAL (SELECT %3$s) x
                  LEFT JOIN migstat_rep_sup q ON q.k = %4$s
                  LEFT JOIN migstat_rep_new n ON n.k = q.k
                 ORDER BY s.i) o$q$,
        coalesce('ARRAY[' || (SELECT string_agg(format('(%L::text[])[(o.x%s + 1)::integer]', v_labels[i], i), ', ' ORDER BY i)
                                FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
        v_cells, coalesce(v_sql, '0 AS x0'),
        coalesce((SELECT string_agg(format('(x.x%s << %s)', i, v_off[i]), ' + ' ORDER BY i) FROM generate_series(1, v_d) i), '0'));

    IF p_with_estimates THEN
        -- An estimate matches when its dimensions are among the report's (the others are _T) or
        -- are filtered to a single code, it lies within the report's period range (with a period
        -- dimension: it covers exactly one period), its codes are categories of this report (age
        -- bands, occupation level) and it satisfies every filter (an estimate that is a total
        -- over a filtered dimension does not).
        RETURN QUERY EXECUTE format($q$
            SELECT %1$s, round(e.value)::bigint, 'E'::text, 'F'::text, e.lower_bound, e.upper_bound, true
              FROM migstat.estimate e
              JOIN migstat.source s ON s.id = e.source_id
              JOIN migstat.purpose pu ON pu.id = e.purpose_id
             WHERE ARRAY(SELECT jsonb_object_keys(e.dims)) <@ %2$L::text[]
               AND ($1::date IS NULL OR e.period_from >= $1) AND ($2::date IS NULL OR e.period_to <= $2)
               %3$s
             ORDER BY 1, e.id$q$,
            coalesce('ARRAY[' || (SELECT string_agg(CASE v_dims[i]
                        WHEN 'source' THEN 's.name'
                        WHEN 'purpose' THEN 'pu.name'
                        WHEN 'period' THEN format('migstat.report_period_label(%L, migstat.report_period_ord(%1$L, e.period_from))', v_unit)
                        ELSE format('coalesce(e.dims ->> %L, %L)', v_dims[i], '_T') END, ', ' ORDER BY i)
                      FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
            v_dims || ARRAY(SELECT f.key FROM jsonb_each(v_fcode) f WHERE jsonb_array_length(f.value) = 1),
            concat(
                CASE WHEN 'period' = ANY (v_dims) THEN format(
                    ' AND e.period_from = migstat.report_period_start(%1$L, migstat.report_period_ord(%1$L, e.period_from))'
                    ' AND e.period_to = migstat.report_period_end(%1$L, migstat.report_period_ord(%1$L, e.period_from))', v_unit) END,
                CASE WHEN 'age' = ANY (v_dims) THEN format(' AND (NOT e.dims ? %L OR e.dims ->> %1$L = ANY (%2$L::text[]))', 'age', v_band_lbl) END,
                CASE WHEN 'occupation' = ANY (v_dims) THEN format(
                    ' AND (NOT e.dims ? %L OR length(e.dims ->> %1$L) = %2$s)', 'occupation', v_level) END,
                (SELECT string_agg(CASE f.key
                        WHEN 'source' THEN format(' AND s.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                        WHEN 'purpose' THEN format(' AND pu.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                        ELSE format(' AND e.dims ->> %L = ANY (%L::text[])', f.key, ARRAY(SELECT jsonb_array_elements_text(f.value))) END, '')
                   FROM jsonb_each(v_fcode) f)))
            USING p_period_from, p_period_to;
    END IF;

    DROP TABLE migstat_rep_sup, migstat_rep_new, migstat_rep_cat, migstat_rep_raw;

    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('work_mem', v_wm, true);

    -- Last, so the audit log's lock is held only for the end of the transaction.
    PERFORM migstat.audit('report.run', jsonb_build_object(
        'dims', to_jsonb(v_dims), 'filters', v_fcode, 'period_from', p_period_from, 'period_to', p_period_to,
        'period_unit', v_unit, 'age_bands', p_age_bands, 'threshold_requested', p_threshold, 'threshold', v_k,
        'count', v_count, 'occupation_level', v_level, 'with_estimates', coalesce(p_with_estimates, false)));
    RETURN;
END
$fn$;
