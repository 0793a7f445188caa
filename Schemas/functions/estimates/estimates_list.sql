-- migstat.estimates_list: every import of estimates (one row per file), for every migstat role
-- (estimates are not personal data: counts from studies, shown in reports flagged E), optionally
-- of one purpose: id, purpose, source, file, SHA-256, number of estimates, periods covered, who
-- imported it and when, and whether it was withdrawn (who, when, why).
CREATE OR REPLACE FUNCTION migstat.estimates_list(p_purpose text DEFAULT NULL)
RETURNS TABLE (id bigint, purpose text, source text, file_name text, sha256 text, estimates integer,
               period_from date, period_to date, status text, imported_at timestamptz, imported_by name,
               withdrawn_at timestamptz, withdrawn_by name, withdraw_reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege',
            HINT = format('an administrator can run: migstat access grant %s analyst', session_user);
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'migstat purpose list shows the declared purposes';
    END IF;
    RETURN QUERY
        SELECT f.id, p.name::text, s.name::text, f.file_name, f.sha256, f.estimates,
               (SELECT min(e.period_from) FROM migstat.estimate e WHERE e.file_id = f.id),
               (SELECT max(e.period_to) FROM migstat.estimate e WHERE e.file_id = f.id),
               f.status, f.imported_at, f.imported_by, f.withdrawn_at, f.withdrawn_by, f.withdraw_reason
          FROM migstat.estimate_file f
          JOIN migstat.purpose p ON p.id = f.purpose_id
          JOIN migstat.source s ON s.id = f.source_id
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY f.id;
END
$fn$;
