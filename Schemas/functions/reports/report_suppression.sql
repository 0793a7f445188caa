-- migstat.report_suppression: phase 5 of migstat.report, secondary suppression. Reads
-- migstat_rep_sup (not updated) and writes migstat_rep_new: the suppressed cells (k) and the
-- pass that suppressed them (0 = primary, st = 'A'; > 0 = secondary). In every additive
-- relation -- the cells along one dimension j (its categories and its _T) with every other
-- coordinate fixed -- the number of suppressed cells must be 0 or >= 2: wherever exactly one
-- is suppressed, the smallest positive unsuppressed cell of the relation is suppressed too
-- (ties: a category before the _T, then the lower index), dimension by dimension, until a round
-- changes nothing. A pass over j looks only at the relations that gained a suppressed cell
-- since j's previous pass; on a table of more than setting report_index_cells cells, the passes
-- that touch few relations find them through an index per dimension instead of reading the
-- whole table. The pattern depends only on the table's values, never on hash or scan order.
-- Sets enable_nestloop/hashjoin/mergejoin per pass and restores them.
CREATE OR REPLACE FUNCTION migstat.report_suppression(p_plan migstat.report_plan)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_d       integer := coalesce(cardinality(p_plan.dims), 0);
    v_mask    bigint[] := p_plan.key_mask;
    v_j       integer;
    v_n       bigint;
    v_changed bigint;
    v_last    integer[];
    v_pass    integer;
    v_rows    bigint;
    v_few     boolean;
    v_index   boolean;
    v_planner text[];
BEGIN
    CREATE TEMP TABLE migstat_rep_new ON COMMIT DROP AS SELECT k, 0 AS pass FROM migstat_rep_sup WHERE st = 'A';
    IF v_d = 0 OR NOT EXISTS (SELECT 1 FROM migstat_rep_new) THEN
        RETURN;
    END IF;
    SELECT count(*) INTO v_rows FROM migstat_rep_sup;
    v_index := v_rows > coalesce((SELECT value::bigint FROM migstat.setting WHERE key = 'report_index_cells'), 50000);
    CREATE UNIQUE INDEX ON migstat_rep_new (k);
    IF v_index THEN
        FOR v_j IN 1..v_d LOOP
            EXECUTE format('CREATE INDEX ON migstat_rep_sup ((k & (%s)::bigint))', ~v_mask[v_j]);
        END LOOP;
    END IF;
    ANALYZE migstat_rep_sup;
    v_last := array_fill(-1, ARRAY[v_d]);
    v_pass := 0;
    v_planner := ARRAY[current_setting('enable_nestloop'), current_setting('enable_hashjoin'),
                       current_setting('enable_mergejoin')];
    LOOP
        v_changed := 0;
        FOR v_j IN 1..v_d LOOP
            v_pass := v_pass + 1;
            SELECT count(*) INTO v_n FROM migstat_rep_new WHERE pass > v_last[v_j];
            IF v_n > 0 THEN
                -- Few relations to look at (after the first round): index lookups. Many: every
                -- relation, by hash joins over the whole table (a relation that gained no
                -- suppressed cell since the previous pass over j has 0 or >= 2 already, so
                -- looking at it changes nothing).
                v_few := v_index AND v_last[v_j] >= 0 AND v_n < v_rows / 50;
                PERFORM set_config('enable_nestloop', CASE WHEN v_few THEN 'on' ELSE 'off' END, true),
                        set_config('enable_hashjoin', CASE WHEN v_few THEN 'off' ELSE 'on' END, true),
                        set_config('enable_mergejoin', 'off', true);
                EXECUTE replace($q$
                    WITH d AS (SELECT DISTINCT k & $1 AS lk FROM migstat_rep_new WHERE pass > $3),
                         l AS (SELECT c.k & $1 AS lk,
                                      min(CASE WHEN n.k IS NULL AND c.v > 0
                                               THEN (c.v << ($4 + 1)) | (((c.k & $2) = 0)::integer::bigint << $4)
                                                    | ((c.k & $2) >> $5) END) AS best
                                 FROM migstat_rep_sup c
                                 LEFT JOIN migstat_rep_new n ON n.k = c.k
                                WHERE #relations#
                                GROUP BY 1
                               HAVING count(n.k) = 1)
                    INSERT INTO migstat_rep_new (k, pass)
                    SELECT lk | ((best & ((1::bigint << $4) - 1)) << $5), $6 FROM l WHERE best IS NOT NULL$q$,
                    '#relations#', CASE WHEN v_few THEN '(c.k & $1) IN (SELECT lk FROM d)' ELSE 'true' END)
                    USING ~v_mask[v_j], v_mask[v_j], v_last[v_j], p_plan.key_bits[v_j], p_plan.key_offset[v_j], v_pass;
                GET DIAGNOSTICS v_n = ROW_COUNT;
                v_changed := v_changed + v_n;
            END IF;
            v_last[v_j] := v_pass;
        END LOOP;
        EXIT WHEN v_changed = 0;
    END LOOP;
    PERFORM set_config('enable_nestloop', v_planner[1], true), set_config('enable_hashjoin', v_planner[2], true),
            set_config('enable_mergejoin', v_planner[3], true);
END
$fn$;
