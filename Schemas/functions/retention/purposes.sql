-- migstat.purposes: every purpose, for every migstat role: its rule, the date its purge falls due,
-- its state (active, closed, purged), days left (negative: overdue; NULL once purged) and when it
-- was closed, purged and verified.
CREATE OR REPLACE FUNCTION migstat.purposes()
RETURNS TABLE (name text, description text, retention_rule text, retain_until date, rule_until date, status text,
               days_left integer, closed_at timestamptz, close_reason text, purged_at timestamptz,
               purge_verified_at timestamptz, created_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
        SELECT p.name::text, p.description, p.retention_rule, p.retain_until, p.rule_until, p.status,
               CASE WHEN p.status <> 'purged' THEN (p.retain_until - current_date) END, p.closed_at, p.close_reason,
               p.purged_at, p.purge_verified_at, p.created_at
          FROM migstat.purpose p ORDER BY p.name;
END
$fn$;
