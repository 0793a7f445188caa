-- migstat.purpose_extend: moves an active purpose's retention date later (administrators). Beyond
-- the date its rule gave when it was declared (rule_until) only with a reason, which is recorded
-- (audit purpose.extend). Never for a closed or purged purpose.
CREATE OR REPLACE FUNCTION migstat.purpose_extend(p_purpose text, p_until date, p_reason text DEFAULT NULL)
RETURNS migstat.purpose
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
        RAISE EXCEPTION 'purpose "%" is %: its retention cannot be extended', p_purpose, v.status USING ERRCODE = 'MS410';
    END IF;
    IF p_until IS NULL OR p_until <= v.retain_until THEN
        RAISE EXCEPTION 'the new date % is not after the current retention date %', p_until, v.retain_until
            USING ERRCODE = 'invalid_parameter_value', HINT = 'to bring the end forward: migstat purpose end';
    END IF;
    IF p_until > v.rule_until AND coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'extending purpose "%" to % goes past its rule "%" (%): a reason is required', p_purpose, p_until,
            v.retention_rule, v.rule_until USING ERRCODE = 'invalid_parameter_value', HINT = '--reason TEXT';
    END IF;
    UPDATE migstat.purpose SET retain_until = p_until WHERE id = v.id RETURNING * INTO v;
    PERFORM migstat.audit('purpose.extend', jsonb_build_object('purpose', v.name, 'retain_until', p_until,
                          'rule', v.retention_rule, 'rule_until', v.rule_until, 'beyond_rule', p_until > v.rule_until,
                          'reason', nullif(btrim(p_reason), '')), v.id);
    RETURN v;
END
$fn$;
