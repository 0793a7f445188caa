-- Coverage of the nine dimensions of the Committee's paragraph 20(a) (the catalogue's
-- is_paragraph20 dimensions, in catalogue order): per source and year of event, the number of
-- records and how many of them state a value. Not stated = NULL, or one of the dimension's
-- unknown_codes in the catalogue (sex _U, nationality XXX -- XXA/XXB/XXC are stated --, reason,
-- worker_category, ethnicity, migration_status, disability UNK); _O (sex other) and NOT_WORKER
-- are stated values.
-- Disclosure control: protected like a flexible table (migstat.report). Records and stated are
-- perturbed by the cell-key method (migstat.report_perturb: the records' cell key is the sum of
-- their record keys mod 256, the stated count's that of the records with a stated value), so the
-- "not stated" complement of a small group is as noisy as any other cell; share = stated /
-- records of the perturbed numbers (at most 1; NULL when records is published as 0). Periods
-- are whole months (migstat.report_bounds). Nothing is suppressed.
-- Reads: a read number first (migstat.read_begin: log line, padding refused); the audit row
-- "coverage.run" carries "read": N.
CREATE OR REPLACE FUNCTION migstat.coverage(p_period_from date DEFAULT NULL, p_period_to date DEFAULT NULL,
                                 p_source text DEFAULT NULL)
RETURNS TABLE (source text, period text, dimension text, records bigint, stated bigint, share numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on
AS $$
#variable_conflict use_column
DECLARE
    v_src     smallint;
    v_dims    text[];
    v_counts  text;
    v_keys    text;
    v_read    bigint;
    v_plan    migstat.report_plan;
BEGIN
    PERFORM migstat.require_report_reader();
    v_read := migstat.read_begin('coverage', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                                                                'source', p_source));
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_plan.period_from := p_period_from;
    v_plan.period_to := p_period_to;
    PERFORM migstat.report_bounds(v_plan);
    IF p_source IS NOT NULL THEN
        SELECT id INTO v_src FROM migstat.source s WHERE s.name = p_source;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown source "%"', p_source USING ERRCODE = 'MS404', COLUMN = 'source';
        END IF;
    END IF;
    -- One count per dimension, its stated values (not NULL, not an unknown code), and the sum of
    -- their record keys.
    SELECT array_agg(d.name ORDER BY d.ord),
           string_agg(format('count(*) FILTER (WHERE %s)', w.cond), ', ' ORDER BY d.ord),
           string_agg(format('coalesce(sum(r.record_key) FILTER (WHERE %s), 0)', w.cond), ', ' ORDER BY d.ord)
      INTO v_dims, v_counts, v_keys
      FROM migstat.dimension d
      LEFT JOIN LATERAL (SELECT array_agg(c.id) AS ids FROM migstat.code c
                          WHERE c.dimension = d.code_list AND c.code = ANY (d.unknown_codes)) u ON true
     CROSS JOIN LATERAL (SELECT CASE WHEN u.ids IS NULL THEN format('r.%I IS NOT NULL', d.name)
                                     ELSE format('r.%I <> ALL (%L::smallint[])', d.name, u.ids) END AS cond) w
     WHERE d.is_paragraph20;
    RETURN QUERY EXECUTE format($q$
    WITH c AS (
        SELECT r.source_id, date_part('year', r.event_date)::integer AS y, count(*) AS n,
               sum(r.record_key)::bigint AS ks, ARRAY[%s] AS st, ARRAY[%s]::bigint[] AS sks
          FROM migstat.records r
         WHERE ($1 IS NULL OR r.source_id = $1)
           AND ($2 IS NULL OR r.event_date >= $2)
           AND ($3 IS NULL OR r.event_date <= $3)
         GROUP BY 1, 2
    ), x AS (
        SELECT s.name, c.y, d.ord, d.dim, migstat.report_perturb(c.n, c.ks) AS n,
               migstat.report_perturb(c.st[d.ord], c.sks[d.ord]) AS st
          FROM c
          JOIN migstat.source s ON s.id = c.source_id
         CROSS JOIN unnest($4::text[]) WITH ORDINALITY AS d(dim, ord)
    )
    SELECT x.name::text, x.y::text, x.dim::text, x.n, x.st,
           CASE WHEN x.n > 0 THEN round(least(x.st, x.n)::numeric / x.n, 4) END
      FROM x
     ORDER BY x.name, x.y, x.ord$q$, v_counts, v_keys)
    USING v_src, p_period_from, p_period_to, v_dims;
    PERFORM migstat.audit('coverage.run', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                          'source', p_source, 'method', 'cell-key', 'read', v_read));
END
$$;

-- Whether each source sent each paragraph 20(a) dimension's column, per year of event (issue 13):
-- 'yes' every batch with records of the year had the column in its file, 'no' none had it (the
-- column was not sent: its records are all "not stated" for that reason), 'partly' some did,
-- 'unknown' no batch recorded its columns (imported before migration 0011).
-- Batch metadata, not record values; the same readers as migstat.coverage. Age is sent as the age
-- column; disability as the disability column or any Washington Group column.
CREATE OR REPLACE FUNCTION migstat.coverage_sent(p_period_from date DEFAULT NULL, p_period_to date DEFAULT NULL,
                                      p_source text DEFAULT NULL)
RETURNS TABLE (source text, period text, dimension text, sent text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on
AS $$
#variable_conflict use_column
BEGIN
    PERFORM migstat.require_report_reader();
    RETURN QUERY
    WITH b AS (
        SELECT DISTINCT r.source_id, r.batch_id, date_part('year', r.event_date)::integer AS y
          FROM migstat.records r
          JOIN migstat.source s ON s.id = r.source_id
         WHERE (p_source IS NULL OR s.name = p_source)
           AND (p_period_from IS NULL OR r.event_date >= p_period_from)
           AND (p_period_to IS NULL OR r.event_date <= p_period_to)
    ), d AS (
        SELECT dd.name, dd.ord FROM migstat.dimension dd WHERE dd.is_paragraph20
    )
    SELECT s.name::text, b.y::text, d.name::text,
           CASE WHEN count(bt.columns) = 0 THEN 'unknown'
                WHEN bool_and(x.has) THEN 'yes'
                WHEN NOT bool_or(x.has) THEN 'no'
                ELSE 'partly' END
      FROM b
      JOIN migstat.source s ON s.id = b.source_id
      JOIN migstat.batch bt ON bt.id = b.batch_id
     CROSS JOIN d
     CROSS JOIN LATERAL (SELECT CASE WHEN bt.columns IS NULL THEN NULL
                                     WHEN d.name = 'disability'
                                         THEN bt.columns && ARRAY['disability', 'wg_seeing', 'wg_hearing', 'wg_mobility',
                                                                  'wg_cognition', 'wg_selfcare', 'wg_communication']
                                     ELSE d.name = ANY (bt.columns) END AS has) x
     GROUP BY s.name, b.y, d.name, d.ord
     ORDER BY s.name, b.y, d.ord;
END
$$;

-- The importer records which canonical columns a batch's file sent (migstat_loader, while the
-- batch is loading and only for the batch the caller began): read by migstat.coverage_sent.
CREATE OR REPLACE FUNCTION migstat.batch_columns(p_batch integer, p_columns text[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
BEGIN
    PERFORM migstat.require_role('migstat_loader');
    UPDATE migstat.batch SET columns = p_columns
     WHERE id = p_batch AND status = 'loading' AND imported_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % is not a loading batch of %', p_batch, session_user USING ERRCODE = 'MS404';
    END IF;
END
$$;
