-- migstat.declare_table: adds a table to a purpose's output programme (migstat.declared_table).
-- Stewards of the purpose and administrators. A declared table is published with exact counts and
-- suppression computed jointly over every declared table of the purpose (migstat.programme_run);
-- analysts run it with migstat.declared_report.
--   p_dims         dimensions in output order (as migstat.report; not purpose, which the programme
--                  fixes); 'period' needs (or gets) a period unit;
--   p_filters      {"dimension": "CODE"} or {"dimension": ["CODE"]}: one code per filtered
--                  dimension (a filter fixes a dimension: the table is a slice of the programme
--                  cube; a list of codes is a category of its own -- declare a coarser code list);
--   p_age_bands    as migstat.report (NULL = five-year bands); p_period_unit year|quarter|month.
-- The tables of one purpose share one classification, so that every cell of one is a cell of one
-- cube over the union of their dimensions: every declared table that uses age has the same bands,
-- every one with a period the same unit. Refusals: SQLSTATE 22023, naming what was given and what
-- is allowed.
CREATE OR REPLACE FUNCTION migstat.declare_table(p_purpose text, p_name text, p_title text, p_dims text[],
                                                 p_filters jsonb DEFAULT '{}', p_age_bands text DEFAULT NULL,
                                                 p_period_unit text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_p       migstat.purpose;
    v_all     text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() ORDER BY ord);
    v_dims    text[] := '{}';
    v_dim     text;
    v_filters jsonb := '{}';
    v_key     text;
    v_val     jsonb;
    v_unit    text := lower(btrim(p_period_unit));
    v_bands   text := nullif(btrim(p_age_bands), '');
    v_other   migstat.declared_table;
    v_id      integer;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not declare tables of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'administrators and the stewards of the purpose declare its tables';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its programme is frozen', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{0,39}$' THEN
        RAISE EXCEPTION 'table name "%" is not allowed', p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'a lower-case letter, then up to 39 lower-case letters, digits or _';
    END IF;
    IF p_title IS NULL OR btrim(p_title) = '' THEN
        RAISE EXCEPTION 'table "%" needs a title', p_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(p_dims), 0) = 0 THEN
        RAISE EXCEPTION 'table "%" needs at least one dimension', p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'dimensions: ' || array_to_string(array_remove(v_all, 'purpose'), ', ');
    END IF;
    FOREACH v_dim IN ARRAY p_dims LOOP
        v_dim := lower(btrim(v_dim));
        IF v_dim IS NULL OR NOT v_dim = ANY (v_all) OR v_dim = 'purpose' THEN
            RAISE EXCEPTION 'unknown table dimension "%"', v_dim USING ERRCODE = 'invalid_parameter_value',
                HINT = 'dimensions: ' || array_to_string(array_remove(v_all, 'purpose'), ', ');
        END IF;
        IF v_dim = ANY (v_dims) THEN
            RAISE EXCEPTION 'dimension "%" is listed twice', v_dim USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_dims := v_dims || v_dim;
    END LOOP;
    IF v_unit IS NOT NULL AND v_unit NOT IN ('year', 'quarter', 'month') THEN
        RAISE EXCEPTION 'period unit "%" is not allowed', p_period_unit USING ERRCODE = 'invalid_parameter_value',
            HINT = 'year, quarter or month';
    END IF;
    IF v_unit IS NOT NULL AND NOT 'period' = ANY (v_dims) THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    IF 'period' = ANY (v_dims) THEN
        v_unit := coalesce(v_unit, 'year');
        v_dims := array_remove(v_dims, 'period') || 'period'::text;
    END IF;
    IF NOT 'age' = ANY (v_dims) AND v_bands IS NOT NULL AND NOT coalesce(p_filters, '{}') ? 'age' THEN
        RAISE EXCEPTION 'age bands given for a table without age' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_bands IS NOT NULL THEN
        PERFORM migstat.report_age_bands(v_bands);     -- raises on a malformed list
    END IF;
    IF jsonb_typeof(coalesce(p_filters, '{}')) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object {"dimension": "CODE"}' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_key, v_val IN SELECT key, value FROM jsonb_each(coalesce(p_filters, '{}')) LOOP
        v_key := lower(btrim(v_key));
        IF jsonb_typeof(v_val) = 'array' AND jsonb_array_length(v_val) = 1 THEN
            v_val := v_val -> 0;
        END IF;
        IF jsonb_typeof(v_val) <> 'string' THEN
            RAISE EXCEPTION 'filter "%" of a declared table fixes one code', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'a list of codes is a category of its own: declare a table by the dimension instead';
        END IF;
        IF NOT v_key = ANY (v_all) OR v_key IN ('purpose', 'period') THEN
            RAISE EXCEPTION 'cannot filter on "%"', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'filter dimensions: ' || array_to_string(array_remove(array_remove(v_all, 'purpose'), 'period'), ', ');
        END IF;
        IF v_key = ANY (v_dims) THEN
            RAISE EXCEPTION '"%" is both a dimension and a filter', v_key USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_filters := v_filters || jsonb_build_object(v_key, jsonb_build_array(btrim(v_val #>> '{}')));
    END LOOP;
    IF ('age' = ANY (v_dims) OR v_filters ? 'age') THEN
        SELECT * INTO v_other FROM migstat.declared_table d
         WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL AND ('age' = ANY (d.dims) OR d.filters ? 'age')
           AND d.age_bands IS DISTINCT FROM v_bands ORDER BY d.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'table "%" would use other age bands than table "%" of purpose "%"', p_name, v_other.name, p_purpose
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('the tables of a programme share one classification: age bands %s', coalesce(v_other.age_bands, 'five-year (default)'));
        END IF;
    END IF;
    IF v_unit IS NOT NULL THEN
        SELECT * INTO v_other FROM migstat.declared_table d
         WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL AND d.period_unit IS NOT NULL AND d.period_unit <> v_unit ORDER BY d.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'table "%" would use period unit % but table "%" of purpose "%" uses %', p_name, v_unit,
                v_other.name, p_purpose, v_other.period_unit USING ERRCODE = 'invalid_parameter_value',
                HINT = 'the tables of a programme share one classification';
        END IF;
    END IF;
    -- The filter codes must exist: the plan resolves them (and the bands) the way reports do.
    PERFORM migstat.report_parameters(v_dims, v_filters, NULL, NULL, v_unit, v_bands, NULL, 'records', 1, false);
    IF EXISTS (SELECT 1 FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_name) THEN
        RAISE EXCEPTION 'purpose "%" already has a table "%"', p_purpose, p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'table names are kept for good, retired tables included: choose another name';
    END IF;
    INSERT INTO migstat.declared_table (purpose_id, name, title, dims, filters, age_bands, period_unit)
    VALUES (v_p.id, p_name, btrim(p_title), v_dims, v_filters, CASE WHEN 'age' = ANY (v_dims) OR v_filters ? 'age' THEN v_bands END,
            v_unit)
    RETURNING id INTO v_id;
    PERFORM migstat.audit('table.declare', jsonb_build_object('table', p_name, 'title', btrim(p_title), 'dims', to_jsonb(v_dims),
                          'filters', v_filters, 'age_bands', v_bands, 'period_unit', v_unit), v_p.id);
    RETURN v_id;
END
$fn$;
