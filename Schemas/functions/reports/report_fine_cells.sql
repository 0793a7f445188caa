-- migstat.report_fine_cells: phase 2 of migstat.report. One parallel scan of migstat.records,
-- filtered by the plan's where_sql: a plain GROUP BY of the group values of the plan's
-- dimensions, written with CREATE TEMP TABLE ... AS (parallel-capable, unlike INSERT ... SELECT)
-- to migstat_rep_raw (g1..gd integer-valued, n bigint, ks bigint) -- the "fine cells"; ks = the
-- sum of the cell's record keys (plan.perturb; NULL otherwise), from which migstat.report_cube
-- makes every cell's cell key (ks % 256).
-- Counting persons: per person, the min and max group value of each dimension; a person whose
-- min = max everywhere lies in one fine cell and counts 1 there (migstat_rep_raw); a record
-- without a pseudonym counts as one person of its cell. If some persons span several cells,
-- their distinct (fine cell, person number) pairs go to migstat_rep_mraw (g1..gd, p, pk) and the
-- returned plan has multi = true. Person keys: pk = get_byte(pseudonym, 0) of each person (0..255,
-- uniform: the pseudonym is an HMAC); a record without pseudonym counts with its record key; ks
-- of migstat_rep_raw is the sum of the person keys of the cell's single-cell persons. Persons raise work_mem to 256MB at least (transaction-local;
-- migstat.report restores it). The temp tables are ON COMMIT DROP.
CREATE OR REPLACE FUNCTION migstat.report_fine_cells(p_plan migstat.report_plan)
RETURNS migstat.report_plan
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
DECLARE
    v       migstat.report_plan := p_plan;
    v_d     integer := coalesce(cardinality(p_plan.dims), 0);
    v_g     text[] := p_plan.dim_expr;
    v_cols  text;
    v_gcols text;
    v_from  text := format('migstat.records r WHERE %s', array_to_string(p_plan.where_sql, ' AND '));
    v_same  text;
    v_tmp   text;            -- unlogged work table (persons)
    v_ptc   text;
BEGIN
    SELECT string_agg(format('%s AS g%s', v_g[i], i), ', ' ORDER BY i), string_agg(format('g%s', i), ', ' ORDER BY i)
      INTO v_cols, v_gcols FROM generate_series(1, v_d) i;
    v.multi := false;
    IF v.counting = 'records' THEN
        EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s count(*)::bigint AS n, %s AS ks FROM %s %s',
                       coalesce(v_cols || ',', ''),
                       CASE WHEN v.perturb THEN 'sum(r.record_key)::bigint' ELSE 'NULL::bigint' END, v_from,
                       CASE WHEN v_d > 0 THEN 'GROUP BY ' || v_gcols ELSE '' END);
        RETURN v;
    END IF;
    -- One hash table entry per person: give the person-level steps room (never less than the
    -- session's own setting).
    IF pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v_same := (SELECT coalesce(string_agg(format('mn%1$s = mx%1$s', j), ' AND '), 'true') FROM generate_series(1, v_d) j);
    EXECUTE format($q$
        CREATE TEMP TABLE migstat_rep_s1 ON COMMIT DROP AS
        SELECT %1$s CASE WHEN %2$s THEN NULL ELSE p END AS p,
               sum(CASE WHEN p IS NULL THEN cnt ELSE 1 END)::bigint AS n, sum(pk)::bigint AS ks
          FROM (SELECT r.person_pseudonym AS p, %3$s count(*) AS cnt,
                       CASE WHEN r.person_pseudonym IS NULL THEN sum(r.record_key) ELSE get_byte(r.person_pseudonym, 0) END AS pk
                  FROM %4$s
                 GROUP BY r.person_pseudonym %5$s) s
         GROUP BY %6$s$q$,
        (SELECT string_agg(format('CASE WHEN %s THEN mn%s END AS g%s,', v_same, i, i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
        v_same,
        (SELECT string_agg(format('min(%1$s) AS mn%2$s, max(%1$s) AS mx%2$s,', v_g[i], i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
        v_from,
        (SELECT string_agg(format(', CASE WHEN r.person_pseudonym IS NULL THEN %s END', v_g[i]), '' ORDER BY i) FROM generate_series(1, v_d) i),
        (SELECT string_agg(i::text, ', ') FROM generate_series(1, v_d + 1) i));
    EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s n, ks FROM migstat_rep_s1 WHERE p IS NULL',
                   coalesce(v_gcols || ',', ''));
    SELECT EXISTS (SELECT 1 FROM migstat_rep_s1 WHERE p IS NOT NULL) INTO v.multi;
    IF v.multi THEN
        -- The distinct (fine cell, person) pairs of the persons found in several cells. Their
        -- list goes to an unlogged table of this transaction (never visible to any other
        -- session): parallel workers cannot read temporary tables.
        v_tmp := format('report_work_%s', pg_backend_pid());
        -- Each gets a small number (pid) so that the pairs below are narrow.
        EXECUTE format('CREATE UNLOGGED TABLE migstat_data.%I AS SELECT p, (row_number() OVER ())::integer AS pid, '
                       'ks::integer AS pk FROM migstat_rep_s1 WHERE p IS NOT NULL', v_tmp);
        EXECUTE format('ANALYZE migstat_data.%I', v_tmp);
        -- The join returns few rows for the records it scans: let workers scan in parallel.
        v_ptc := current_setting('parallel_tuple_cost');
        PERFORM set_config('parallel_tuple_cost', '0.01', true);
        EXECUTE format('CREATE TEMP TABLE migstat_rep_mraw ON COMMIT DROP AS SELECT DISTINCT %s, m.pid AS p, m.pk '
                       'FROM migstat.records r JOIN migstat_data.%I m ON m.p = r.person_pseudonym WHERE %s',
                       v_cols, v_tmp, array_to_string(v.where_sql, ' AND '));
        PERFORM set_config('parallel_tuple_cost', v_ptc, true);
        EXECUTE format('DROP TABLE migstat_data.%I', v_tmp);
    END IF;
    DROP TABLE migstat_rep_s1;
    RETURN v;
END
$fn$;
