-- SDMX time period: 2024, 2024-Q1, 2024-01.
CREATE OR REPLACE FUNCTION migstat.report_period_label(p_unit text, p_ord integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN p_ord::text
        WHEN 'quarter' THEN format('%s-Q%s', p_ord / 4, p_ord % 4 + 1)
        WHEN 'month' THEN format('%s-%s', p_ord / 12, lpad((p_ord % 12 + 1)::text, 2, '0'))
    END
$$;
