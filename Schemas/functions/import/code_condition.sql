-- The condition every row of a batch must meet for its code columns, one term per coded dimension
-- of the catalogue (migstat.dimension), ANDed: "(direction IS NULL OR direction BETWEEN 1 AND 3)",
-- or "... = ANY ('{...}'::smallint[])" when the list's active ids are not contiguous; a list with no
-- active code admits no value but NULL. p_column: only that column's term (NULL: all). check_batch
-- evaluates it once over the batch after the COPY (the planner hashes long ANY lists), instead of
-- one CHECK constraint per column evaluated row by row during the COPY.
CREATE OR REPLACE FUNCTION migstat.code_condition(p_column text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    c      record;
    lo     smallint;
    hi     smallint;
    v_n    integer;
    v_sql  text := '';
BEGIN
    FOR c IN SELECT d.name AS col, d.code_list AS dim FROM migstat.dimension d
              WHERE d.is_record_column AND d.code_list IS NOT NULL AND (p_column IS NULL OR d.name = p_column)
              ORDER BY d.ord
    LOOP
        SELECT min(id), max(id), count(*) INTO lo, hi, v_n FROM migstat.code WHERE dimension = c.dim AND active;
        v_sql := v_sql || format(' AND (%I IS NULL OR %s)', c.col,
            CASE WHEN v_n = 0 THEN 'false'
                 WHEN hi - lo + 1 = v_n THEN format('%I BETWEEN %s AND %s', c.col, lo, hi)
                 ELSE format('%I = ANY (%L::smallint[])', c.col,
                      (SELECT array_agg(id ORDER BY id) FROM migstat.code WHERE dimension = c.dim AND active)) END);
    END LOOP;
    RETURN CASE WHEN v_sql = '' THEN 'true' ELSE substr(v_sql, 6) END;
END
$$;
