-- RFC 6962 leaf hash of one entry: SHA-256(0x00 || audit_payload(entry)).
CREATE OR REPLACE FUNCTION migstat.audit_leaf_hash(e migstat.audit_log)
RETURNS bytea LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT sha256('\x00'::bytea || convert_to(migstat.audit_payload(e), 'UTF8'))
$$;
