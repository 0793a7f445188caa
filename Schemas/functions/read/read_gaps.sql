-- Read numbers (migstat.read_seq, drawn first by every report, coverage, extract and declared
-- report call, see migstat.read_begin) without a committed audit row whose details carry
-- "read": N: calls that were rolled back, cancelled (statement_timeout, pg_cancel_backend), failed
-- or refused (bad parameters, bounds, padding). Each is to be looked up in the server log, line
-- "migstat read N: user=... call=... args=...". Auditors only.
CREATE OR REPLACE FUNCTION migstat.read_gaps() RETURNS TABLE (read_no bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_last   bigint;
    v_called boolean;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT s.last_value, s.is_called INTO v_last, v_called FROM migstat.read_seq s;
    RETURN QUERY
    SELECT g.n FROM generate_series(1::bigint, CASE WHEN v_called THEN v_last ELSE 0 END) AS g(n)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_log a
                        WHERE a.details ? 'read' AND a.details ->> 'read' = g.n::text)
     ORDER BY g.n;
END
$$;
