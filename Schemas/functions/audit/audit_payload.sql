-- The canonical text of one entry: what its Merkle leaf covers (leaf hash = SHA-256(0x00 || its UTF-8)).
-- A JSON object with its keys in this fixed order, strings quoted by to_json, details as PostgreSQL
-- writes the jsonb: a proof carries it as it is and anyone can read the fields back from it. Built
-- by concatenation, not jsonb_build_object (half the time at a million entries); audit_verify
-- repeats the same expression inline. Entries written before 0006 have NULL client fields.
CREATE OR REPLACE FUNCTION migstat.audit_payload(e migstat.audit_log)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT concat('{"seq":', e.seq,
                  ',"at":"', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  '","actor":', to_json(e.actor::text),
                  ',"action":', to_json(e.action),
                  ',"purpose_id":', coalesce(e.purpose_id::text, 'null'),
                  ',"batch_id":', coalesce(e.batch_id::text, 'null'),
                  ',"details":', e.details::text,
                  ',"client_addr":', coalesce(to_json(host(e.client_addr))::text, 'null'),
                  ',"application":', coalesce(to_json(e.application)::text, 'null'),
                  ',"os_user_reported":', coalesce(to_json(e.os_user_reported)::text, 'null'), '}')
$$;
