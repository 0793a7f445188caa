-- migstat.purpose_end: the purpose is achieved before its retention date (administrators): it is
-- closed now (no new batches; reports and extracts still work) and its purge falls due today. The
-- reason is recorded, with a receipt that the purge fell due (audit purge.due).
CREATE OR REPLACE FUNCTION migstat.purpose_end(p_purpose text, p_reason text) RETURNS migstat.purpose
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v migstat.purpose;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF v.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is already %', p_purpose, v.status USING ERRCODE = 'MS410';
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'ending purpose "%" needs a reason', p_purpose USING ERRCODE = 'invalid_parameter_value',
            HINT = 'say why the purpose of collection is achieved: --reason TEXT';
    END IF;
    UPDATE migstat.purpose SET status = 'closed', closed_at = now(), closed_by = session_user, close_reason = btrim(p_reason),
                               retain_until = least(retain_until, current_date)
     WHERE id = v.id RETURNING * INTO v;
    PERFORM migstat.audit('purpose.end', jsonb_build_object('purpose', v.name, 'reason', v.close_reason,
                          'retain_until', v.retain_until), v.id);
    PERFORM migstat.purge_due_receipt(v.id);
    RETURN v;
END
$fn$;
