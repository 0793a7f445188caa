-- migstat.report: one disaggregated, disclosure-controlled table.
--
--   p_dims             dimensions in output order: direction, sex, age, nationality, country, region,
--                      reason, occupation, worker_category, ethnicity, migration_status, disability,
--                      source, purpose, period. A p_period_unit adds 'period' (last) if not listed;
--                      'period' listed without a unit means 'year'.
--   p_filters          {"sex": ["F"], "nationality": ["UZB","TJK"]}: codes (source and purpose: names;
--                      age: band labels of this report; occupation: any level, with its sub-groups;
--                      "_Z" selects not stated). A filtered dimension that is also a report dimension
--                      lists exactly the filter's categories.
--   p_period_from/to   event_date range (inclusive).
--   p_threshold        must be NULL: flexible tables are perturbed, not suppressed (22023);
--                      thresholds apply to declared tables (the output programme).
--   p_count            'records' (events) or 'persons': count(DISTINCT person_pseudonym) in every cell;
--                      each record without a pseudonym counts as one person (it cannot be matched
--                      to any other record, so it is counted as a distinct person: an upper bound).
--   p_occupation_level ISCO-08 level 1-4 of the occupation categories; a record coded at a coarser
--                      level than requested falls in the category "_X" (not classifiable at this level).
--   p_with_estimates   appends matching rows of migstat.estimate (OBS_STATUS E); those of the
--                      report's shape that do not fit its bands, period or level are counted in a
--                      NOTICE "estimates left out: ..." (report_output [3]).
--
-- Output: one row per cell of the full cube -- every combination of each dimension being one of
-- its categories or "_T" -- in category order with "_T" first; "_Z" = not stated (NULL). Categories:
--   sex, direction, reason, region, worker_category, migration_status, disability, ethnicity,
--   occupation at level 1, age bands, source, active purposes, the periods of the range (without
--   a range: from the first to the last period that occurs): all of them, always (zero cells
--   appear as 0);
--   nationality, country, occupation at levels 2-4 (253 and up to 436 codes): only the codes that
--   occur in the selected records (a zero row for every one of 253 codes would bury the table);
--   a filtered dimension: the filter's codes; plus "_Z" (and "_X") when they occur, and any
--   inactive code that occurs.
-- Disclosure control: a flexible table, published by cell-key perturbation (Docs/PTABLE.md).
-- Every cell, margins included, is published as its true count + pvalue(pcv, cell key) from
-- migstat.ptable: pcv = the count (0..750; above: ((count - 1) % 250) + 501), cell key = the sum
-- of the record keys of the cell's records mod 256 (persons: of the person keys, get_byte of the
-- pseudonym, of each distinct person; a record without pseudonym uses its record key). So the
-- same records give the same published value in every table, 0 stays 0, no cell is published as
-- 1 or 2, and |published - true| <= 3. Nothing is suppressed: conf_status F, obs_status A. Margins
-- are perturbed as cells of their own, so a table does not add up exactly. Record keys, cell keys
-- and true counts never leave the database (the work tables belong to migstat_owner and are
-- dropped before the function returns).
-- Bounds (migstat.report_bounds, for every role): a filter lists at most flexible_filter_share of
-- its code list, custom age bands span at least flexible_min_band_years (but an open last one),
-- periods are whole months; a table whose PERTURBED grand total is below flexible_min_total is
-- refused. All refusals: SQLSTATE 22023, saying why and what is allowed.
-- Reads: the call first draws a read number (migstat.read_begin: server-log line "migstat read
-- N: ...", refused in a transaction that has written data); the audit row carries "read": N.
--
-- Persons: distinct counts do not add up, so margins are not sums. Each person whose records
-- all fall in one fine cell counts 1 in that cell and in each of its margins, which is additive;
-- the persons whose records fall in several fine cells (entry and exit, a birthday across a band)
-- are counted per margin by distinct (cell, person) pairs. Cost: one scan grouped by pseudonym
-- (a hash table of all persons, serial in practice: work_mem is raised to 256MB for it) plus,
-- when some persons span cells, a second (parallel) scan joined to those persons; several times
-- a records report. Secondary suppression treats the relations as if they were additive.
--
-- Phases (each a function taking the plan of the first; they hand each other temp tables,
-- ON COMMIT DROP, dropped at the end). report_prepare runs those up to report_tables (and the
-- role check, read number and minimum population), report_finish drops the work tables and
-- writes the audit row; migstat.report_cells shares both and differs only in its output:
--   report_parameters   checks the arguments, returns the plan (migstat.report_plan); with
--                       report_filters for the filters and the period range;
--   report_fine_cells   one parallel scan: a plain GROUP BY of the group values (migstat_rep_raw);
--   report_categories   the categories of each dimension (migstat_rep_cat) and the cell-key layout;
--   report_bounds       the flexible-table bounds on the plan (here, not in report_parameters,
--                       so the declared-table programme is not bounded by them);
--   report_tables       report_fine_cells, report_categories, report_cube (with plan.perturb the
--                       cube's cells are perturbed, migstat_rep_sup.v = published value) and
--                       report_suppression (finds nothing to suppress: no cell has status A);
--   report_output       the queries of the output rows, run here.
-- From the categories on, everything works on small tables: JIT compilation (triggered by the
-- planner's guesses for tables without statistics) would cost far more than it saves; sorts
-- and hash tables of up to a few million cells should stay in memory. jit and work_mem are
-- restored at the end. The audit row is written last.
CREATE OR REPLACE FUNCTION migstat.report(
    p_dims text[],
    p_filters jsonb DEFAULT '{}',
    p_period_from date DEFAULT NULL,
    p_period_to date DEFAULT NULL,
    p_period_unit text DEFAULT NULL,
    p_age_bands text DEFAULT NULL,
    p_threshold integer DEFAULT NULL,
    p_count text DEFAULT 'records',
    p_occupation_level integer DEFAULT 1,
    p_with_estimates boolean DEFAULT false)
RETURNS TABLE (cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric,
               upper_bound numeric, is_estimate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $fn$
#variable_conflict use_column
DECLARE
    v_plan  migstat.report_plan;
    v_out   text[];
    v_jit   text := current_setting('jit');
    v_wm    text := current_setting('work_mem');
    v_hj    text := current_setting('enable_hashjoin');
    v_note  text;
BEGIN
    -- Role, read number, threshold refusal, parameters, bounds, the perturbed tables and the
    -- minimum population (shared with migstat.report_cells).
    v_plan := migstat.report_prepare(NULL, p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                     p_threshold, p_count, p_occupation_level, p_with_estimates);

    v_out := migstat.report_output(v_plan);
    -- The cells in key order by a merge join of presorted inputs (report_output), not a hash join
    -- followed by a sort of every output row.
    PERFORM set_config('enable_hashjoin', 'off', true);
    RETURN QUERY EXECUTE v_out[1];
    PERFORM set_config('enable_hashjoin', v_hj, true);
    IF v_out[2] IS NOT NULL THEN
        RETURN QUERY EXECUTE v_out[2];
        -- Estimates of the report's shape that do not fit its bands, period or level: said, not hidden.
        EXECUTE v_out[3] INTO v_note;
        IF v_note IS NOT NULL THEN
            RAISE NOTICE '%', v_note;
        END IF;
    END IF;

    -- Work tables dropped, settings restored, the audit row last.
    PERFORM migstat.report_finish(v_plan, v_jit, v_wm, p_period_from, p_period_to, p_age_bands, p_with_estimates, NULL);
    RETURN;
END
$fn$;
