-- migstat.purge_status: whether retention is being kept (every migstat role but loaders): one row
-- per problem or fact, with ok = false for a problem -- a purpose past due and not purged, a purge
-- not verified, no due-purge run recorded within setting purge_check_hours while a schedule is
-- registered (or ever), the last run's failures -- and the facts (last run, schedule, next due).
-- `migstat purge status` exits non-zero when any row has ok = false.
CREATE OR REPLACE FUNCTION migstat.purge_status()
RETURNS TABLE (ok boolean, item text, purpose text, detail text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
DECLARE
    v_last     migstat.purge_check;
    v_sched    text := coalesce((SELECT value FROM migstat.setting WHERE key = 'purge_schedule'), '');
    v_hours    integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'purge_check_hours'), 26);
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % may not read the purge status', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_last FROM migstat.purge_check ORDER BY id DESC LIMIT 1;
    RETURN QUERY
        SELECT false, 'overdue'::text, p.name::text,
               format('due %s (%s), %s; not purged', p.retain_until, p.retention_rule, p.status)
          FROM migstat.purpose p
         WHERE p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until < current_date)
         ORDER BY p.name;
    RETURN QUERY
        SELECT false, 'unverified'::text, p.name::text, format('purged %s; its verification has not succeeded', g.executed_at)
          FROM migstat.purge g JOIN migstat.purpose p ON p.id = g.purpose_id
         WHERE g.verified_at IS NULL;
    IF v_last.id IS NULL THEN
        RETURN QUERY SELECT v_sched = '', 'last run'::text, NULL::text,
            CASE WHEN v_sched = '' THEN 'no due-purge run recorded, no schedule registered (migstat purge schedule)'
                 ELSE format('schedule "%s" registered, but no due-purge run was ever recorded', v_sched) END;
    ELSE
        RETURN QUERY SELECT v_last.at > clock_timestamp() - make_interval(hours => v_hours), 'last run'::text, NULL::text,
            format('%s by %s: due %s, purged %s%s', v_last.at, v_last.run_by, coalesce(nullif(array_to_string(v_last.due, ', '), ''), 'none'),
                   coalesce(nullif(array_to_string(v_last.purged, ', '), ''), 'none'),
                   CASE WHEN v_last.at <= clock_timestamp() - make_interval(hours => v_hours)
                        THEN format(' -- older than %s hours: the scheduler has not run when it should have', v_hours) ELSE '' END);
        RETURN QUERY SELECT false, 'failed'::text, f.key, f.value #>> '{}' FROM jsonb_each(v_last.failed) f;
    END IF;
    RETURN QUERY SELECT true, 'schedule'::text, NULL::text, coalesce(nullif(v_sched, ''), 'none registered');
    RETURN QUERY
        SELECT true, 'next due'::text, p.name::text, format('%s (%s days)', p.retain_until, p.retain_until - current_date)
          FROM migstat.purpose p WHERE p.status = 'active' AND p.retain_until >= current_date
         ORDER BY p.retain_until, p.name LIMIT 3;
END
$fn$;
