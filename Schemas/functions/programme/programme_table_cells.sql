-- migstat.programme_table_cells: every cell of one declared table in a programme run, zero cells
-- included, in table order (the table's dimensions in declared order, categories in code-list
-- order, _T first; the last dimension varies fastest): its coordinates, exact value and status
-- (F published, A primary, D secondary; a zero cell is F; a withheld cell of a purged purpose has
-- no value any more). Internal: the callers decide what
-- leaves the database (declared_report: withheld cells without value, flagged C).
CREATE OR REPLACE FUNCTION migstat.programme_table_cells(p_run bigint, p_table integer)
RETURNS TABLE (k bigint, cell_dims text[], v bigint, status "char")
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    r      migstat.programme_run;
    t      migstat.declared_table;
    v_pos  integer[] := '{}';      -- per table dimension: its index in the run's dimensions
    v_n    integer[] := '{}';      -- per table dimension: categories + 1
    v_req  bigint := 0;
    v_i    integer;
    v_p    integer;
    v_sql  text;
    v_key  text;
    v_lab  text;
    v_cnt  bigint := 1;
BEGIN
    SELECT * INTO r FROM migstat.programme_run WHERE id = p_run;
    SELECT * INTO t FROM migstat.declared_table WHERE id = p_table;
    FOR v_i IN 1..cardinality(t.dims) LOOP
        v_p := array_position(r.dims, t.dims[v_i]);
        v_pos := v_pos || v_p;
        v_n := v_n || cardinality(r.labels[v_p]::text[]);
    END LOOP;
    FOR v_i IN 1..cardinality(r.dims) LOOP
        IF t.filters ? r.dims[v_i] THEN
            v_p := coalesce(array_position(r.labels[v_i]::text[], t.filters -> r.dims[v_i] ->> 0),
                            array_position(r.labels[v_i]::text[], upper(t.filters -> r.dims[v_i] ->> 0)));
            IF v_p IS NULL THEN
                v_req := NULL;          -- the filter code does not occur: every cell is 0
            ELSE
                v_req := v_req + ((v_p - 1)::bigint << r.key_offset[v_i]);
            END IF;
        END IF;
    END LOOP;
    -- row number s -> index of each table dimension (last fastest)
    FOR v_i IN REVERSE cardinality(t.dims)..1 LOOP
        v_sql := concat_ws(', ', format('(s.i / %s) %% %s AS x%s', v_cnt, v_n[v_i], v_i), v_sql);
        v_cnt := v_cnt * v_n[v_i];
    END LOOP;
    v_key := coalesce(v_req::text, '-1') || ' + ' || (SELECT string_agg(format('(x.x%s << %s)', i, r.key_offset[v_pos[i]]), ' + ')
                                                      FROM generate_series(1, cardinality(t.dims)) i);
    v_lab := 'ARRAY[' || (SELECT string_agg(format('(%L::text[])[(x.x%s + 1)::integer]', r.labels[v_pos[i]], i), ', ')
                            FROM generate_series(1, cardinality(t.dims)) i) || ']';
    RETURN QUERY EXECUTE format($q$
        SELECT o.k, o.cell_dims, CASE WHEN c.k IS NULL THEN 0 ELSE c.v END::bigint, coalesce(c.status, 'F')::"char"
          FROM (SELECT s.i, (%1$s)::bigint AS k, %2$s AS cell_dims
                  FROM generate_series(0::bigint, %3$s - 1) s(i) CROSS JOIN LATERAL (SELECT %4$s) x) o
          LEFT JOIN migstat.programme_cell c ON c.run_id = $1 AND c.k = o.k AND %5$s
         ORDER BY o.i$q$, v_key, v_lab, v_cnt, v_sql, (v_req IS NOT NULL)::text)
        USING p_run;
END
$fn$;
