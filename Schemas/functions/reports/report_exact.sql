-- migstat.report_exact: the exact, suppressed table (internal: granted to nobody). Same arguments
-- and output as migstat.report had before flexible tables were perturbed (issue 9), kept so the
-- engine's exact counts and suppression can be tested (Tests/sql/reports/) and compared with the
-- perturbed tables by a superuser; analysts get flexible tables only through migstat.report
-- (perturbed, bounded) and exact counts only through declared tables. No read number, no
-- padding check (only the owner and superusers can call it); audit row "report.exact".
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
--   p_threshold        raises K above the configured threshold; never lowers it.
--   p_count            'records' (events) or 'persons': count(DISTINCT person_pseudonym) in every cell;
--                      each record without a pseudonym counts as one person (it cannot be matched
--                      to any other record, so it is counted as a distinct person: an upper bound).
--   p_occupation_level ISCO-08 level 1-4 of the occupation categories; a record coded at a coarser
--                      level than requested falls in the category "_X" (not classifiable at this level).
--   p_with_estimates   appends matching rows of migstat.estimate (OBS_STATUS E).
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
-- Disclosure control (K as above): a cell of 1..K-1 is suppressed (conf_status A, obs_value NULL);
-- 0 is published. Then, in every additive relation -- the cells along one dimension (its
-- categories and its _T) with every other coordinate fixed, _T included -- the number of
-- suppressed cells must be 0 or >= 2: wherever exactly one is suppressed, the smallest positive
-- unsuppressed cell of that relation is suppressed too (conf_status D; ties: a category before
-- the _T, then category order), relation by relation, dimension by dimension, until nothing
-- changes. The pattern depends only on the table's values, never on hash or scan order.
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
-- ON COMMIT DROP, dropped here at the end):
--   report_parameters   checks the arguments, returns the plan (migstat.report_plan); with
--                       report_filters for the filters and the period range;
--   report_fine_cells   one parallel scan: a plain GROUP BY of the group values (migstat_rep_raw);
--   report_categories   the categories of each dimension (migstat_rep_cat) and the cell-key layout;
--   report_cube         the non-zero cells and all margins, primary suppression (migstat_rep_sup);
--   report_suppression  secondary suppression (migstat_rep_new);
--   report_output       the queries of the output rows, run here.
-- From the categories on, everything works on small tables: JIT compilation (triggered by the
-- planner's guesses for tables without statistics) would cost far more than it saves; sorts
-- and hash tables of up to a few million cells should stay in memory. jit and work_mem are
-- restored at the end. The audit row is written last.
CREATE OR REPLACE FUNCTION migstat.report_exact(
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
BEGIN
    PERFORM migstat.require_report_reader();
    v_plan := migstat.report_parameters(p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                        p_threshold, p_count, p_occupation_level, p_with_estimates);
    v_plan.perturb := false;
    v_plan := migstat.report_tables(v_plan);

    v_out := migstat.report_output(v_plan);
    RETURN QUERY EXECUTE v_out[1];
    IF v_out[2] IS NOT NULL THEN
        RETURN QUERY EXECUTE v_out[2];
    END IF;

    DROP TABLE migstat_rep_sup, migstat_rep_new, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('work_mem', v_wm, true);

    -- Last, so the audit log's lock is held only for the end of the transaction.
    PERFORM migstat.audit('report.exact', jsonb_build_object(
        'dims', to_jsonb(v_plan.dims), 'filters', v_plan.filter_codes, 'period_from', p_period_from,
        'period_to', p_period_to, 'period_unit', v_plan.period_unit, 'age_bands', p_age_bands,
        'threshold_requested', p_threshold, 'threshold', v_plan.threshold, 'count', v_plan.counting,
        'occupation_level', v_plan.occupation_level, 'with_estimates', coalesce(p_with_estimates, false)));
    RETURN;
END
$fn$;
