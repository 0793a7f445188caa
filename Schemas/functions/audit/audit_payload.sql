-- The canonical text a row's hash covers.
CREATE OR REPLACE FUNCTION migstat.audit_payload(seq bigint, at timestamptz, actor name, action text, purpose_id smallint,
                                      batch_id integer, details jsonb)
RETURNS bytea LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT convert_to(concat_ws(E'\x1f', seq::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                actor, action, coalesce(purpose_id::text, ''), coalesce(batch_id::text, ''),
                                details::text), 'UTF8')
$$;
