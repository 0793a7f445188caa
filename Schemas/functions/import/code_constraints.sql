-- The CHECK constraints of a loading batch's code columns: "direction BETWEEN 1 AND 3", or
-- "region = ANY ('{...}'::smallint[])" when the list's active ids are not contiguous. A list with
-- no active code admits no value (NULL stays allowed where the column is nullable).
CREATE OR REPLACE FUNCTION migstat.code_constraints(p_table text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    c      record;
    lo     smallint;
    hi     smallint;
    v_n    integer;
    v_sql  text := '';
BEGIN
    FOR c IN SELECT * FROM (VALUES (1, 'direction', 'direction'), (2, 'sex', 'sex'), (3, 'nationality', 'country'),
                                   (4, 'country', 'country'), (5, 'region', 'region'), (6, 'reason', 'reason'),
                                   (7, 'occupation', 'occupation'), (8, 'worker_category', 'worker_category'),
                                   (9, 'ethnicity', 'ethnicity'), (10, 'migration_status', 'migration_status'),
                                   (11, 'disability', 'disability')) AS x(n, col, dim) ORDER BY n
    LOOP
        SELECT min(id), max(id), count(*) INTO lo, hi, v_n FROM migstat.code WHERE dimension = c.dim AND active;
        v_sql := v_sql || format(', ADD CONSTRAINT %I CHECK (%s)', c.col || '_in_code_list',
            CASE WHEN v_n > 0 AND hi - lo + 1 = v_n THEN format('%I BETWEEN %s AND %s', c.col, lo, hi)
                 ELSE format('%I = ANY (%L::smallint[])', c.col,
                      (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM migstat.code
                        WHERE dimension = c.dim AND active)) END);
    END LOOP;
    RETURN format('ALTER TABLE %s %s', p_table, substr(v_sql, 3));
END
$$;
