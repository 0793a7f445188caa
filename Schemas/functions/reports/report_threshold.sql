-- The effective threshold K: cells 1..K-1 are suppressed. The configured threshold, or
-- threshold_special when a special-category dimension (ethnicity, disability, migration_status)
-- is a dimension or a filter of the table; a caller may raise it, never lower it.
CREATE OR REPLACE FUNCTION migstat.report_threshold(p_special boolean, p_requested integer) RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT greatest(coalesce(p_requested, 0),
                    (SELECT value::integer FROM migstat.setting WHERE key = 'threshold'),
                    CASE WHEN p_special THEN (SELECT value::integer FROM migstat.setting WHERE key = 'threshold_special') END,
                    1)
$$;
