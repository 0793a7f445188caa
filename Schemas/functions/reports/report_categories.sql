-- migstat.report_categories: phase 3 of migstat.report. The category universe of each
-- dimension, written to migstat_rep_cat (dno, g = group value, code, ord = display order):
-- the group values always listed (below) and every group value that occurs in the fine cells
-- (migstat_rep_raw, and migstat_rep_mraw when plan.multi); "_Z" for 0 (not stated) and "_X"
-- for -1 (occupation coded coarser than the level), ordered last. Always listed: a filtered
-- dimension's filter values (an occupation filtered above the report level: none); age: every
-- band; period: every period from period_from (else the first that occurs) to period_to (else
-- the last); source: all; purpose: the active ones; big dimensions and occupation below level
-- 1: none; others: the active codes. Then the cell-key layout, in the returned plan: index
-- 1..n in display order (0 = _T); a key packs the indexes, dimension 1 in the highest bits.
-- Refuses more than setting report_max_cells cells or 62 key bits (SQLSTATE 54000).
CREATE OR REPLACE FUNCTION migstat.report_categories(p_plan migstat.report_plan)
RETURNS migstat.report_plan
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v          migstat.report_plan := p_plan;
    v_d        integer := coalesce(cardinality(p_plan.dims), 0);
    v_big      text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() WHERE big);
    v_dim      text;
    v_base     text;           -- SQL: the group values always listed (then: labels)
    v_sql      text;           -- SQL: the group values that occur (then: the key map)
    v_pmin     integer;
    v_pmax     integer;
    v_i        integer;
    v_n        bigint;
    v_tot_bits integer := 0;
    v_max      numeric;
BEGIN
    CREATE TEMP TABLE migstat_rep_cat (dno integer, g integer, code text, ord bigint) ON COMMIT DROP;
    FOR v_i IN 1..v_d LOOP
        v_dim := v.dims[v_i];
        v_sql := format('SELECT DISTINCT g%s::integer FROM migstat_rep_raw', v_i)
                 || CASE WHEN v.multi THEN format(' UNION SELECT DISTINCT g%s::integer FROM migstat_rep_mraw', v_i) ELSE '' END;
        IF v_dim = 'period' THEN
            EXECUTE format('SELECT min(g), max(g) FROM (%s) x(g)', v_sql) INTO v_pmin, v_pmax;
            v_pmin := coalesce(migstat.report_period_ord(v.period_unit, v.period_from), v_pmin);
            v_pmax := coalesce(migstat.report_period_ord(v.period_unit, v.period_to), v_pmax);
        END IF;
        v_base := CASE
            WHEN v.filter_groups ? v_dim THEN format('SELECT unnest(%L::integer[])',
                (SELECT array_agg(x::integer) FROM jsonb_array_elements_text(v.filter_groups -> v_dim) x))
            WHEN v.filters ? v_dim THEN 'SELECT NULL::integer WHERE false'   -- occupation filtered above the level: what occurs
            WHEN v_dim = 'age' THEN format('SELECT generate_series(1, %s)', array_length(v.band_labels, 1))
            WHEN v_dim = 'period' THEN format('SELECT generate_series(%s, %s)', coalesce(v_pmin, 0), coalesce(v_pmax, -1))
            WHEN v_dim = 'source' THEN 'SELECT id::integer FROM migstat.source'
            WHEN v_dim = 'purpose' THEN $$SELECT id::integer FROM migstat.purpose WHERE status = 'active'$$
            WHEN v_dim = ANY (v_big) OR (v_dim = 'occupation' AND v.occupation_level > 1) THEN 'SELECT NULL::integer WHERE false'
            WHEN v_dim = 'occupation' THEN $$SELECT id::integer FROM migstat.code WHERE dimension = 'occupation' AND active AND level = 1$$
            ELSE format('SELECT id::integer FROM migstat.code WHERE dimension = %L AND active', v_dim)
        END;
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
                WHEN 'age' THEN format('(%L::text[])[x.g]', v.band_labels)
                WHEN 'period' THEN format('migstat.report_period_label(%L, x.g)', v.period_unit)
                WHEN 'source' THEN '(SELECT name FROM migstat.source WHERE id = x.g)'
                WHEN 'purpose' THEN '(SELECT name FROM migstat.purpose WHERE id = x.g)'
                ELSE 'c.code'
            END,
            CASE WHEN v_dim IN ('age', 'period') THEN 'x.g' WHEN v_dim IN ('source', 'purpose') THEN '0' ELSE 'c.sort_order' END,
            v_base, v_sql,
            CASE WHEN v_dim IN ('age', 'period', 'source', 'purpose') THEN ''
                 ELSE format('LEFT JOIN migstat.code c ON c.dimension = %L AND c.id = x.g', CASE v_dim WHEN 'nationality' THEN 'country' ELSE v_dim END) END);
    END LOOP;

    -- Cell keys: index 0 = _T; dimension 1 in the highest bits, so key order = table order.
    v.ncat := array_fill(0, ARRAY[greatest(v_d, 1)]);
    FOR v_i, v_n IN SELECT dno, count(*) FROM migstat_rep_cat GROUP BY dno LOOP
        v.ncat[v_i] := v_n;
    END LOOP;
    v.cells := 1;
    v.key_bits := array_fill(1, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        v.cells := v.cells * (v.ncat[v_i] + 1);
        WHILE (1::bigint << v.key_bits[v_i]) <= v.ncat[v_i] LOOP
            v.key_bits[v_i] := v.key_bits[v_i] + 1;
        END LOOP;
    END LOOP;
    v_max := coalesce((SELECT value::numeric FROM migstat.setting WHERE key = 'report_max_cells'), 5000000);
    IF v.cells > v_max THEN
        RAISE EXCEPTION 'the table would have % cells (limit %): use fewer dimensions, filters or coarser categories',
            v.cells, v_max USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v.key_offset := array_fill(0, ARRAY[greatest(v_d, 1)]);
    v.key_mask := array_fill(0::bigint, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN REVERSE v_d..1 LOOP
        v.key_offset[v_i] := v_tot_bits;
        v.key_mask[v_i] := ((1::bigint << v.key_bits[v_i]) - 1) << v_tot_bits;
        v_tot_bits := v_tot_bits + v.key_bits[v_i];
    END LOOP;
    IF v_tot_bits > 62 THEN
        RAISE EXCEPTION 'the table has too many dimensions' USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v.labels := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    v.key_map := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        WITH c AS (SELECT g, code, row_number() OVER (ORDER BY ord, code) AS idx FROM migstat_rep_cat WHERE dno = v_i),
             b AS (SELECT min(g) AS lo, max(g) AS hi FROM c)
        SELECT (ARRAY['_T'] || ARRAY(SELECT code FROM c ORDER BY idx))::text,
               coalesce((SELECT format('[%s:%s]=%s', b.lo, b.hi, array_agg(c.idx << v.key_offset[v_i] ORDER BY s.g))
                           FROM b CROSS JOIN generate_series(b.lo, b.hi) s(g) LEFT JOIN c ON c.g = s.g
                          GROUP BY b.lo, b.hi), '{}')
          INTO v_base, v_sql;
        v.labels[v_i] := v_base;
        v.key_map[v_i] := v_sql;
    END LOOP;
    v.key_expr := coalesce((SELECT string_agg(format('(%L::bigint[])[g%s]', v.key_map[i], i), ' + ' ORDER BY i)
                              FROM generate_series(1, v_d) i), '0');
    RETURN v;
END
$fn$;
