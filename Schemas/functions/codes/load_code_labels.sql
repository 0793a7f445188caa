-- Replaces the labels of one code list in one language (not English: that is migstat.code.label).
-- Labels of codes the list does not have are refused (the codes are loaded first). Administrators
-- only; one audit row.
CREATE OR REPLACE FUNCTION migstat.load_code_labels(p_dimension text, p_lang text, p_codes text[], p_labels text[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_n       integer;
    v_unknown text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF array_length(p_codes, 1) IS DISTINCT FROM array_length(p_labels, 1) THEN
        RAISE EXCEPTION 'codes and labels differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lang IS NULL OR p_lang !~ '^[a-z]{2,3}$' OR p_lang = 'en' THEN
        RAISE EXCEPTION 'language "%" is not a language of code labels (ru, ky, ...; English is the code''s own label)', p_lang
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT min(u.code) INTO v_unknown FROM unnest(p_codes) AS u(code)
     WHERE NOT EXISTS (SELECT FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = upper(u.code));
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'code list "%" has no code "%"', p_dimension, v_unknown USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM migstat.code_label WHERE dimension = p_dimension AND lang = p_lang;
    INSERT INTO migstat.code_label (dimension, code, lang, label)
    SELECT p_dimension, upper(u.code), p_lang, u.label
      FROM unnest(p_codes, p_labels) AS u(code, label)
     WHERE u.label IS NOT NULL AND u.label <> ''
    ON CONFLICT (dimension, code, lang) DO UPDATE SET label = EXCLUDED.label;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.audit('codes.labels', jsonb_build_object('dimension', p_dimension, 'lang', p_lang, 'labels', v_n));
    RETURN v_n;
END
$$;
