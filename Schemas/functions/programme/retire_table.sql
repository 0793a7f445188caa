-- migstat.retire_table: takes a table out of a purpose's output programme (stewards of the purpose,
-- administrators). The row stays (with who retired it and when): a published table's definition is
-- part of the record of what was released. The next programme run protects the remaining tables.
CREATE OR REPLACE FUNCTION migstat.retire_table(p_purpose text, p_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_p  migstat.purpose;
    v_id integer;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not retire tables of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its programme is frozen', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    UPDATE migstat.declared_table SET retired_at = now(), retired_by = session_user
     WHERE purpose_id = v_p.id AND name = p_name AND retired_at IS NULL
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'purpose "%" has no active table "%"', p_purpose, p_name USING ERRCODE = 'MS404';
    END IF;
    PERFORM migstat.audit('table.retire', jsonb_build_object('table', p_name), v_p.id);
END
$fn$;
