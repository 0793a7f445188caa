-- migstat.purge_plan: the dry run of a purge (administrators and auditors): for one purpose, or for
-- every purpose whose purge is due (p_due), what an executed purge would drop -- its batches, their
-- rows, its record tables -- and which declared tables it would keep, or why it would not run.
-- Reads only: it changes nothing, not even the audit log.
CREATE OR REPLACE FUNCTION migstat.purge_plan(p_purpose text DEFAULT NULL, p_due boolean DEFAULT false)
RETURNS TABLE (purpose text, status text, retain_until date, due boolean, batches integer, loaded_batches integer,
               rows_to_drop bigint, tables_to_drop text[], declared_tables_kept text[], blocker text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR migstat.caller_is('migstat_auditor')) THEN
        RAISE EXCEPTION 'permission denied: % may not plan purges', session_user USING ERRCODE = 'insufficient_privilege',
            HINT = 'administrators purge; auditors may look at the plan';
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    RETURN QUERY
        SELECT p.name::text, p.status, p.retain_until, p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date),
               (SELECT count(*)::integer FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status IN ('loading', 'loaded')),
               (SELECT count(*)::integer FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded'),
               (SELECT coalesce(sum(b.accepted), 0)::bigint FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded'),
               ARRAY(SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'migstat_data' AND c.relkind IN ('r', 'p')
                        AND (c.relname = 'purpose_' || p.id
                             OR c.relname IN (SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = p.id))
                      ORDER BY 1),
               ARRAY(SELECT d.name FROM migstat.declared_table d WHERE d.purpose_id = p.id AND d.retired_at IS NULL ORDER BY d.name),
               CASE WHEN p.status = 'purged' THEN 'already purged'
                    WHEN p.status = 'active' AND p.retain_until > current_date
                        THEN format('not due before %s: end it first (migstat purpose end)', p.retain_until) END
          FROM migstat.purpose p
         WHERE (p_purpose IS NULL OR p.name = p_purpose)
           AND (NOT coalesce(p_due, false) OR (p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date)))
         ORDER BY p.name;
END
$fn$;
