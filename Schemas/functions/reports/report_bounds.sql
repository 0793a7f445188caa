-- migstat.report_bounds: what a flexible table (migstat.report) may ask, for every role that may
-- run reports (analysts, stewards, administrators). Called by migstat.report after
-- report_parameters (not inside it: the declared-table programme reuses report_parameters and is
-- not bounded by these rules; coverage checks its periods here too). Settings:
--   flexible_filter_share    a filter lists at most this share of its dimension's code list:
--                            the active codes plus "_Z" (not stated), which counts as a code;
--                            source: the sources; purpose: the active purposes; age: the report's
--                            bands plus "_Z"; occupation: the share of the active level-4 groups
--                            (plus "_Z") that the listed codes cover with their sub-groups. So a
--                            filter cannot be the complement of a few codes ("every nationality
--                            but KAZ");
--   flexible_min_band_years  every custom age band spans at least this many years, except an
--                            open last band (N+);
--   flexible_band_boundaries every custom age band starts at a multiple of 5 or at one of these
--                            ages (so the difference of two admissible tables is a band of that
--                            grid, never one year of age: migrations/0005_band_boundaries.sql);
--   flexible_filter_codes    a filter lists at most this many codes (1: a filter fixes a dimension;
--                            a union of codes would be a new set of records with noise of its own);
--   flexible_period          period_from/period_to bound whole calendar years ('year') or whole
--                            months ('month');
--   flexible_age_bands       and the bands are one of these sets (';' between sets), so the same
--                            age group can be written as a difference of bands in a few ways only
--                            and the noise of each cannot be averaged away;
--   periods                  period_from is the first day of a month, period_to the last day of
--                            a month (whole months or coarser, never single days).
-- (The minimum population, flexible_min_total, is decided in migstat.report on the perturbed
-- grand total.) Refusals: SQLSTATE 22023 invalid_parameter_value, saying why and what is allowed.
CREATE OR REPLACE FUNCTION migstat.report_bounds(p_plan migstat.report_plan)
RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_share    numeric := coalesce((SELECT value::numeric FROM migstat.setting WHERE key = 'flexible_filter_share'), 0.5);
    v_years    integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'flexible_min_band_years'), 3);
    v_key      text;
    v_codes    jsonb;
    v_listed   numeric;
    v_universe numeric;
    v_band     record;
    v_last     integer;
    v_grid     integer[] := coalesce((SELECT string_to_array(replace(value, ' ', ''), ',')::integer[]
                                        FROM migstat.setting WHERE key = 'flexible_band_boundaries'), '{}');
    v_n        bigint;
    v_codes_max integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'flexible_filter_codes'), 1);
    v_unit     text := coalesce((SELECT value FROM migstat.setting WHERE key = 'flexible_period'), 'year');
    v_sets     text[] := coalesce((SELECT string_to_array(replace(value, ' ', ''), ';')
                                     FROM migstat.setting WHERE key = 'flexible_age_bands'), '{}');
BEGIN
    FOR v_key, v_codes IN SELECT key, value FROM jsonb_each(coalesce(p_plan.filter_codes, '{}')) LOOP
        IF v_key = 'occupation' THEN
            SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(v_codes) f
                                                   WHERE f <> '_Z' AND left(c.code, length(f)) = f)) + (v_codes ? '_Z')::integer,
                   count(*) + 1
              INTO v_listed, v_universe
              FROM migstat.code c
             WHERE c.dimension = 'occupation' AND c.active
               AND c.level = (SELECT max(level) FROM migstat.code WHERE dimension = 'occupation');
        ELSE
            v_listed := (SELECT count(DISTINCT f) FROM jsonb_array_elements_text(v_codes) f);
            v_universe := CASE v_key
                WHEN 'source' THEN (SELECT count(*) FROM migstat.source)
                WHEN 'purpose' THEN (SELECT count(*) FROM migstat.purpose WHERE status = 'active')
                WHEN 'age' THEN cardinality(p_plan.band_labels) + 1
                ELSE (SELECT count(*) FROM migstat.code
                       WHERE dimension = CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END AND active) + 1
            END;
        END IF;
        v_n := (SELECT count(DISTINCT f) FROM jsonb_array_elements_text(v_codes) f);
        IF v_n > v_codes_max THEN
            RAISE EXCEPTION 'filter "%" lists % codes: a flexible table filters on at most % code(s) per dimension',
                v_key, v_n, v_codes_max
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('show the dimension itself (--by %s) instead: each union of codes would be a set of records with noise of its own', v_key);
        END IF;
        IF v_listed > 1 AND v_listed > v_share * v_universe THEN
            RAISE EXCEPTION 'filter "%" selects % of % codes: a flexible table may filter on at most % of a code list (% codes here)',
                v_key, v_listed, v_universe, round(v_share * 100) || '%', floor(v_share * v_universe)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'list fewer codes, or show the dimension itself (--by) instead of filtering on its complement';
        END IF;
    END LOOP;

    IF p_plan.age_bands IS NOT NULL THEN
        SELECT max(band) INTO v_last FROM migstat.report_age_bands(p_plan.age_bands);
        FOR v_band IN SELECT * FROM migstat.report_age_bands(p_plan.age_bands) LOOP
            IF v_band.lo % 5 <> 0 AND NOT v_band.lo = ANY (v_grid) THEN
                RAISE EXCEPTION 'age band "%" starts at %: in a flexible table a band starts at a multiple of 5%', v_band.label,
                    v_band.lo, coalesce(' or at ' || nullif(array_to_string(v_grid, ', '), ''), '')
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'move the band''s start to an allowed age, use the default five-year bands, or run a declared table';
            END IF;
            CONTINUE WHEN v_band.band = v_last AND v_band.label LIKE '%+';
            IF v_band.hi - v_band.lo + 1 < v_years THEN
                RAISE EXCEPTION 'age band "%" spans % year(s): in a flexible table every band spans at least % years (an open last band N+ excepted)',
                    v_band.label, v_band.hi - v_band.lo + 1, v_years
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'widen the band, use the default five-year bands, or run a declared table';
            END IF;
        END LOOP;
    END IF;

    IF p_plan.age_bands IS NOT NULL AND NOT replace(p_plan.age_bands, ' ', '') = ANY (v_sets) THEN
        RAISE EXCEPTION 'age bands "%" are not one of the band sets of flexible tables', p_plan.age_bands
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'the default five-year bands, or one of: ' || array_to_string(v_sets, ' | ')
                         || ' (setting flexible_age_bands; a declared table may use other bands)';
    END IF;

    IF v_unit = 'year' AND p_plan.period_from IS NOT NULL AND p_plan.period_from <> date_trunc('year', p_plan.period_from)::date THEN
        RAISE EXCEPTION 'period_from % is not the first day of a year: flexible tables cover whole years', p_plan.period_from
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'start the period on 1 January; for months, use the period unit month over whole years';
    END IF;
    IF v_unit = 'year' AND p_plan.period_to IS NOT NULL
       AND p_plan.period_to <> (date_trunc('year', p_plan.period_to) + interval '1 year - 1 day')::date THEN
        RAISE EXCEPTION 'period_to % is not the last day of a year: flexible tables cover whole years', p_plan.period_to
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'end the period on 31 December; for months, use the period unit month over whole years';
    END IF;
    IF p_plan.period_from IS NOT NULL AND p_plan.period_from <> date_trunc('month', p_plan.period_from)::date THEN
        RAISE EXCEPTION 'period_from % is not the first day of a month: flexible tables cover whole months', p_plan.period_from
            USING ERRCODE = 'invalid_parameter_value', HINT = 'start the period on the first day of a month';
    END IF;
    IF p_plan.period_to IS NOT NULL
       AND p_plan.period_to <> (date_trunc('month', p_plan.period_to) + interval '1 month - 1 day')::date THEN
        RAISE EXCEPTION 'period_to % is not the last day of a month: flexible tables cover whole months', p_plan.period_to
            USING ERRCODE = 'invalid_parameter_value', HINT = 'end the period on the last day of a month';
    END IF;
END
$fn$;
