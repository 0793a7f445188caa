-- Coverage of the nine dimensions of the Committee's paragraph 20(a): per source and year of
-- event, the number of records and how many of them state a value. Not stated = NULL, or an
-- explicit unknown code: sex _U, nationality XXX (unspecified; XXA/XXB/XXC are stated), reason,
-- worker_category, ethnicity, migration_status, disability UNK. _O (sex other) and NOT_WORKER
-- are stated values. Disclosure control: records below the threshold K are suppressed together
-- with the row's stated and share; stated in 1..K-1 (K = threshold_special for ethnicity,
-- disability and migration_status) is suppressed, and its share with it.
CREATE OR REPLACE FUNCTION migstat.coverage(p_period_from date DEFAULT NULL, p_period_to date DEFAULT NULL,
                                 p_source text DEFAULT NULL)
RETURNS TABLE (source text, period text, dimension text, records bigint, stated bigint, share numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on
AS $$
#variable_conflict use_column
DECLARE
    v_src   smallint;
    v_k     integer := migstat.report_threshold(false, NULL);
    v_ks    integer := migstat.report_threshold(true, NULL);
    u_sex   integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'sex' AND code = '_U');
    u_nat   integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'country' AND code = 'XXX');
    u_rea   integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'reason' AND code = 'UNK');
    u_wc    integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'worker_category' AND code = 'UNK');
    u_eth   integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'ethnicity' AND code = 'UNK');
    u_ms    integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'migration_status' AND code = 'UNK');
    u_dis   integer[] := ARRAY(SELECT id FROM migstat.code WHERE dimension = 'disability' AND code = 'UNK');
BEGIN
    PERFORM migstat.require_report_reader();
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_source IS NOT NULL THEN
        SELECT id INTO v_src FROM migstat.source s WHERE s.name = p_source;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown source "%"', p_source USING ERRCODE = 'MS404';
        END IF;
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT r.source_id, date_part('year', r.event_date)::integer AS y, count(*) AS n,
               count(*) FILTER (WHERE r.sex <> ALL (u_sex)) AS sex,
               count(r.age) AS age,
               count(*) FILTER (WHERE r.nationality <> ALL (u_nat)) AS nationality,
               count(*) FILTER (WHERE r.reason <> ALL (u_rea)) AS reason,
               count(r.occupation) AS occupation,
               count(*) FILTER (WHERE r.worker_category <> ALL (u_wc)) AS worker_category,
               count(*) FILTER (WHERE r.ethnicity <> ALL (u_eth)) AS ethnicity,
               count(*) FILTER (WHERE r.migration_status <> ALL (u_ms)) AS migration_status,
               count(*) FILTER (WHERE r.disability <> ALL (u_dis)) AS disability
          FROM migstat.records r
         WHERE (v_src IS NULL OR r.source_id = v_src)
           AND (p_period_from IS NULL OR r.event_date >= p_period_from)
           AND (p_period_to IS NULL OR r.event_date <= p_period_to)
         GROUP BY 1, 2
    ), x AS (
        SELECT s.name, c.y, d.ord, d.dim, c.n, d.st,
               c.n >= v_k AS n_ok,
               c.n >= v_k AND (d.st = 0 OR d.st >= CASE WHEN d.special THEN v_ks ELSE v_k END) AS st_ok
          FROM c
          JOIN migstat.source s ON s.id = c.source_id
         CROSS JOIN LATERAL (VALUES (1, 'sex', c.sex, false), (2, 'age', c.age, false),
                                    (3, 'nationality', c.nationality, false), (4, 'reason', c.reason, false),
                                    (5, 'occupation', c.occupation, false), (6, 'worker_category', c.worker_category, false),
                                    (7, 'ethnicity', c.ethnicity, true), (8, 'migration_status', c.migration_status, true),
                                    (9, 'disability', c.disability, true)) AS d(ord, dim, st, special)
    )
    SELECT x.name::text, x.y::text, x.dim::text,
           CASE WHEN x.n_ok THEN x.n END,
           CASE WHEN x.st_ok THEN x.st END,
           CASE WHEN x.st_ok THEN round(x.st::numeric / x.n, 4) END
      FROM x
     ORDER BY x.name, x.y, x.ord;
    PERFORM migstat.audit('coverage.run', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                          'source', p_source));
END
$$;
