-- The RFC 6962 root (hex) (Merkle tree hash) of the first p_size sealed entries, from the stored complete
-- subtrees: for p_size = 2^a + 2^b + ... (a > b > ...) it folds them right to left,
-- root = SHA-256(0x01 || subtree(2^a) || root(rest)). The empty tree's root is SHA-256 of nothing.
-- NULL when the tree has fewer than p_size leaves (or a subtree is missing).
CREATE OR REPLACE FUNCTION migstat.audit_root(p_size bigint)
RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_acc   bytea;
    v_h     bytea;
    v_start bigint := 0;
    v_l     int;
    v_parts bytea[] := '{}';
    i       int;
BEGIN
    IF p_size IS NULL OR p_size < 0 THEN
        RETURN NULL;
    ELSIF p_size = 0 THEN
        RETURN encode(sha256(''::bytea), 'hex');
    END IF;
    FOR v_l IN REVERSE 62..0 LOOP
        IF (p_size >> v_l) & 1 = 1 THEN
            SELECT hash INTO v_h FROM migstat.audit_tree WHERE level = v_l AND idx = v_start >> v_l;
            IF NOT FOUND THEN
                RETURN NULL;
            END IF;
            v_parts := v_parts || v_h;
            v_start := v_start + (1::bigint << v_l);
        END IF;
    END LOOP;
    v_acc := v_parts[array_length(v_parts, 1)];
    FOR i IN REVERSE array_length(v_parts, 1) - 1..1 LOOP
        v_acc := sha256('\x01'::bytea || v_parts[i] || v_acc);
    END LOOP;
    RETURN encode(v_acc, 'hex');
END
$$;
