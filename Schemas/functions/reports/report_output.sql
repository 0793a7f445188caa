-- migstat.report_output: phase 6 of migstat.report. Returns the queries of the output, which
-- migstat.report runs with RETURN QUERY EXECUTE (the table can have millions of rows: a
-- set-returning phase would copy each of them once more); both yield (cell_dims text[],
-- obs_value bigint, obs_status text, conf_status text, lower_bound numeric, upper_bound
-- numeric, is_estimate boolean):
--   [1] every cell of the cube, in key order (the keys of all cells generated in order and merge-
--       joined to the non-zero cells; labelled from the key after the join): cells without records appear as 0, a
--       suppressed cell (migstat_rep_new) has obs_value NULL and conf_status A or D;
--   [2] with plan.with_estimates (else NULL): the matching rows of migstat.estimate
--       (obs_status E). An estimate matches when its dimensions are among the report's (the
--       others are _T) or are filtered to a single code, it lies within the period range (with
--       a period dimension: it covers exactly one period), its codes are categories of this
--       report (age bands, occupation level) and it satisfies every filter (an estimate that
--       is a total over a filtered dimension does not).
--   [3] with plan.with_estimates (else NULL): one row, one text, when estimates of the report's
--       shape overlapping its period are left out because their age band, period or occupation level
--       does not fit ("estimates left out: 1 whose age band is not one of this report's bands (...)");
--       no row when none is.
CREATE OR REPLACE FUNCTION migstat.report_output(p_plan migstat.report_plan)
RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v      migstat.report_plan := p_plan;
    v_d    integer := coalesce(cardinality(p_plan.dims), 0);
    v_sql  text;
    v_n    bigint := 1;
    v_i    integer;
    v_shape   text;
    v_period  text;
    v_overlap text;
    v_age     text;
    v_occ     text;
BEGIN
    -- Row number i -> the cell's key: index x_j = (i / stride_j) % (ncat_j + 1) of each dimension, at
    -- its key offset. Dimension 1 is in the highest bits, so key order is row order.
    FOR v_i IN REVERSE v_d..1 LOOP
        v_sql := concat_ws(' + ', format('(((s.i / %s) %% %s) << %s)', v_n, v.ncat[v_i] + 1, v.key_offset[v_i]), v_sql);
        v_n := v_n * (v.ncat[v_i] + 1);
    END LOOP;
    -- Which estimates [2] shows: their dimensions are among the report's (the others are _T) or are
    -- filtered to a single code, and they satisfy every filter (v_shape); they lie within the period range
    -- (with a period dimension: they cover exactly one period) (v_period); their codes are categories of
    -- this report: age bands (v_age), occupation level (v_occ). [3] counts those of the report's shape that
    -- overlap its period (v_overlap) but fail v_period, v_age or v_occ.
    IF v.with_estimates THEN
        v_shape := format('ARRAY(SELECT jsonb_object_keys(e.dims)) <@ %L::text[]',
                          v.dims || ARRAY(SELECT f.key FROM jsonb_each(v.filter_codes) f WHERE jsonb_array_length(f.value) = 1))
            || coalesce((SELECT string_agg(CASE f.key
                    WHEN 'source' THEN format(' AND s.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                    WHEN 'purpose' THEN format(' AND pu.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                    ELSE format(' AND e.dims ->> %L = ANY (%L::text[])', f.key, ARRAY(SELECT jsonb_array_elements_text(f.value))) END, '')
               FROM jsonb_each(v.filter_codes) f), '');
        v_period := format('((%1$L::date IS NULL OR e.period_from >= %1$L::date) AND (%2$L::date IS NULL OR e.period_to <= %2$L::date)',
                           v.period_from, v.period_to)
            || CASE WHEN 'period' = ANY (v.dims) THEN format(
                ' AND e.period_from = migstat.report_period_start(%1$L, migstat.report_period_ord(%1$L, e.period_from))'
                ' AND e.period_to = migstat.report_period_end(%1$L, migstat.report_period_ord(%1$L, e.period_from))', v.period_unit)
               ELSE '' END || ')';
        v_overlap := format('(%1$L::date IS NULL OR e.period_to >= %1$L::date) AND (%2$L::date IS NULL OR e.period_from <= %2$L::date)',
                            v.period_from, v.period_to);
        v_age := CASE WHEN 'age' = ANY (v.dims)
                      THEN format('(NOT e.dims ? %L OR e.dims ->> %1$L = ANY (%2$L::text[]))', 'age', v.band_labels) ELSE 'true' END;
        v_occ := CASE WHEN 'occupation' = ANY (v.dims)
                      THEN format('(NOT e.dims ? %L OR length(e.dims ->> %1$L) = %2$s)', 'occupation', v.occupation_level) ELSE 'true' END;
    END IF;
    -- Rows in key order without a sort of the output: the keys of all cells, generated in order, merge-
    -- joined to the non-zero cells (the sort the merge join puts on each side finds its input sorted);
    -- migstat.report turns hash joins off for this query (report_exact leaves the choice to the planner:
    -- same rows, same order, ORDER BY g.k either way). Labels are looked up after the join, from the
    -- key's bits.
    RETURN ARRAY[format($q$
        SELECT %1$s AS cell_dims,
               %5$s, 'A'::text, %4$s, NULL::numeric, NULL::numeric, false
          FROM (SELECT %3$s AS k FROM generate_series(0::bigint, %2$s - 1) s(i)) g
          LEFT JOIN migstat_rep_sup q ON q.k = g.k
          %6$s
         ORDER BY g.k$q$,
        -- labels as name[] (fixed width: a subscript is O(1), where text[] walks its elements)
        coalesce('ARRAY[' || (SELECT string_agg(format('((%L::name[])[((g.k >> %s) & %s)::integer + 1]::text COLLATE "default")',
                                                       v.labels[i], v.key_offset[i], (1::bigint << v.key_bits[i]) - 1), ', ' ORDER BY i)
                                FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
        v.cells, coalesce(v_sql, '0::bigint'),
        -- a perturbed (flexible) table suppresses nothing: no join with migstat_rep_new
        CASE WHEN v.perturb THEN $s$'F'::text$s$ ELSE $s$coalesce(CASE WHEN n.pass = 0 THEN 'A' WHEN n.pass > 0 THEN 'D' END, 'F')$s$ END,
        CASE WHEN v.perturb THEN 'coalesce(q.v, 0)' ELSE 'CASE WHEN n.pass >= 0 THEN NULL ELSE coalesce(q.v, 0) END' END,
        CASE WHEN v.perturb THEN '' ELSE 'LEFT JOIN migstat_rep_new n ON n.k = g.k' END),
      CASE WHEN v.with_estimates THEN format($q$
        SELECT %1$s, round(e.value)::bigint, 'E'::text, 'F'::text, e.lower_bound, e.upper_bound, true
          FROM migstat.estimate e
          JOIN migstat.source s ON s.id = e.source_id
          JOIN migstat.purpose pu ON pu.id = e.purpose_id
         WHERE %2$s AND %3$s AND %4$s AND %5$s
         ORDER BY 1, e.id$q$,
        coalesce('ARRAY[' || (SELECT string_agg(CASE v.dims[i]
                    WHEN 'source' THEN 's.name'
                    WHEN 'purpose' THEN 'pu.name'
                    WHEN 'period' THEN format('migstat.report_period_label(%L, migstat.report_period_ord(%1$L, e.period_from))', v.period_unit)
                    ELSE format('coalesce(e.dims ->> %L, %L)', v.dims[i], '_T') END, ', ' ORDER BY i)
                  FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
        v_shape, v_period, v_age, v_occ) END,
      -- [3]: what the estimates that have the report's shape but do not fit it (bands, period, level) are,
      -- as one note (NULL when none), for migstat.report to say so.
      CASE WHEN v.with_estimates THEN format($q$
        SELECT 'estimates left out: ' || concat_ws('; ',
                   CASE WHEN count(*) FILTER (WHERE NOT %3$s) > 0 THEN count(*) FILTER (WHERE NOT %3$s)
                        || ' whose age band is not one of this report''s bands (' || %6$L || ')' END,
                   CASE WHEN count(*) FILTER (WHERE NOT %2$s) > 0 THEN count(*) FILTER (WHERE NOT %2$s)
                        || ' whose period ' || %7$L END,
                   CASE WHEN count(*) FILTER (WHERE NOT %4$s) > 0 THEN count(*) FILTER (WHERE NOT %4$s)
                        || ' whose occupation is not at ISCO-08 level ' || %8$s END)
          FROM migstat.estimate e
          JOIN migstat.source s ON s.id = e.source_id
          JOIN migstat.purpose pu ON pu.id = e.purpose_id
         WHERE %1$s AND %5$s AND NOT (%2$s AND %3$s AND %4$s)
        HAVING count(*) > 0$q$,
        v_shape, v_period, v_age, v_occ, v_overlap, array_to_string(v.band_labels, ', '),
        CASE WHEN 'period' = ANY (v.dims)
             THEN format('is not within the report''s period or not one whole %s', v.period_unit)
             ELSE 'is not within the report''s period' END,
        v.occupation_level) END];
END
$fn$;
