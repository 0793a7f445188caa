-- The canonical text of one entry: what its Merkle leaf covers (leaf hash = SHA-256(0x00 || its UTF-8)).
-- A JSON object (PostgreSQL's jsonb text: keys in a fixed order), so a proof carries it as it is and
-- anyone can read the fields back from it. Entries written before 0006 have NULL client fields.
CREATE OR REPLACE FUNCTION migstat.audit_payload(e migstat.audit_log)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_build_object(
               'seq', e.seq,
               'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'actor', e.actor::text,
               'action', e.action,
               'purpose_id', e.purpose_id,
               'batch_id', e.batch_id,
               'details', e.details,
               'client_addr', host(e.client_addr),
               'application', e.application,
               'os_user_reported', e.os_user_reported)::text
$$;
