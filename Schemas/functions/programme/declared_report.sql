-- migstat.declared_report: one declared table of a purpose's output programme, with exact counts
-- (analysts, stewards, administrators; the same columns as migstat.report), from the latest
-- release of the purpose's programme that contains the table (migstat.programme_release). The
-- programme is protected as a whole (migstat.programme_compute): the same cell has the same value
-- and status in every declared table of a release. A withheld cell has obs_value NULL and conf_status C,
-- whichever way it was withheld (primary or secondary: only stewards and auditors learn which,
-- through migstat.table_audit). The dimensions are the table's, in declared order ('period' last).
-- The call is a read: it draws a read number first (migstat.read_begin), and is refused in a
-- transaction that has written anything.
CREATE OR REPLACE FUNCTION migstat.declared_report(p_purpose text, p_table text)
RETURNS TABLE (cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
               upper_bound numeric, is_estimate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
#variable_conflict use_column
DECLARE
    v_read  bigint;
    v_p     migstat.purpose;
    v_t     migstat.declared_table;
    v_run   bigint;
BEGIN
    PERFORM migstat.require_report_reader();
    v_read := migstat.read_begin('declared_report', jsonb_build_object('purpose', p_purpose, 'table', p_table));
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v_t FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_table AND d.retired_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" has no declared table "%"', p_purpose, p_table USING ERRCODE = 'MS404',
            HINT = coalesce('its tables: ' || (SELECT string_agg(d.name, ', ' ORDER BY d.name) FROM migstat.declared_table d
                                               WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL),
                            'it has none: a steward or administrator declares them (migstat tables declare)');
    END IF;
    v_run := migstat.programme_latest(v_p.id, v_t.id);
    RETURN QUERY
        SELECT c.cell_dims, CASE WHEN c.status = 'F' THEN c.v END, 'A'::text,
               CASE WHEN c.status = 'F' THEN 'F' ELSE 'C' END::text, NULL::numeric, NULL::numeric, false
          FROM migstat.programme_table_cells(v_run, v_t.id) c;
    PERFORM migstat.audit('report.declared', jsonb_build_object('table', p_table, 'run', v_run, 'read', v_read), v_p.id);
END
$fn$;
