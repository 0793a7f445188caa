-- Logins that can connect to this database and could escalate past migstat's roles: CREATEROLE (in
-- PostgreSQL 15 it can grant itself migstat_owner), REPLICATION (streams every row), or membership
-- in pg_read_all_data, pg_write_all_data, pg_execute_server_program, pg_read_server_files,
-- pg_write_server_files, or in migstat_pgaudit (migstat.escalation_reasons). Superusers are trusted (Docs/GUARANTEES.md, Assumptions) and not listed.
-- migstat.access_grant refuses such logins; db init and access list warn by name. Admins, auditors.
CREATE OR REPLACE FUNCTION migstat.audit_escalation_risks() RETURNS TABLE (login name, reasons text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
BEGIN
    IF NOT (pg_has_role(session_user, 'migstat_admin', 'MEMBER') OR pg_has_role(session_user, 'migstat_auditor', 'MEMBER')
            OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: requires migstat_admin or migstat_auditor' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT x.rolname, x.reasons FROM (
        SELECT r.rolname, migstat.escalation_reasons(r.oid) AS reasons
          FROM pg_roles r
         WHERE r.rolcanlogin AND NOT r.rolsuper
           AND has_database_privilege(r.oid, current_database(), 'CONNECT')) x
     WHERE cardinality(x.reasons) > 0
     ORDER BY x.rolname;
END
$$;
