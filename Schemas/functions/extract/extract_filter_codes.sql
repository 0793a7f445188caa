-- The code ids of a code filter: a JSON string or array of strings, matched case-insensitively
-- against the dimension's codes. An unknown code is an error, not an empty match. Internal.
CREATE OR REPLACE FUNCTION migstat.extract_filter_codes(p_dimension text, p_key text, p_value jsonb) RETURNS smallint[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_codes text[];
    v_ids   smallint[];
    v_bad   text;
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RETURN NULL;
    ELSIF jsonb_typeof(p_value) = 'string' THEN
        v_codes := ARRAY[upper(btrim(p_value #>> '{}'))];
    ELSIF jsonb_typeof(p_value) = 'array'
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_value) e WHERE jsonb_typeof(e) <> 'string') THEN
        SELECT coalesce(array_agg(upper(btrim(e))), '{}') INTO v_codes FROM jsonb_array_elements_text(p_value) e;
    ELSE
        RAISE EXCEPTION 'filter "%" must be a code or an array of codes', p_key USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(v_codes) = 0 THEN
        RAISE EXCEPTION 'filter "%" lists no codes', p_key USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT u.c INTO v_bad FROM unnest(v_codes) u(c)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = u.c) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'filter "%": "%" is not a % code', p_key, v_bad, p_dimension
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT array_agg(c.id) INTO v_ids FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = ANY (v_codes);
    RETURN v_ids;
END
$$;
