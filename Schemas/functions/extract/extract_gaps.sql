-- Extract numbers drawn but without a committed audit row (rolled back or failed after the
-- checks, or skipped by a crash): each is to be matched against the server log line
-- "migstat: extract #n ...". Auditors only.
CREATE OR REPLACE FUNCTION migstat.extract_gaps() RETURNS TABLE (extract_no bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_last   bigint;
    v_called boolean;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT s.last_value, s.is_called INTO v_last, v_called FROM migstat.extract_seq s;
    RETURN QUERY
    SELECT g.n FROM generate_series(1::bigint, CASE WHEN v_called THEN v_last ELSE 0 END) AS g(n)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_log a
                        WHERE a.action = 'extract' AND a.details ->> 'extract_no' = g.n::text)
     ORDER BY g.n;
END
$$;
