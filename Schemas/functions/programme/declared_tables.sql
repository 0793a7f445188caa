-- migstat.declared_tables: the output programmes (every report reader and auditor): each declared
-- table, retired ones included, with the size of its latest computed run (cells, zero cells
-- included, and how many are withheld; NULL before the first run).
CREATE OR REPLACE FUNCTION migstat.declared_tables(p_purpose text DEFAULT NULL)
RETURNS TABLE (purpose text, name text, title text, dims text[], filters jsonb, age_bands text, period_unit text,
               declared_at timestamptz, declared_by name, retired_at timestamptz, cells bigint, withheld bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_admin') OR migstat.caller_is('migstat_auditor')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    RETURN QUERY
        SELECT p.name::text, d.name, d.title, d.dims, d.filters, d.age_bands, d.period_unit, d.declared_at, d.declared_by,
               d.retired_at, (r.info_loss -> d.name ->> 'cells')::bigint, (r.info_loss -> d.name ->> 'withheld')::bigint
          FROM migstat.declared_table d
          JOIN migstat.purpose p ON p.id = d.purpose_id
          LEFT JOIN LATERAL (SELECT x.info_loss FROM migstat.programme_run x
                              WHERE x.purpose_id = d.purpose_id AND d.id = ANY (x.tables)
                              ORDER BY x.id DESC LIMIT 1) r ON true
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY p.name, d.retired_at IS NOT NULL, d.name;
END
$fn$;
