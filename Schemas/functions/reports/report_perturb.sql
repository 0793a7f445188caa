-- migstat.report_perturb: the published value of a count n whose cell key sum is ks (sum of the
-- record or person keys of its records; Docs/PTABLE.md): n + pvalue from migstat.ptable for
-- pcv = n (n <= 750) or ((n - 1) % 250) + 501 and cell key ks % 256. 0 stays 0; NULL n is NULL.
-- Raises 55000 when the p-table is not loaded (never publishes an unperturbed count). Internal
-- (coverage; migstat.report_cube joins migstat.ptable itself, over whole tables).
CREATE OR REPLACE FUNCTION migstat.report_perturb(p_n bigint, p_ks bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_p smallint;
BEGIN
    IF p_n IS NULL OR p_n = 0 THEN
        RETURN p_n;
    END IF;
    SELECT p.pvalue INTO v_p FROM migstat.ptable p
     WHERE p.pcv = CASE WHEN p_n <= 750 THEN p_n ELSE (p_n - 1) % 250 + 501 END
       AND (coalesce(p_ks, 0) % 256) BETWEEN p.ckey_lo AND p.ckey_hi;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the perturbation table migstat.ptable is not loaded (run migstat db init)'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN p_n + v_p;
END
$fn$;
