-- migstat.programme_compute: computes and stores one run of a purpose's output programme
-- (internal: called by migstat.programme_release as migstat_owner; never granted). Returns the
-- run's id.
--
-- 1. The programme cube. The active declared tables of the purpose share one classification
--    (migstat.declare_table), so each of their cells is a cell of one cube over the union U of
--    their dimensions and filtered dimensions, with _T for the dimensions a table does not have.
--    That cube is computed by migstat.report's phases (report_parameters, report_fine_cells,
--    report_categories, report_cube: exact counts, no perturbation) over the purpose's records:
--    migstat_rep_sup holds every non-zero cell, margins included. A cell is published when some
--    declared table shows it (its dimensions any, its filters fixed, every other dimension _T).
-- 2. Primary suppression: a published cell of 1..K-1, K = threshold, or threshold_special when a
--    table that shows the cell uses a special category (the largest K of the tables showing it).
-- 3. Secondary suppression, jointly over the programme, by hypercubes (the GHMITER idea of
--    τ-ARGUS, Repsilber): for each primary cell c (smallest first, then key order) a hypercube of
--    the programme cube through c -- one partner category per dimension of U: a sibling category
--    (sign -1) or the parent _T / a child category (sign +1); corner sign = product of the signs
--    of the dimensions it moves -- chosen so that adding t to every + corner and subtracting t
--    from every - corner changes no published cell that is not withheld, keeps every withheld
--    cell >= 1 and every finest cell >= 0, for t = K-1. Such a move changes every relation of
--    the cube by 0 (each line meets the cube in 0 or 2 corners of opposite effect), so it is a
--    move of the records themselves (of the finest cells of U), and all declared tables see one
--    consistent set of records. Conditions on corners other than c: a published corner must be
--    withheld (it is withheld here if it is not yet), non-zero (zeros are published), and if its
--    sign is - hold >= K; a finest (interior) corner no table shows, if its sign is -, >= K-1;
--    other corners nothing. In a dimension where c is _T the cube may also stay at _T: the
--    records moved then keep their categories of those dimensions (they move between the
--    corners' records as they are), which no published cell notices as long as every table
--    that uses a dimension the cube stays in lacks one of the dimensions the cube moves between
--    two categories; "finest" then means: a category in every dimension the cube moves.
--    Among the cubes whose partners come from each dimension's best
--    candidates (always including _T, or for a margin the child along the largest finest cell
--    below c, which makes the all-+ cube, always feasible, a candidate), the cheapest is taken:
--    cost = sum over the corners it newly withholds of w * (1 + ln(1 + value)), w = setting
--    protection_cost_residual for a cell with a residual category (not stated, not classifiable,
--    unknown, other), protection_cost_margin for a margin (a _T in a dimension of a table that
--    shows it), protection_cost_interior otherwise; ties by partner order. The hypercube is c's
--    certificate, stored with the run: the interval [x - down, x + up] it proves an attacker
--    cannot narrow (up: NULL = unbounded).
-- The guarantee (Docs/GUARANTEES.md): whoever knows every published cell of every declared table
-- of the purpose, that margins are sums, that counts are whole numbers >= 0 and that withheld
-- cells are >= 1, cannot exclude any value x .. x+K-1 for a primary cell of true value x.
CREATE OR REPLACE FUNCTION migstat.programme_compute(p_purpose_id smallint) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_name     text := (SELECT name FROM migstat.purpose WHERE id = p_purpose_id);
    v_tables   migstat.declared_table[];
    v_dims     text[];
    v_unit     text;
    v_bands    text;
    v          migstat.report_plan;
    v_d        integer;
    v_i        integer;
    v_k        integer := (SELECT value::integer FROM migstat.setting WHERE key = 'threshold');
    v_ks       integer := (SELECT value::integer FROM migstat.setting WHERE key = 'threshold_special');
    v_special  text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() WHERE special_category);
    v_w_res    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_residual'), 0.1);
    v_w_mar    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_margin'), 0.3);
    v_w_int    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_interior'), 1);
    v_interior text;          -- SQL (on a key $x): every dimension is a category
    v_resid    text;          -- SQL: some dimension is a residual category
    v_ridx     text[];        -- per dimension: the indexes of its residual categories ('{...}')
    v_rstar    text;          -- SQL: how many of c's margin dimensions a finest cell has residual
    v_margin   text;          -- SQL (key s.k, table t): a dimension of t is _T
    v_cube     text;          -- SQL: the cheapest feasible cube through $1, withheld and certified
    v_m        integer;       -- candidates per dimension
    v_c        record;
    v_prev     migstat.programme_run;
    v_fix      bigint;
    v_star     bigint;
    v_found    boolean;
    v_run      bigint;
    v_batches  integer[];
    v_sha      text[];
    v_t0       timestamptz := clock_timestamp();
    v_jit      text := current_setting('jit');
    v_wm       text := current_setting('work_mem');
BEGIN
    v_tables := ARRAY(SELECT d FROM migstat.declared_table d WHERE d.purpose_id = p_purpose_id AND d.retired_at IS NULL
                       ORDER BY d.id);
    IF coalesce(cardinality(v_tables), 0) = 0 THEN
        RAISE EXCEPTION 'purpose "%" has no declared tables', v_name USING ERRCODE = 'MS404',
            HINT = 'a steward or administrator declares them: migstat tables declare';
    END IF;
    v_dims := ARRAY(SELECT i.dimension FROM migstat.report_dimension_info() i
                     WHERE i.dimension <> 'period'
                       AND EXISTS (SELECT 1 FROM unnest(v_tables) t WHERE i.dimension = ANY (t.dims) OR t.filters ? i.dimension)
                     ORDER BY i.ord);
    SELECT max(t.period_unit) INTO v_unit FROM unnest(v_tables) t;
    IF v_unit IS NOT NULL THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    SELECT max(t.age_bands) INTO v_bands FROM unnest(v_tables) t WHERE 'age' = ANY (t.dims) OR t.filters ? 'age';
    v_d := cardinality(v_dims);
    SELECT array_agg(b.id ORDER BY b.id), array_agg(b.sha256 ORDER BY b.id) INTO v_batches, v_sha
      FROM migstat.batch b WHERE b.purpose_id = p_purpose_id AND b.status = 'loaded';

    -- 1. The programme cube (exact).
    v := migstat.report_parameters(v_dims, jsonb_build_object('purpose', jsonb_build_array(v_name)), NULL, NULL, v_unit,
                                   v_bands, NULL, 'records', 1, false);
    v.perturb := false;
    v := migstat.report_fine_cells(v);
    PERFORM set_config('jit', 'off', true);
    IF pg_size_bytes(v_wm) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v := migstat.report_categories(v);
    PERFORM migstat.report_cube(v);

    -- The tables: which cells each shows (k & ~any_mask = req), and its threshold.
    CREATE TEMP TABLE migstat_pg_tab ON COMMIT DROP AS
    SELECT t.id AS tid, t.name, t.dims,
           coalesce((SELECT bit_or(v.key_mask[i]) FROM generate_series(1, v_d) i WHERE v.dims[i] = ANY (t.dims)), 0)::bigint AS any_mask,
           coalesce((SELECT sum(((coalesce(array_position(v.labels[i]::text[], t.filters -> v.dims[i] ->> 0),
                                            array_position(v.labels[i]::text[], upper(t.filters -> v.dims[i] ->> 0))) - 1)::bigint) << v.key_offset[i])
                       FROM generate_series(1, v_d) i WHERE t.filters ? v.dims[i]), 0)::bigint AS req,
           coalesce((SELECT sum(1 << (i - 1)) FROM generate_series(1, v_d) i
                      WHERE v.dims[i] = ANY (t.dims) OR t.filters ? v.dims[i]), 0)::integer AS dimbits,
           CASE WHEN t.dims && v_special OR ARRAY(SELECT jsonb_object_keys(t.filters)) && v_special
                THEN greatest(v_k, v_ks) ELSE v_k END AS kk
      FROM unnest(v_tables) t;
    IF EXISTS (SELECT 1 FROM migstat_pg_tab WHERE req IS NULL) THEN
        -- a filter code that does not occur: the table is all zeros, it shows nothing to protect
        DELETE FROM migstat_pg_tab WHERE req IS NULL;
    END IF;

    -- SQL pieces over a key.
    v_interior := (SELECT string_agg(format('(%%1$s & %s::bigint) <> 0', v.key_mask[i]), ' AND ') FROM generate_series(1, v_d) i);
    v_ridx := ARRAY(SELECT coalesce((SELECT array_agg(l.n - 1)
                                       FROM unnest(v.labels[i]::text[]) WITH ORDINALITY l(code, n)
                                      WHERE l.code IN ('_Z', '_X', '_O')
                                         OR l.code = ANY (coalesce((SELECT d.unknown_codes FROM migstat.dimension d WHERE d.name = v.dims[i]), '{}'))),
                                    '{}')::text
                      FROM generate_series(1, v_d) i ORDER BY i);
    v_resid := coalesce((SELECT string_agg(format('((%%1$s & %s::bigint) >> %s) = ANY (%L::bigint[])', v.key_mask[i], v.key_offset[i], v_ridx[i]), ' OR ')
                           FROM generate_series(1, v_d) i WHERE v_ridx[i] <> '{}'), 'false');
    v_margin := (SELECT string_agg(format('((t.any_mask & %1$s::bigint) <> 0 AND (s.k & %1$s::bigint) = 0)', v.key_mask[i]), ' OR ')
                   FROM generate_series(1, v_d) i);

    -- 2. Every non-zero cell of the cube, published or not.
    EXECUTE format($q$
        CREATE TEMP TABLE migstat_pg_cell ON COMMIT DROP AS
        SELECT s.k, s.v, max(t.kk) AS kk, array_agg(t.tid ORDER BY t.tid) FILTER (WHERE t.tid IS NOT NULL) AS tabs,
               (%1$s) AS interior,
               CASE WHEN max(t.kk) IS NULL THEN NULL
                    ELSE (CASE WHEN %2$s THEN %4$s WHEN bool_or(%3$s) THEN %5$s ELSE %6$s END * (1 + ln(1 + s.v)))::real END AS cost,
               CASE WHEN s.v BETWEEN 1 AND max(t.kk) - 1 THEN 'A' ELSE 'F' END::"char" AS st
          FROM migstat_rep_sup s
          LEFT JOIN migstat_pg_tab t ON (s.k & ~t.any_mask) = t.req
         GROUP BY s.k, s.v$q$,
        format(v_interior, 's.k'), format(v_resid, 's.k'), v_margin, v_w_res, v_w_mar, v_w_int);
    ALTER TABLE migstat_pg_cell ADD PRIMARY KEY (k);

    -- Earlier releases of the same records (the same loaded batches), which an analyst keeps: what
    -- they withheld stays withheld, what they published stays published (status P: never a
    -- corner). A release for the same batches keeps every table they published, under the same
    -- thresholds; other tables are released with the next batches.
    FOR v_prev IN SELECT * FROM migstat.programme_run r
                   WHERE r.purpose_id = p_purpose_id AND r.batches = coalesce(v_batches, '{}') ORDER BY r.id LOOP
        IF NOT v_prev.tables <@ ARRAY(SELECT (t).id FROM unnest(v_tables) t) THEN
            RAISE EXCEPTION 'release % of purpose "%" published tables for the same batches that are not active now: %', v_prev.id, v_name,
                (SELECT string_agg(d.name, ', ' ORDER BY d.name) FROM migstat.declared_table d
                  WHERE d.id = ANY (v_prev.tables) AND d.retired_at IS NOT NULL)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'a release for the same batches keeps what an earlier one published: release after the next import';
        END IF;
        IF v_prev.threshold <> v_k OR v_prev.threshold_special <> v_ks THEN
            RAISE EXCEPTION 'release % of purpose "%" used other thresholds for the same batches', v_prev.id, v_name
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'a release for the same batches keeps what an earlier one published: release after the next import';
        END IF;
        UPDATE migstat_pg_cell x SET st = CASE WHEN m.withheld THEN CASE WHEN x.st = 'A' THEN 'A' ELSE 'D' END ELSE 'P' END
          FROM (SELECT (SELECT sum(((array_position(v.labels[i]::text[], coalesce(
                                      (SELECT (v_prev.labels[j]::text[])[((c.k & v_prev.key_mask[j]) >> v_prev.key_offset[j]) + 1]
                                         FROM generate_series(1, cardinality(v_prev.dims)) j WHERE v_prev.dims[j] = v.dims[i]), '_T'))
                                    - 1)::bigint) << v.key_offset[i])
                          FROM generate_series(1, v_d) i)::bigint AS nk,
                       bool_or(c.status IN ('A', 'D')) AS withheld
                  FROM migstat.programme_cell c WHERE c.run_id = v_prev.id GROUP BY 1) m
         WHERE x.k = m.nk;
        IF EXISTS (SELECT 1 FROM migstat_pg_cell x WHERE x.st = 'P' AND x.v BETWEEN 1 AND x.kk - 1) THEN
            RAISE EXCEPTION 'a table of purpose "%" would show a cell that release % published as a small count under its own threshold',
                v_name, v_prev.id USING ERRCODE = 'invalid_parameter_value',
                HINT = 'a special-category table may not be added to a released programme that shows its cells: release it after the next import';
        END IF;
    END LOOP;
    ANALYZE migstat_pg_cell;
    CREATE TEMP TABLE migstat_pg_cert (k bigint PRIMARY KEY, x bigint, down bigint, up bigint, corners bigint[], signs integer[])
        ON COMMIT DROP;
    CREATE TEMP TABLE migstat_pg_cand (i integer, j bigint, s integer, r integer, y boolean NOT NULL DEFAULT false) ON COMMIT DROP;

    -- 3. Hypercubes. Candidates per dimension where c is a margin: staying, the child along the
    -- largest finest cell and the best other child; where c is a category: the m best partners,
    -- m such that the corners to look at stay near 256k (m^categories * 3^margins * 2^d).
    v_cube := format($q$
        WITH %1$s,
        cubes0 AS (SELECT %2$s, (%9$s) AS ym, (%10$s) AS sm FROM %3$s),
        cubes AS (SELECT * FROM cubes0 c
                   WHERE NOT EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (t.dimbits & c.ym) <> 0 AND (c.sm & ~t.dimbits) = 0)),
        corners AS (SELECT cubes.*, m, (%5$s) AS ck, (%6$s) AS sg FROM cubes CROSS JOIN generate_series(1, %7$s) m
                     WHERE m & ym = 0),
        ev AS (SELECT co.*, x.v, x.st, x.cost,
                      CASE WHEN x.k IS NOT NULL THEN x.tabs IS NOT NULL
                           ELSE EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (co.ck & ~t.any_mask) = t.req) END AS pub,
                      (%8$s) AS interior
                 FROM corners co LEFT JOIN migstat_pg_cell x ON x.k = co.ck),
        best AS (SELECT %4$s FROM ev GROUP BY %4$s
                  HAVING bool_and(CASE WHEN pub THEN coalesce(v, 0) > 0 AND (sg = 1 OR v >= $2) AND coalesce(st, 'F') <> 'P'
                                       WHEN interior THEN sg = 1 OR coalesce(v, 0) >= $2 - 1
                                       ELSE true END)
                  ORDER BY sum(CASE WHEN pub AND st = 'F' THEN cost ELSE 0 END), %4$s LIMIT 1),
        mine AS (SELECT ev.* FROM ev NATURAL JOIN best),
        upd AS (UPDATE migstat_pg_cell x SET st = 'D' FROM mine WHERE x.k = mine.ck AND mine.pub AND x.st = 'F' RETURNING x.k)
        INSERT INTO migstat_pg_cert (k, x, down, up, corners, signs)
        SELECT $1, $3,
               least($3 - 1, min(CASE WHEN sg = 1 THEN CASE WHEN pub THEN v - 1 WHEN interior THEN coalesce(v, 0) END END)),
               min(CASE WHEN sg = -1 THEN CASE WHEN pub THEN v - 1 WHEN interior THEN coalesce(v, 0) END END),
               array_agg(ck ORDER BY m), array_agg(sg ORDER BY m)
          FROM mine
        HAVING count(*) > 0$q$,
        (SELECT string_agg(format('c%1$s AS (SELECT j AS j%1$s, s AS s%1$s, y AS y%1$s FROM migstat_pg_cand WHERE i = %1$s)', i), ', ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('j%1$s, s%1$s, y%1$s', i), ', ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('c%s', i), ' CROSS JOIN ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('j%s', i), ', ') FROM generate_series(1, v_d) i),
        '($1 & ~(' || (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN %s::bigint ELSE 0 END', 1 << (i - 1), v.key_mask[i]), ' | ')
                         FROM generate_series(1, v_d) i) || ')) | '
            || (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN j%s << %s ELSE 0 END', 1 << (i - 1), i, v.key_offset[i]), ' | ')
                  FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN s%s ELSE 1 END', 1 << (i - 1), i), ' * ') FROM generate_series(1, v_d) i),
        (1 << v_d) - 1,
        (SELECT string_agg(format('((co.ck & %s::bigint) <> 0 OR co.y%s)', v.key_mask[i], i), ' AND ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN y%s THEN %s ELSE 0 END', i, 1 << (i - 1)), ' | ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN s%s = -1 THEN %s ELSE 0 END', i, 1 << (i - 1)), ' | ') FROM generate_series(1, v_d) i));

    FOR v_c IN SELECT c.k, c.v, c.kk FROM migstat_pg_cell c WHERE c.st = 'A' ORDER BY c.v, c.k LOOP
        TRUNCATE migstat_pg_cand;
        v_i := (SELECT count(*) FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0);
        v_m := least(16, greatest(3, floor(power(262144.0 / ((2 ^ v_d) * (3 ^ (v_d - v_i))), 1.0 / greatest(v_i, 1)))::integer));
        -- The largest finest cell below c: its categories are the children of c's margins.
        v_fix := (SELECT coalesce(bit_or(v.key_mask[i]), 0) FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0);
        -- (residual categories first: withholding them costs least where the cube meets other tables)
        v_rstar := coalesce((SELECT string_agg(format('(((k & %s::bigint) >> %s) = ANY (%L::bigint[]))::integer', v.key_mask[i],
                                                      v.key_offset[i], v_ridx[i]), ' + ')
                               FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] = 0), '0::integer');
        EXECUTE format('SELECT k FROM migstat_pg_cell WHERE %s AND (k & $1) = ($2 & $1) ORDER BY %s DESC, v DESC, k LIMIT 1',
                       format(v_interior, 'k'), v_rstar)
            INTO v_star USING v_fix, v_c.k;
        FOR v_i IN 1..v_d LOOP
            EXECUTE format($q$
                INSERT INTO migstat_pg_cand (i, j, s, r)
                SELECT %1$s, j, s, r FROM (
                    SELECT g.j, g.s, row_number() OVER (ORDER BY g.must DESC, g.ok DESC, g.cost, (g.j = ANY ($6::bigint[])) DESC, g.v DESC, g.j)::integer AS r, g.ok, g.must
                      FROM (SELECT a.j, a.s, a.must, coalesce(x.v, 0) AS v,
                                   CASE WHEN x.st = 'F' AND x.tabs IS NOT NULL THEN x.cost ELSE 0 END AS cost,
                                   CASE WHEN (x.tabs IS NOT NULL OR (x.k IS NULL AND EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (a.k1 & ~t.any_mask) = t.req)))
                                        THEN coalesce(x.v, 0) > 0 AND (a.s = 1 OR x.v >= $3) AND coalesce(x.st, 'F') <> 'P'
                                        WHEN %5$s THEN a.s = 1 OR coalesce(x.v, 0) >= $3 - 1
                                        ELSE true END AS ok
                              FROM (SELECT j, CASE WHEN $4 = 0 OR j = 0 THEN 1 ELSE -1 END AS s,
                                           ($1 & ~%2$s::bigint) | (j << %3$s) AS k1,
                                           (($4 <> 0 AND j = 0) OR ($4 = 0 AND j = $5)) AS must
                                      FROM generate_series(0::bigint, %4$s) j WHERE j <> $4) a
                              LEFT JOIN migstat_pg_cell x ON x.k = a.k1) g) z
                 WHERE must OR (ok AND r <= CASE WHEN $4 = 0 THEN 2 ELSE $2 END)$q$,
                v_i, v.key_mask[v_i], v.key_offset[v_i], v.ncat[v_i], format(v_interior, 'a.k1'))
                USING v_c.k, v_m, v_c.kk, (v_c.k & v.key_mask[v_i]) >> v.key_offset[v_i],
                      (v_star & v.key_mask[v_i]) >> v.key_offset[v_i], v_ridx[v_i];
            IF v_c.k & v.key_mask[v_i] = 0 THEN
                -- c is a margin in this dimension: the cube may also leave it at _T (see above)
                INSERT INTO migstat_pg_cand (i, j, s, r, y) VALUES (v_i, 0, 1, 0, true);
            END IF;
        END LOOP;
        EXECUTE v_cube USING v_c.k, v_c.kk, v_c.v;
        v_found := EXISTS (SELECT 1 FROM migstat_pg_cert WHERE k = v_c.k);
        IF NOT v_found THEN
            RAISE EXCEPTION 'programme of purpose "%": the small cell (%) cannot be protected without changing what an earlier release of the same batches published',
                v_name, (SELECT string_agg(v.dims[i] || '=' || (v.labels[i]::text[])[((v_c.k & v.key_mask[i]) >> v.key_offset[i]) + 1], ', ')
                           FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'release the new tables after the next import';
        END IF;
    END LOOP;

    -- 4. The run.
    INSERT INTO migstat.programme_run (purpose_id, tables, batches, batch_sha256, dims, age_bands, period_unit, threshold,
                                       threshold_special, labels, key_offset, key_mask, method, info_loss)
    VALUES (p_purpose_id, ARRAY(SELECT (t).id FROM unnest(v_tables) t ORDER BY 1), coalesce(v_batches, '{}'), coalesce(v_sha, '{}'),
            v.dims, v_bands, v_unit, v_k, v_ks, v.labels, v.key_offset, v.key_mask,
            jsonb_build_object(
                'method', 'exact counts; primary suppression 1..K-1; secondary suppression by hypercubes over the programme cube',
                'protection', 'every primary cell of value x: an attacker cannot exclude x .. x+K-1',
                'threshold', v_k, 'threshold_special', v_ks, 'corners_searched', 262144,
                'cost', jsonb_build_object('residual', v_w_res, 'margin', v_w_mar, 'interior', v_w_int, 'of_value', 'w * (1 + ln(1 + value))'),
                'certificates', coalesce((SELECT jsonb_object_agg(c.k::text, jsonb_build_object('x', c.x, 'down', c.down, 'up', c.up,
                                                                   'corners', to_jsonb(c.corners), 'signs', to_jsonb(c.signs)))
                                            FROM migstat_pg_cert c), '{}')),
            '{}')
    RETURNING id INTO v_run;
    INSERT INTO migstat.programme_cell (run_id, k, v, status, cost)
    SELECT v_run, c.k, c.v, CASE WHEN c.st = 'P' THEN 'F' ELSE c.st END, c.cost FROM migstat_pg_cell c WHERE c.tabs IS NOT NULL;

    -- Information loss per table.
    EXECUTE format($q$
        UPDATE migstat.programme_run SET seconds = extract(epoch FROM clock_timestamp() - $2)::numeric(12, 3),
               info_loss = (SELECT coalesce(jsonb_object_agg(q.name, q.o), '{}') FROM (
                   SELECT t.name, jsonb_build_object(
                       'cells', (SELECT round(exp(sum(ln(u.n + 1))))::bigint FROM unnest($3::integer[], $4::text[]) u(n, dim)
                                  WHERE u.dim = ANY (t.dims)),
                       'nonzero', count(c.k),
                       'primary', count(c.k) FILTER (WHERE c.status = 'A'),
                       'withheld', count(c.k) FILTER (WHERE c.status IN ('A', 'D')),
                       'withheld_interior', count(c.k) FILTER (WHERE c.status IN ('A', 'D') AND NOT (%1$s)),
                       'withheld_value', coalesce(sum(c.v) FILTER (WHERE c.status IN ('A', 'D') AND NOT (%1$s)), 0),
                       'total', coalesce(max(c.v) FILTER (WHERE c.k = t.req), 0)) AS o
                     FROM migstat_pg_tab t
                     LEFT JOIN migstat.programme_cell c ON c.run_id = $1 AND (c.k & ~t.any_mask) = t.req
                    GROUP BY t.tid, t.name, t.dims, t.req) q)
         WHERE id = $1$q$,
        replace(v_margin, 's.k', 'c.k'))
        USING v_run, v_t0, v.ncat, v.dims;
    -- tables with no cell at all (a filter code that never occurs) still appear
    UPDATE migstat.programme_run r SET info_loss = r.info_loss || (
            SELECT coalesce(jsonb_object_agg((t).name, jsonb_build_object('cells', 0, 'nonzero', 0, 'primary', 0, 'withheld', 0,
                                                                         'withheld_interior', 0, 'withheld_value', 0, 'total', 0)), '{}')
              FROM unnest(v_tables) t WHERE NOT r.info_loss ? (t).name)
     WHERE r.id = v_run;

    DROP TABLE migstat_pg_tab, migstat_pg_cell, migstat_pg_cert, migstat_pg_cand;
    DROP TABLE IF EXISTS migstat_rep_sup, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('work_mem', v_wm, true);
    RETURN v_run;
END
$fn$;
