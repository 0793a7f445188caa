-- migstat.report_dimension_info: the dimensions of migstat.report, one row each, in the
-- catalogue's order (the order of the error hints), read from the dimension catalogue
-- (migstat.dimension), with what the report needs to know of them:
--   special_category  ethnicity, disability, migration_status: as a dimension or a filter, the
--                     table takes threshold_special (migstat.report_threshold);
--   not_null          the records column is NOT NULL (no coalesce to 0 = not stated);
--   big               only the codes that occur are listed (253 countries would bury the table).
CREATE OR REPLACE FUNCTION migstat.report_dimension_info()
RETURNS TABLE (dimension text, ord integer, special_category boolean, not_null boolean, big boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT d.name, d.ord::integer, d.is_special_category, d.is_record_column AND d.is_required,
           d.only_occurring_codes
      FROM migstat.dimension d
     ORDER BY d.ord
$$;
