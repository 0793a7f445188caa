-- migstat.purge_due_receipt: the first receipt of a purge (internal): the purpose's purge falls due
-- (its retention date has come, or it was ended). Written once per purpose (audit purge.due):
-- purpose, rule, date, its batches with their SHA-256 and row counts. Returns whether it wrote one.
CREATE OR REPLACE FUNCTION migstat.purge_due_receipt(p_purpose_id smallint) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE id = p_purpose_id;
    IF EXISTS (SELECT 1 FROM migstat.audit_log WHERE action = 'purge.due' AND purpose_id = p_purpose_id) THEN
        RETURN false;
    END IF;
    PERFORM migstat.audit('purge.due', jsonb_build_object(
        'purpose', v.name, 'retention_rule', v.retention_rule, 'retain_until', v.retain_until, 'status', v.status,
        'batches', coalesce((SELECT jsonb_agg(jsonb_build_object('batch', b.id, 'sha256', b.sha256, 'status', b.status,
                                                                   'rows', b.accepted) ORDER BY b.id)
                               FROM migstat.batch b WHERE b.purpose_id = v.id), '[]')), v.id);
    RETURN true;
END
$fn$;
