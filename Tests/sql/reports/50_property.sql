-- Randomized property check (seeded): 5 random data sets in purpose "prop" x 10 random tables
-- each. For every table (t.check_report): the counts equal the GROUP BY CUBE reference, every
-- published cell is 0 or >= K, A exactly on the cells of 1..K-1, no additive relation with
-- exactly one suppressed cell; and a second run under other planner settings (no hash
-- aggregation, no parallel workers, tiny work_mem, and secondary suppression through relation
-- indexes as on large tables, or not) gives the identical table, row for row.
\ir ../helpers/tap.sql
SELECT plan(50);

CREATE FUNCTION t.random_table(p_dataset integer, p_table integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_pool    text[] := ARRAY['direction', 'sex', 'age', 'nationality', 'reason', 'migration_status', 'region',
                              'disability', 'occupation', 'period'];
    v_dims    text[];
    v_unit    text;
    v_bands   text;
    v_level   integer;
    v_thr     integer;
    v_filters jsonb := '{"purpose": ["prop"]}';
    v_count   text;
    v_k       integer;
    v_check   text[];
    v_first   text;
    v_second  text;
    v_name    text;
BEGIN
    v_dims := (SELECT array_agg(x ORDER BY random()) FROM unnest(v_pool) x);
    v_dims := v_dims[1:1 + floor(random() * 4)::integer];
    IF 'period' = ANY (v_dims) THEN
        v_unit := (ARRAY['year', 'quarter', 'month'])[1 + floor(random() * 3)::integer];
    END IF;
    v_bands := (ARRAY[NULL, NULL, '0-17,18-34,35-64,65+', '0-14,15,16-24,25+'])[1 + floor(random() * 4)::integer];
    v_level := 1 + floor(random() * 2)::integer;
    v_thr := (ARRAY[NULL, NULL, NULL, 3, 8, 15])[1 + floor(random() * 6)::integer];
    IF random() < 0.35 THEN
        v_filters := v_filters || (ARRAY['{"sex": ["F", "M"]}', '{"nationality": ["UZB", "TJK", "KAZ"]}',
                                         '{"direction": ["IN"]}', '{"disability": ["DIS", "NODIS", "_Z"]}'])
                                  [1 + floor(random() * 4)::integer]::jsonb;
    END IF;
    v_count := CASE WHEN random() < 0.3 THEN 'persons' ELSE 'records' END;
    v_k := greatest(coalesce(v_thr, 0),
                    CASE WHEN v_dims && ARRAY['ethnicity', 'disability', 'migration_status']
                           OR v_filters ? 'disability' THEN 10 ELSE 5 END);
    v_name := format('random table %s.%s: %s%s K=%s %s%s', p_dataset, p_table, array_to_string(v_dims, ' x '),
                     coalesce(' by ' || v_unit, ''), v_k, v_count,
                     CASE WHEN v_filters ? 'purpose' AND (SELECT count(*) FROM jsonb_object_keys(v_filters)) > 1
                          THEN ' filtered' ELSE '' END);
    v_check := t.report_problems(v_k, v_dims, v_filters, NULL, NULL, v_unit, v_bands, v_thr, v_count, v_level);
    v_first := (SELECT string_agg(r.cell_dims::text || '=' || coalesce(r.obs_value::text, r.conf_status), ' ' ORDER BY n)
                  FROM migstat.report_exact(v_dims, v_filters, NULL, NULL, v_unit, v_bands, v_thr, v_count, v_level)
                       WITH ORDINALITY AS r(cell_dims, obs_value, obs_status, conf_status, lower_bound, upper_bound, is_estimate, n));
    PERFORM set_config('enable_hashagg', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),
            set_config('work_mem', '64kB', true);
    -- and the other way of finding the relations (relation indexes or whole-table passes)
    UPDATE migstat.setting SET value = CASE value WHEN '0' THEN '50000' ELSE '0' END WHERE key = 'report_index_cells';
    v_second := (SELECT string_agg(r.cell_dims::text || '=' || coalesce(r.obs_value::text, r.conf_status), ' ' ORDER BY n)
                   FROM migstat.report_exact(v_dims, v_filters, NULL, NULL, v_unit, v_bands, v_thr, v_count, v_level)
                        WITH ORDINALITY AS r(cell_dims, obs_value, obs_status, conf_status, lower_bound, upper_bound, is_estimate, n));
    PERFORM set_config('enable_hashagg', 'on', true), set_config('max_parallel_workers_per_gather', '2', true),
            set_config('work_mem', '64MB', true);
    IF v_first IS DISTINCT FROM v_second THEN
        v_check := v_check || 'a second run gave another table'::text;
    END IF;
    RETURN t.tap_problems(v_name, v_check);
END
$$;

CREATE FUNCTION t.random_dataset(p_dataset integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_n integer := 300 + floor(random() * 1200)::integer;
BEGIN
    RETURN t.add_batch('prop-src', 'prop', format($q$
        SELECT i, 'p%1$s-' || i, DATE '2022-01-01' + floor(random() * 900)::integer,
               t.id('direction', (ARRAY['IN', 'OUT'])[1 + floor(random() * 2)::integer]),
               t.id('sex', CASE WHEN x < 0.45 THEN 'F' WHEN x < 0.95 THEN 'M' WHEN x < 0.98 THEN '_O' ELSE '_U' END),
               CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() ^ 1.5 * 90)::integer END,
               t.id('nationality', (ARRAY['UZB', 'TJK', 'KAZ', 'RUS', 'KGZ', 'CHN', 'AFG', 'TUR'])[1 + floor(8 * random() ^ 2)::integer]),
               NULL,
               CASE WHEN random() < 0.1 THEN NULL ELSE 1 + floor(9 * random() ^ 2)::integer END,
               CASE WHEN random() < 0.1 THEN NULL ELSE 1 + floor(7 * random() ^ 2)::integer END,
               t.id('occupation', (ARRAY[NULL, NULL, '7112', '9313', '2211', '5120', '2', '71'])[1 + floor(random() * 8)::integer]),
               NULL, NULL,
               1 + floor(6 * random() ^ 3)::integer,
               CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(3 * random() ^ 2)::integer END,
               CASE WHEN random() < 0.05 THEN NULL
                    ELSE sha256(convert_to('p%1$s-' || floor(random() * %2$s * 0.6)::integer, 'UTF8')) END
          FROM (SELECT i, random() AS x FROM generate_series(1, %2$s) i) s$q$, p_dataset, v_n));
END
$$;

-- The data sets and tables (one pgTAP check per table, numbered as they run, printed in that order).
CREATE TEMP TABLE results (dataset integer, tab integer, line text);
DO $$
DECLARE
    v_batch integer;
BEGIN
    FOR d IN 1..5 LOOP
        PERFORM setseed(0.1 * d);
        v_batch := t.random_dataset(d);
        FOR k IN 1..10 LOOP
            -- even tables: secondary suppression through the relation indexes (the path of large tables)
            UPDATE migstat.setting SET value = CASE WHEN k % 2 = 0 THEN '0' ELSE '50000' END WHERE key = 'report_index_cells';
            INSERT INTO results VALUES (d, k, t.random_table(d, k));
        END LOOP;
        PERFORM migstat.withdraw_batch(v_batch, 'property test data');
    END LOOP;
END
$$;
SELECT line FROM results ORDER BY dataset, tab;

SELECT * FROM finish();
