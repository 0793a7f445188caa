-- Trigger function: refuses UPDATE, DELETE and TRUNCATE on migstat.audit_log and migstat.audit_tree,
-- even for the owner.
CREATE OR REPLACE FUNCTION migstat.audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'migstat.% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON migstat.audit_log
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON migstat.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE OR REPLACE TRIGGER audit_tree_no_update BEFORE UPDATE OR DELETE ON migstat.audit_tree
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE OR REPLACE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON migstat.audit_tree
    FOR EACH STATEMENT EXECUTE FUNCTION migstat.audit_log_immutable();
