-- migstat.purpose_key: registers the fingerprint of a purpose's pseudonym key (administrators, once:
-- when the purpose is declared; HMAC-SHA256(key, 'migstat key fingerprint v1'), never the key).
-- Imports with another key for the purpose are then refused (begin_batch).
CREATE OR REPLACE FUNCTION migstat.purpose_key(p_purpose text, p_fingerprint text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v migstat.purpose;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF p_fingerprint IS NULL OR p_fingerprint !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'a key fingerprint is 64 hex digits' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.key_fingerprint IS NOT NULL THEN
        IF v.key_fingerprint = p_fingerprint THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'purpose "%" already has a key: a purpose''s key is created once', p_purpose USING ERRCODE = 'MS409';
    END IF;
    UPDATE migstat.purpose SET key_fingerprint = p_fingerprint WHERE id = v.id;
    PERFORM migstat.audit('key.register', jsonb_build_object('purpose', v.name, 'key_id', v.key_id, 'fingerprint', p_fingerprint), v.id);
END
$fn$;
