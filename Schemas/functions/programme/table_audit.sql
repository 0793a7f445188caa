-- migstat.table_audit: the withheld cells of a declared table in the latest release of its programme
-- (stewards of the purpose and auditors only: which cells were primary is known nowhere else):
-- true value, primary or secondary, and for a primary cell the interval its hypercube certificate
-- proves (programme_compute): whoever knows every published cell of the programme, additivity,
-- whole numbers >= 0 and withheld cells >= 1 cannot exclude any value in it. upper_bound NULL =
-- unbounded. The attacker's LP interval contains it (Tests/disclosure checks that with an LP).
CREATE OR REPLACE FUNCTION migstat.table_audit(p_purpose text, p_table text)
RETURNS TABLE (cell_dims text[], value bigint, status text, lower_bound bigint, upper_bound bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
DECLARE
    v_p    migstat.purpose;
    v_t    migstat.declared_table;
    v_run  bigint;
    v_cert jsonb;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT (migstat.caller_is('migstat_auditor')
            OR (migstat.caller_is('migstat_steward') AND migstat.caller_is(migstat.compartment_role(v_p.name, 'read')))) THEN
        RAISE EXCEPTION 'permission denied: only auditors and the stewards of purpose "%" see how its tables are protected', p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_t FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_table AND d.retired_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" has no declared table "%"', p_purpose, p_table USING ERRCODE = 'MS404';
    END IF;
    v_run := migstat.programme_latest(v_p.id, v_t.id);
    v_cert := (SELECT r.method -> 'certificates' FROM migstat.programme_run r WHERE r.id = v_run);
    RETURN QUERY
        SELECT c.cell_dims, c.v, CASE c.status WHEN 'A' THEN 'primary' ELSE 'secondary' END,
               CASE WHEN c.status = 'A' THEN c.v - (v_cert -> c.k::text ->> 'down')::bigint END,
               CASE WHEN c.status = 'A' THEN c.v + (v_cert -> c.k::text ->> 'up')::bigint END
          FROM migstat.programme_table_cells(v_run, v_t.id) c
         WHERE c.status IN ('A', 'D');
    PERFORM migstat.audit('table.audit', jsonb_build_object('table', p_table, 'run', v_run), v_p.id);
END
$fn$;
