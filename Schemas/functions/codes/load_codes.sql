-- Replaces (or extends) a code list. Codes keep their ids; codes that are no longer listed are
-- deactivated (records may still hold them), never deleted. Administrators only.
CREATE OR REPLACE FUNCTION migstat.load_codes(p_dimension text, p_codes text[], p_labels text[], p_parents text[] DEFAULT NULL,
                                   p_levels smallint[] DEFAULT NULL, p_replace boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_n integer;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF array_length(p_codes, 1) IS DISTINCT FROM array_length(p_labels, 1) THEN
        RAISE EXCEPTION 'codes and labels differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_replace THEN
        UPDATE migstat.code SET active = false WHERE dimension = p_dimension AND NOT (code = ANY (p_codes));
    END IF;
    INSERT INTO migstat.code AS c (dimension, id, code, label, parent, level, sort_order)
    SELECT p_dimension,
           coalesce((SELECT max(id) FROM migstat.code WHERE dimension = p_dimension), 0)
               + row_number() OVER (ORDER BY u.ord),
           upper(u.code), u.label, p_parents[u.ord], coalesce(p_levels[u.ord], 1), u.ord
      FROM unnest(p_codes, p_labels) WITH ORDINALITY AS u(code, label, ord)
    ON CONFLICT (dimension, code) DO UPDATE
       SET label = EXCLUDED.label, parent = EXCLUDED.parent, level = EXCLUDED.level,
           sort_order = EXCLUDED.sort_order, active = true;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.audit('codes.load', jsonb_build_object('dimension', p_dimension, 'codes', v_n,
                          'replace', p_replace));
    RETURN v_n;
END
$$;
