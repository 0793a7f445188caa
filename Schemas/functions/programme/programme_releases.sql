-- migstat.programme_releases: the releases of the output programmes (every report reader and
-- auditor): when, by whom, which tables, how many batches it covers, how long the protection took, and whether the purpose's loaded batches have changed since (stale).
CREATE OR REPLACE FUNCTION migstat.programme_releases(p_purpose text DEFAULT NULL)
RETURNS TABLE (purpose text, run bigint, released_at timestamptz, released_by name, tables text[], batches integer,
               stale boolean, seconds numeric)
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
        SELECT p.name::text, r.id, r.computed_at, r.computed_by,
               ARRAY(SELECT d.name FROM migstat.declared_table d WHERE d.id = ANY (r.tables) ORDER BY d.id),
               cardinality(r.batches),
               r.batches IS DISTINCT FROM ARRAY(SELECT b.id FROM migstat.batch b
                                                 WHERE b.purpose_id = r.purpose_id AND b.status = 'loaded' ORDER BY b.id),
               r.seconds
          FROM migstat.programme_run r JOIN migstat.purpose p ON p.id = r.purpose_id
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY p.name, r.id;
END
$fn$;
