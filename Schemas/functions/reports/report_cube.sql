-- migstat.report_cube: phase 4 of migstat.report. Every non-zero cell of the full cube -- the
-- fine cells of migstat_rep_raw keyed by the plan's key_expr, then the margins one dimension
-- at a time: for each dimension j, the cells with a category in j are summed over j and added
-- with j = _T (d plain GROUP BYs over the small table, not 2^d) -- written to migstat_rep_sup
-- (k = cell key, v = value, st = 'A' primary suppression for 1..K-1, else 'F', ks = sum of the
-- cell's record or person keys mod 256, summed like v; NULL unless plan.perturb). The sums are
-- made in an integer work table (sum(integer) adds in int8; sum(bigint) would add in numeric). Persons (plan.multi): the distinct (cell,
-- person) pairs of migstat_rep_mraw are rolled up the same way, counted per cell and added to
-- the single-cell persons' counts (migstat_rep_mraw is dropped); statuses are set on the sums.
-- Flexible tables (plan.perturb): every cell is then replaced by its published value, v = true +
-- pvalue(pcv(true), ks % 256) from migstat.ptable (Docs/PTABLE.md), status 'F' (nothing is
-- suppressed); the true values are gone with the table they were in. Raises 55000 when the
-- p-table is not loaded.
CREATE OR REPLACE FUNCTION migstat.report_cube(p_plan migstat.report_plan)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_d  integer := coalesce(cardinality(p_plan.dims), 0);
    v_k  integer := p_plan.threshold;
    v_j  integer;
    v_pt smallint[];   -- the p-table as one array: pvalue of (pcv, ckey) at pcv * 256 + ckey + 1
BEGIN
    IF p_plan.perturb THEN
        v_k := 1;   -- no primary suppression: the cells are perturbed below
        -- In (pcv, ckey) order without a sort of the 192,256 values (a sort costs 20 ms a report, the
        -- expansion 7 ms): the p-table rows in primary-key order, each expanded by the function it is
        -- LATERAL to, which makes the join a nested loop over them, in their order; every cell key of
        -- every pcv is covered once (ranges 0..255 without gap or overlap: checked when db init loads
        -- the p-table), so the count below also checks the layout.
        v_pt := ARRAY(SELECT p.pvalue
                        FROM (SELECT * FROM migstat.ptable ORDER BY pcv, ckey_lo) p
                       CROSS JOIN LATERAL generate_series(p.ckey_lo::integer, p.ckey_hi::integer) g);
        IF cardinality(v_pt) <> 751 * 256 THEN
            RAISE EXCEPTION 'the perturbation table migstat.ptable is not loaded (run migstat db init)'
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END IF;
    -- The work table: integer counts and key sums (sum(integer) adds in int8, where sum(bigint) adds in
    -- numeric: the margins take half the time); ks is kept mod 256 (only ks % 256 is ever used, and
    -- (a + b) % 256 = (a % 256 + b % 256) % 256). Statuses are set when migstat_rep_sup is written.
    EXECUTE format('CREATE TEMP TABLE migstat_rep_cw ON COMMIT DROP AS SELECT (%s)::bigint AS k, n::integer AS v, '
                   '(ks %% 256)::integer AS ks FROM migstat_rep_raw WHERE n > 0', p_plan.key_expr);
    FOR v_j IN 1..v_d LOOP
        EXECUTE 'INSERT INTO migstat_rep_cw (k, v, ks) SELECT k & $1, sum(v), sum(ks) % 256 '
                'FROM migstat_rep_cw WHERE k & $2 <> 0 GROUP BY 1'
            USING ~p_plan.key_mask[v_j], p_plan.key_mask[v_j];
    END LOOP;
    IF p_plan.multi THEN
        -- Persons in several cells: distinct (cell, person) pairs at every margin level, added
        -- to the single-cell persons' counts.
        EXECUTE format('CREATE TEMP TABLE migstat_rep_pairs ON COMMIT DROP AS SELECT (%s)::bigint AS k, p, pk FROM migstat_rep_mraw',
                       p_plan.key_expr);
        FOR v_j IN 1..v_d LOOP
            EXECUTE 'INSERT INTO migstat_rep_pairs (k, p, pk) SELECT k & $1, p, min(pk) FROM migstat_rep_pairs WHERE k & $2 <> 0 GROUP BY 1, 2'
                USING ~p_plan.key_mask[v_j], p_plan.key_mask[v_j];
        END LOOP;
        ALTER TABLE migstat_rep_cw RENAME TO migstat_rep_simple;
        CREATE TEMP TABLE migstat_rep_cw ON COMMIT DROP AS
            SELECT u.k, sum(u.v)::integer AS v, (sum(u.ks) % 256)::integer AS ks
              FROM (SELECT x.k, x.v, x.ks FROM migstat_rep_simple x
                    UNION ALL SELECT y.k, count(*)::integer, (sum(y.pk) % 256)::integer FROM migstat_rep_pairs y GROUP BY y.k) u
             GROUP BY u.k;
        DROP TABLE migstat_rep_simple, migstat_rep_pairs, migstat_rep_mraw;
    END IF;
    IF p_plan.perturb THEN
        -- (a lookup in an array of fixed-width elements, not a join: one subscript per cell); the
        -- true values are gone with the work table.
        EXECUTE $q$
        CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS
            SELECT c.k, c.v::bigint + $1[(CASE WHEN c.v <= 750 THEN c.v ELSE (c.v - 1) % 250 + 501 END) * 256 + c.ks + 1] AS v,
                   'F'::text AS st, c.ks::bigint AS ks
              FROM migstat_rep_cw c$q$ USING v_pt;
    ELSE
        CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS
            SELECT c.k, c.v::bigint AS v, CASE WHEN c.v BETWEEN 1 AND v_k - 1 THEN 'A' ELSE 'F' END AS st,
                   NULL::bigint AS ks
              FROM migstat_rep_cw c;
    END IF;
    DROP TABLE migstat_rep_cw;
END
$fn$;
