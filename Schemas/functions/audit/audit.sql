-- Appends one audit entry (internal: called by other migstat functions, never granted), in the
-- caller's transaction, so the entry commits or rolls back with the action it records.
-- No lock and no read of earlier entries: the entry takes the next number of migstat.audit_seq and
-- is queued in migstat.audit_pending; migstat.audit_seal() later puts committed entries into the
-- Merkle tree in order (Docs/GUARANTEES.md A1). Records the database user (session_user), the
-- client address and application name the connection reports, and the OS user the client reported
-- in the setting migstat.os_user (marked as reported: the server cannot check it).
CREATE OR REPLACE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}', p_purpose_id smallint DEFAULT NULL,
                              p_batch_id integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_seq bigint := nextval('migstat.audit_seq');
BEGIN
    INSERT INTO migstat.audit_log (seq, at, actor, action, purpose_id, batch_id, details, client_addr, application,
                                   os_user_reported)
    VALUES (v_seq, clock_timestamp(), session_user, p_action, p_purpose_id, p_batch_id, coalesce(p_details, '{}'),
            inet_client_addr(), nullif(left(current_setting('application_name', true), 64), ''),
            nullif(left(regexp_replace(coalesce(current_setting('migstat.os_user', true), ''), '[[:cntrl:]]', '', 'g'), 64), ''));
    INSERT INTO migstat.audit_pending (seq) VALUES (v_seq);
    RETURN v_seq;
END
$$;
