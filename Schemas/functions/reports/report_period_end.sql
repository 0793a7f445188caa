-- The last day of period number p_ord (see report_period_ord).
CREATE OR REPLACE FUNCTION migstat.report_period_end(p_unit text, p_ord integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT (migstat.report_period_start(p_unit, p_ord)
            + CASE p_unit WHEN 'year' THEN interval '1 year' WHEN 'quarter' THEN interval '3 months'
                          ELSE interval '1 month' END)::date - 1
$$;
