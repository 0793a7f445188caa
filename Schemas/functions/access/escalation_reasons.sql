-- Why a role could escalate past migstat's roles, or an empty array: CREATEROLE (in PostgreSQL 15 it
-- can grant itself migstat_owner), REPLICATION (streams every row), membership in pg_read_all_data,
-- pg_write_all_data, pg_execute_server_program, pg_read_server_files, pg_write_server_files (every
-- table or the server's files), or in migstat_pgaudit (pgaudit's audit role, which holds every
-- privilege on record storage: migration 0010). The one list that access_grant refuses by and
-- audit_escalation_risks reports; granted to nobody (both are SECURITY DEFINER).
CREATE OR REPLACE FUNCTION migstat.escalation_reasons(p_role oid) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT array_remove(ARRAY[
               CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END,
               CASE WHEN r.rolreplication THEN 'REPLICATION' END]
             || ARRAY(SELECT 'member of ' || g FROM unnest(ARRAY['pg_read_all_data', 'pg_write_all_data',
                           'pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files']) g
                       WHERE pg_has_role(r.oid, g, 'MEMBER'))
             || ARRAY(SELECT 'member of migstat_pgaudit' FROM pg_roles a
                       WHERE a.rolname = 'migstat_pgaudit' AND pg_has_role(r.oid, a.oid, 'MEMBER')), NULL)
      FROM pg_roles r
     WHERE r.oid = p_role
$$;
