-- Coverage of the nine dimensions of the Committee's paragraph 20(a) (the catalogue's
-- is_paragraph20 dimensions, in catalogue order): per source and year of event, the number of
-- records and how many of them state a value. Not stated = NULL, or one of the dimension's
-- unknown_codes in the catalogue (sex _U, nationality XXX -- XXA/XXB/XXC are stated --, reason,
-- worker_category, ethnicity, migration_status, disability UNK); _O (sex other) and NOT_WORKER
-- are stated values. Disclosure control: records below the threshold K are suppressed together
-- with the row's stated and share; stated in 1..K-1 (K = threshold_special for the special
-- categories) is suppressed, and its share with it.
CREATE OR REPLACE FUNCTION migstat.coverage(p_period_from date DEFAULT NULL, p_period_to date DEFAULT NULL,
                                 p_source text DEFAULT NULL)
RETURNS TABLE (source text, period text, dimension text, records bigint, stated bigint, share numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on
AS $$
#variable_conflict use_column
DECLARE
    v_src     smallint;
    v_k       integer := migstat.report_threshold(false, NULL);
    v_ks      integer := migstat.report_threshold(true, NULL);
    v_dims    text[];
    v_special boolean[];
    v_counts  text;
BEGIN
    PERFORM migstat.require_report_reader();
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_source IS NOT NULL THEN
        SELECT id INTO v_src FROM migstat.source s WHERE s.name = p_source;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown source "%"', p_source USING ERRCODE = 'MS404', COLUMN = 'source';
        END IF;
    END IF;
    -- One count per dimension: its stated values (not NULL, not an unknown code).
    SELECT array_agg(d.name ORDER BY d.ord), array_agg(d.is_special_category ORDER BY d.ord),
           string_agg(CASE WHEN u.ids IS NULL THEN format('count(r.%I)', d.name)
                           ELSE format('count(*) FILTER (WHERE r.%I <> ALL (%L::smallint[]))', d.name, u.ids) END,
                      ', ' ORDER BY d.ord)
      INTO v_dims, v_special, v_counts
      FROM migstat.dimension d
      LEFT JOIN LATERAL (SELECT array_agg(c.id) AS ids FROM migstat.code c
                          WHERE c.dimension = d.code_list AND c.code = ANY (d.unknown_codes)) u ON true
     WHERE d.is_paragraph20;
    RETURN QUERY EXECUTE format($q$
    WITH c AS (
        SELECT r.source_id, date_part('year', r.event_date)::integer AS y, count(*) AS n, ARRAY[%s] AS st
          FROM migstat.records r
         WHERE ($1 IS NULL OR r.source_id = $1)
           AND ($2 IS NULL OR r.event_date >= $2)
           AND ($3 IS NULL OR r.event_date <= $3)
         GROUP BY 1, 2
    ), x AS (
        SELECT s.name, c.y, d.ord, d.dim, c.n, c.st[d.ord] AS st,
               c.n >= $4 AS n_ok,
               c.n >= $4 AND (c.st[d.ord] = 0 OR c.st[d.ord] >= CASE WHEN d.special THEN $5 ELSE $4 END) AS st_ok
          FROM c
          JOIN migstat.source s ON s.id = c.source_id
         CROSS JOIN unnest($6::text[], $7::boolean[]) WITH ORDINALITY AS d(dim, special, ord)
    )
    SELECT x.name::text, x.y::text, x.dim::text,
           CASE WHEN x.n_ok THEN x.n END,
           CASE WHEN x.st_ok THEN x.st END,
           CASE WHEN x.st_ok THEN round(x.st::numeric / x.n, 4) END
      FROM x
     ORDER BY x.name, x.y, x.ord$q$, v_counts)
    USING v_src, p_period_from, p_period_to, v_k, v_ks, v_dims, v_special;
    PERFORM migstat.audit('coverage.run', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                          'source', p_source));
END
$$;
