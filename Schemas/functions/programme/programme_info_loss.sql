-- migstat.programme_info_loss: what the protection of a purpose's output programme costs, per
-- declared table of its latest release (stewards, auditors, administrators): cells (zero
-- cells included), non-zero cells, withheld cells, withheld cells that are not margins and their
-- total value, and the table's total.
CREATE OR REPLACE FUNCTION migstat.programme_info_loss(p_purpose text)
RETURNS TABLE (name text, cells bigint, nonzero bigint, withheld bigint, withheld_interior bigint, withheld_value bigint,
               total bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
DECLARE
    v_p    migstat.purpose;
    v_run  bigint;
BEGIN
    IF NOT (migstat.caller_is('migstat_steward') OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % may not see the information loss of programmes', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    v_run := migstat.programme_latest(v_p.id);
    RETURN QUERY
        SELECT l.key, (l.value ->> 'cells')::bigint, (l.value ->> 'nonzero')::bigint, (l.value ->> 'withheld')::bigint,
               (l.value ->> 'withheld_interior')::bigint, (l.value ->> 'withheld_value')::bigint, (l.value ->> 'total')::bigint
          FROM migstat.programme_run r CROSS JOIN LATERAL jsonb_each(r.info_loss) l
         WHERE r.id = v_run
         ORDER BY l.key;
END
$fn$;
