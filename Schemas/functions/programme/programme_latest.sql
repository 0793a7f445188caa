-- migstat.programme_latest: the latest release of a purpose's programme that contains the given
-- declared table (any table: NULL), or SQLSTATE MS404 saying it has not been released (internal).
CREATE OR REPLACE FUNCTION migstat.programme_latest(p_purpose_id smallint, p_table integer DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_run bigint;
BEGIN
    SELECT r.id INTO v_run FROM migstat.programme_run r
     WHERE r.purpose_id = p_purpose_id AND (p_table IS NULL OR p_table = ANY (r.tables))
     ORDER BY r.id DESC LIMIT 1;
    IF v_run IS NULL THEN
        RAISE EXCEPTION '% of purpose "%" has not been released yet',
            coalesce(format('table "%s"', (SELECT name FROM migstat.declared_table WHERE id = p_table)), 'the programme'),
            (SELECT name FROM migstat.purpose WHERE id = p_purpose_id)
            USING ERRCODE = 'MS404',
                  HINT = 'a steward of the purpose or an administrator releases it: migstat tables release --purpose '
                         || (SELECT name FROM migstat.purpose WHERE id = p_purpose_id);
    END IF;
    RETURN v_run;
END
$fn$;
