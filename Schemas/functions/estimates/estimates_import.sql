-- Imports estimates for a purpose (loaders holding the purpose's load compartment). p_rows is a
-- JSON array of objects:
--   {"period_from": "2024-01-01", "period_to": "2024-12-31", "dims": {"migration_status": "IRR", "sex": "F"},
--    "value": 1200, "lower_bound": 800, "upper_bound": 1900, "method": "...", "source_reference": "..."}
-- dims: direction, sex, age (a band label: Y15-19, Y_LT5, Y_GE85, 15-19, 65+, 14), nationality,
-- country, region, reason, occupation (any ISCO-08 level), worker_category, ethnicity,
-- migration_status, disability; a dimension left out = the total over it. Every row is checked
-- (codes exist, 0 <= lower_bound <= value <= upper_bound, period_from <= period_to, method given)
-- before anything is stored; the first bad row raises an error naming its index (1 = first) and
-- the field, never the value. All rows or none are stored.
-- p_file_name and p_sha256 (the file's SHA-256, hex) make the import one row of
-- migstat.estimate_file: a content imported before and not withdrawn is refused (MS409, naming the
-- earlier import), as batches are. Returns the number of estimates stored; the import's id is in
-- the audit entry and in migstat.estimates_list.
CREATE OR REPLACE FUNCTION migstat.estimates_import(p_source text, p_purpose text, p_rows jsonb, p_file_name text,
                                                    p_sha256 text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    -- The record dimensions of the catalogue.
    c_dims  CONSTANT text[] := ARRAY(SELECT d.name FROM migstat.dimension d WHERE d.is_record_column ORDER BY d.ord);
    c_keys  CONSTANT text[] := ARRAY['period_from', 'period_to', 'dims', 'value', 'lower_bound', 'upper_bound',
                                     'method', 'source_reference'];
    v_p      migstat.purpose;
    v_src    smallint;
    v_row    jsonb;
    v_i      integer := 0;
    v_key    text;
    v_field  text;
    v_txt    text;
    v_dims   jsonb;
    v_from   date;
    v_to     date;
    v_num    numeric[];
    v_n      integer := 0;
    v_file   bigint;
BEGIN
    PERFORM migstat.require_role('migstat_loader');
    v_p := migstat.require_compartment(p_purpose, 'load');
    IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'the file''s SHA-256 must be 64 lower-case hex digits' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(p_file_name), '') = '' THEN
        RAISE EXCEPTION 'the file name is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The same content is refused while an import of it is active (two imports of it at once: the
    -- second waits for the first's lock, then sees it).
    PERFORM pg_advisory_xact_lock(hashtext('migstat.estimate_file'), hashtext(p_sha256));
    SELECT id INTO v_file FROM migstat.estimate_file WHERE sha256 = p_sha256 AND status = 'active';
    IF FOUND THEN
        RAISE EXCEPTION 'this file was already imported as estimates %', v_file
            USING ERRCODE = 'MS409', DETAIL = format('estimates=%s', v_file),
                  HINT = format('migstat estimates list shows it; to replace it, withdraw it first: migstat estimates withdraw %s --reason TEXT', v_file);
    END IF;
    IF p_source IS NULL OR p_source !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' THEN
        RAISE EXCEPTION 'source names are 1-63 characters: a letter or digit, then letters, digits, ".", "_", "-"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_rows IS NULL OR jsonb_typeof(p_rows) <> 'array' THEN
        RAISE EXCEPTION 'estimates must be a JSON array of objects' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT id INTO v_src FROM migstat.source WHERE name = p_source;
    INSERT INTO migstat.estimate_file (purpose_id, source_id, file_name, sha256, estimates)
    VALUES (v_p.id, v_src, btrim(p_file_name), p_sha256, 0) RETURNING id INTO v_file;

    FOR v_row IN SELECT e FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS a(e, n) ORDER BY a.n LOOP
        v_i := v_i + 1;
        IF jsonb_typeof(v_row) <> 'object' THEN
            RAISE EXCEPTION 'estimates row %: not a JSON object', v_i
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('row=%s', v_i);
        END IF;
        FOR v_key IN SELECT k FROM jsonb_object_keys(v_row) k ORDER BY k LOOP
            IF NOT v_key = ANY (c_keys) THEN
                RAISE EXCEPTION 'estimates row %: unknown field "%"', v_i, left(v_key, 40)
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'fields: ' || array_to_string(c_keys, ', '),
                    COLUMN = left(v_key, 40), DETAIL = format('row=%s', v_i);
            END IF;
        END LOOP;
        -- period
        FOREACH v_field IN ARRAY ARRAY['period_from', 'period_to'] LOOP
            v_txt := CASE WHEN jsonb_typeof(v_row -> v_field) = 'string' THEN v_row ->> v_field END;
            IF v_txt IS NULL OR v_txt !~ '^\d{4}-\d{2}-\d{2}$' THEN
                RAISE EXCEPTION 'estimates row %: field %: a date YYYY-MM-DD is required', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
            BEGIN
                IF v_field = 'period_from' THEN v_from := v_txt::date; ELSE v_to := v_txt::date; END IF;
            EXCEPTION WHEN others THEN
                RAISE EXCEPTION 'estimates row %: field %: not a valid date', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END;
        END LOOP;
        IF v_to < v_from THEN
            RAISE EXCEPTION 'estimates row %: field period_to: before period_from', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'period_to', DETAIL = format('row=%s', v_i);
        END IF;
        -- value and bounds
        v_num := ARRAY[NULL, NULL, NULL]::numeric[];
        FOR v_j IN 1..3 LOOP
            v_field := (ARRAY['value', 'lower_bound', 'upper_bound'])[v_j];
            CONTINUE WHEN v_j > 1 AND coalesce(jsonb_typeof(v_row -> v_field), 'null') = 'null';
            IF coalesce(jsonb_typeof(v_row -> v_field), 'null') NOT IN ('number', 'string') THEN
                RAISE EXCEPTION 'estimates row %: field %: a number is required', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
            BEGIN
                v_num[v_j] := (v_row ->> v_field)::numeric;
            EXCEPTION WHEN others THEN
                RAISE EXCEPTION 'estimates row %: field %: not a number', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END;
            IF v_num[v_j] IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) OR v_num[v_j] < 0 THEN
                RAISE EXCEPTION 'estimates row %: field %: must be a finite number >= 0', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
        END LOOP;
        IF v_num[2] > v_num[1] THEN
            RAISE EXCEPTION 'estimates row %: field lower_bound: greater than value', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'lower_bound', DETAIL = format('row=%s', v_i);
        END IF;
        IF v_num[3] < v_num[1] THEN
            RAISE EXCEPTION 'estimates row %: field upper_bound: less than value', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'upper_bound', DETAIL = format('row=%s', v_i);
        END IF;
        IF jsonb_typeof(v_row -> 'method') IS DISTINCT FROM 'string' OR btrim(v_row ->> 'method') = '' THEN
            RAISE EXCEPTION 'estimates row %: field method: a description of the method is required', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'method', DETAIL = format('row=%s', v_i);
        END IF;
        IF coalesce(jsonb_typeof(v_row -> 'source_reference'), 'null') NOT IN ('null', 'string') THEN
            RAISE EXCEPTION 'estimates row %: field source_reference: must be text', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'source_reference', DETAIL = format('row=%s', v_i);
        END IF;
        -- dims: codes of their lists (stored in canonical upper case)
        IF coalesce(jsonb_typeof(v_row -> 'dims'), 'null') NOT IN ('null', 'object') THEN
            RAISE EXCEPTION 'estimates row %: field dims: must be an object {"dimension": "CODE"}', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'dims', DETAIL = format('row=%s', v_i);
        END IF;
        v_dims := '{}';
        FOR v_key, v_txt IN SELECT d.key, CASE WHEN jsonb_typeof(d.value) = 'string' THEN btrim(d.value #>> '{}') END
                              FROM jsonb_each(coalesce(v_row -> 'dims', '{}')) d ORDER BY d.key LOOP
            IF NOT v_key = ANY (c_dims) THEN
                RAISE EXCEPTION 'estimates row %: field dims: unknown dimension "%"', v_i, left(v_key, 40)
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'dimensions: ' || array_to_string(c_dims, ', '),
                    COLUMN = 'dims', DETAIL = format('row=%s', v_i);
            END IF;
            IF v_txt IS NULL THEN
                RAISE EXCEPTION 'estimates row %: field dims.%: a code (text) is required', v_i, v_key
                    USING ERRCODE = 'invalid_parameter_value',
                    COLUMN = 'dims.' || v_key, DETAIL = format('row=%s', v_i);
            END IF;
            IF v_key = 'age' THEN
                v_txt := upper(v_txt);
                IF v_txt !~ '^(Y_LT\d{1,3}|Y_GE\d{1,3}|Y\d{1,3}-\d{1,3}|\d{1,3}(-\d{1,3}|\+)?)$' THEN
                    RAISE EXCEPTION 'estimates row %: field dims.age: not an age band label (Y15-19, Y_GE85, 15-19, 65+)', v_i
                        USING ERRCODE = 'invalid_parameter_value', COLUMN = 'dims.age', DETAIL = format('row=%s', v_i);
                END IF;
            ELSE
                v_txt := upper(v_txt);
                IF NOT EXISTS (SELECT 1 FROM migstat.code
                                WHERE dimension = (SELECT d.code_list FROM migstat.dimension d WHERE d.name = v_key)
                                  AND code = v_txt AND active) THEN
                    RAISE EXCEPTION 'estimates row %: field dims.%: not a code of the list', v_i, v_key
                        USING ERRCODE = 'invalid_parameter_value',
                        COLUMN = 'dims.' || v_key, DETAIL = format('row=%s', v_i);
                END IF;
            END IF;
            v_dims := v_dims || jsonb_build_object(v_key, v_txt);
        END LOOP;
        INSERT INTO migstat.estimate (purpose_id, source_id, period_from, period_to, dims, value, lower_bound,
                                      upper_bound, method, source_reference, file_id)
        VALUES (v_p.id, v_src, v_from, v_to, v_dims, v_num[1], v_num[2], v_num[3], btrim(v_row ->> 'method'),
                v_row ->> 'source_reference', v_file);
        v_n := v_n + 1;
    END LOOP;
    UPDATE migstat.estimate_file SET estimates = v_n WHERE id = v_file;
    PERFORM migstat.audit('estimates.import', jsonb_build_object('source', p_source, 'purpose', v_p.name, 'rows', v_n,
                                                                 'estimates', v_file, 'file', btrim(p_file_name),
                                                                 'sha256', p_sha256),
                          v_p.id);
    RETURN v_n;
END
$$;
