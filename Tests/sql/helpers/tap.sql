-- Included first (\ir ../helpers/tap.sql) by every pgTAP file of Tests/sql. pgTAP is installed by
-- the superuser in its own schema `tap` (USAGE for PUBLIC), so it adds nothing to schemas migstat
-- and migstat_data; its functions call each other unqualified, hence the search_path. migstat's
-- own functions pin their search_path, so this changes nothing for them.
SET search_path = public, tap;
SET client_min_messages = warning;

-- pg_temp.denied(sql, description): one pgTAP check for a forbidden read or change. Passes when sql
-- fails with SQLSTATE 42501, or succeeds without returning or affecting a single row (row-level
-- security is forced on the record tables, so a grant that slips in still yields nothing). Any
-- other error, or a row, fails the check and the diagnostic says which.
CREATE FUNCTION pg_temp.denied(p_sql text, p_description text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_rows bigint;
BEGIN
    BEGIN
        EXECUTE p_sql;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
    EXCEPTION
        WHEN insufficient_privilege THEN
            RETURN tap.ok(true, p_description);
        WHEN OTHERS THEN
            RETURN tap.ok(false, p_description) || E'\n'
                || tap.diag('    failed with SQLSTATE ' || SQLSTATE || ' (want 42501 or no row): ' || SQLERRM);
    END;
    IF v_rows = 0 THEN
        RETURN tap.ok(true, p_description);
    END IF;
    RETURN tap.ok(false, p_description) || E'\n'
        || tap.diag('    succeeded and returned or affected ' || v_rows || ' row(s)');
END
$$;
