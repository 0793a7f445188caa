-- Periods are numbered: year = the year, quarter = year*4 + quarter-1, month = year*12 + month-1.
CREATE OR REPLACE FUNCTION migstat.report_period_ord(p_unit text, p_date date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN date_part('year', p_date)::integer
        WHEN 'quarter' THEN date_part('year', p_date)::integer * 4 + (date_part('month', p_date)::integer - 1) / 3
        WHEN 'month' THEN date_part('year', p_date)::integer * 12 + date_part('month', p_date)::integer - 1
    END
$$;
