-- Trigger function: audit rows come only from migstat.audit and migstat.audit_seal (SECURITY
-- DEFINER, run as migstat_owner). No role holds INSERT, but members of pg_write_all_data (or a grant
-- that slips in) could append forged rows; refuse any change of migstat.audit_log, audit_tree or
-- audit_pending not made as migstat_owner.
CREATE OR REPLACE FUNCTION migstat.audit_log_insert_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF current_user <> 'migstat_owner' THEN
        RAISE EXCEPTION 'migstat.% is written only by migstat functions', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE OR REPLACE TRIGGER audit_log_insert_guard BEFORE INSERT ON migstat.audit_log
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
CREATE OR REPLACE TRIGGER audit_tree_insert_guard BEFORE INSERT ON migstat.audit_tree
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
CREATE OR REPLACE TRIGGER audit_pending_guard BEFORE INSERT OR UPDATE OR DELETE ON migstat.audit_pending
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
