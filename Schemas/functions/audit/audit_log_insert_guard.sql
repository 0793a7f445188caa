-- Trigger function: audit rows come only from migstat.audit (SECURITY DEFINER, runs as migstat_owner). No role
-- holds INSERT, but members of pg_write_all_data (or a grant that slips in) could append forged
-- rows; refuse any INSERT not made as migstat_owner.
CREATE OR REPLACE FUNCTION migstat.audit_log_insert_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF current_user <> 'migstat_owner' THEN
        RAISE EXCEPTION 'migstat.audit_log is written only by migstat functions' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER audit_log_insert_guard BEFORE INSERT ON migstat.audit_log
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
