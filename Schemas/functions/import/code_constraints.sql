-- The CHECK constraints a loading batch's code columns had until 0009 (begin_batch no longer adds
-- them: check_batch evaluates migstat.code_condition once over the rows instead; kept for
-- Scripts/bench-import.sh, which measures the difference): one per coded dimension of the catalogue
-- (migstat.dimension), each the column's term of migstat.code_condition ("direction IS NULL OR
-- direction BETWEEN 1 AND 3", ...), so both mechanisms admit exactly the same values.
CREATE OR REPLACE FUNCTION migstat.code_constraints(p_table text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT format('ALTER TABLE %s %s', p_table,
                  string_agg(format('ADD CONSTRAINT %I CHECK (%s)', d.name || '_in_code_list', migstat.code_condition(d.name)),
                             ', ' ORDER BY d.ord))
      FROM migstat.dimension d
     WHERE d.is_record_column AND d.code_list IS NOT NULL
$$;
