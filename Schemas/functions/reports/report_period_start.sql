-- The first day of period number p_ord (see report_period_ord).
CREATE OR REPLACE FUNCTION migstat.report_period_start(p_unit text, p_ord integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN make_date(p_ord, 1, 1)
        WHEN 'quarter' THEN make_date(p_ord / 4, (p_ord % 4) * 3 + 1, 1)
        WHEN 'month' THEN make_date(p_ord / 12, p_ord % 12 + 1, 1)
    END
$$;
