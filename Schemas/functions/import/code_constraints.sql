-- The CHECK constraints a loading batch's code columns had until 0009 (begin_batch no longer adds
-- them: check_batch evaluates migstat.code_condition once over the rows instead; kept for
-- Scripts/bench-import.sh, which measures the difference), one per coded dimension of the catalogue
-- (migstat.dimension): "direction BETWEEN 1 AND 3", or "region = ANY ('{...}'::smallint[])" when the
-- list's active ids are not contiguous. A list with no active code admits no value but NULL.
CREATE OR REPLACE FUNCTION migstat.code_constraints(p_table text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    c      record;
    lo     smallint;
    hi     smallint;
    v_n    integer;
    v_sql  text := '';
BEGIN
    FOR c IN SELECT d.name AS col, d.code_list AS dim FROM migstat.dimension d
              WHERE d.is_record_column AND d.code_list IS NOT NULL ORDER BY d.ord
    LOOP
        SELECT min(id), max(id), count(*) INTO lo, hi, v_n FROM migstat.code WHERE dimension = c.dim AND active;
        v_sql := v_sql || format(', ADD CONSTRAINT %I CHECK (%s)', c.col || '_in_code_list',
            CASE WHEN v_n = 0 THEN format('%I IS NULL', c.col)
                 WHEN hi - lo + 1 = v_n THEN format('%I BETWEEN %s AND %s', c.col, lo, hi)
                 ELSE format('%I = ANY (%L::smallint[])', c.col,
                      (SELECT array_agg(id ORDER BY id) FROM migstat.code WHERE dimension = c.dim AND active)) END);
    END LOOP;
    RETURN format('ALTER TABLE %s %s', p_table, substr(v_sql, 3));
END
$$;
