-- The age bands of a report: NULL = the Eurostat five-year bands (Y_LT5, Y5-9, ..., Y80-84,
-- Y_GE85); otherwise a comma-separated list of N, N-M or N+ (e.g. '0-5,6-13,14,...,65+') whose
-- labels are the bands as written. The bands must be contiguous, start at 0 and cover every age
-- up to 130 (end with an open band N+), so that the bands add up to the total.
CREATE OR REPLACE FUNCTION migstat.report_age_bands(p_spec text)
RETURNS TABLE (band integer, lo integer, hi integer, label text)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_item  text;
    v_m     text[];
    v_lo    integer;
    v_hi    integer;
    v_next  integer := 0;
    v_i     integer := 0;
BEGIN
    IF p_spec IS NULL THEN
        FOR v_i IN 0..17 LOOP
            band := v_i + 1;
            lo := v_i * 5;
            hi := CASE WHEN v_i = 17 THEN 130 ELSE v_i * 5 + 4 END;
            label := CASE v_i WHEN 0 THEN 'Y_LT5' WHEN 17 THEN 'Y_GE85' ELSE format('Y%s-%s', lo, hi) END;
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    FOREACH v_item IN ARRAY string_to_array(p_spec, ',') LOOP
        v_item := btrim(v_item);
        v_i := v_i + 1;
        IF v_next > 130 THEN
            RAISE EXCEPTION 'age band % ("%") follows the open band', v_i, v_item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_m := regexp_match(v_item, '^(\d{1,3})(?:\s*(-)\s*(\d{1,3})|\s*(\+))?$');
        IF v_m IS NULL THEN
            RAISE EXCEPTION 'age band % ("%") is not N, N-M or N+', v_i, v_item USING ERRCODE = 'invalid_parameter_value',
                HINT = 'bands are N, N-M or N+, contiguous from 0 and ending with an open band, e.g. --age-bands 0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+';
        END IF;
        v_lo := v_m[1]::integer;
        v_hi := CASE WHEN v_m[4] IS NOT NULL THEN 130 WHEN v_m[3] IS NOT NULL THEN v_m[3]::integer ELSE v_lo END;
        IF v_lo <> v_next THEN
            RAISE EXCEPTION 'age band % ("%") must start at %: bands are contiguous from 0', v_i, v_item, v_next
                USING ERRCODE = 'invalid_parameter_value', HINT = 'bands are N, N-M or N+, contiguous from 0 and ending with an open band, e.g. --age-bands 0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+';
        END IF;
        IF v_hi < v_lo OR v_hi > 130 THEN
            RAISE EXCEPTION 'age band % ("%") is not a range within 0-130', v_i, v_item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        band := v_i;
        lo := v_lo;
        hi := v_hi;
        label := v_item;
        RETURN NEXT;
        v_next := v_hi + 1;
    END LOOP;
    IF v_next <= 130 THEN
        RAISE EXCEPTION 'age bands must cover every age: end with an open band such as "65+"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
