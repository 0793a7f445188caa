-- migstat.read_begin: the first step of every read of record data (report, coverage, extract, a
-- declared report), called right after the caller's role check, before anything is computed or
-- refused for its parameters. Internal (granted to nobody; the read functions run as its owner).
--   1. Reads whether the caller's transaction has written anything (an xid is assigned), before
--      anything here could assign one.
--   2. Draws the call's read number from migstat.read_seq (not transactional: it survives a
--      rollback, a cancel, an error) and writes the server-log line
--        migstat read N: user=<session_user> call=<p_call> args=<p_args> db=<database>
--      (read numbers are per database: db= tells them apart in a cluster's one log)
--      p_args are the options the caller typed (dimensions, codes, periods, bands), never a record
--      value. The committed audit row of a call that returned data carries "read": N in its
--      details; migstat.read_gaps() lists the numbers without one.
--   3. Refuses a read in a transaction that has written data (the padding attack: insert made-up
--      records, read the count, roll back): SQLSTATE 25000 invalid_transaction_state.
-- Returns the read number.
CREATE OR REPLACE FUNCTION migstat.read_begin(p_call text, p_args jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_wrote boolean := pg_current_xact_id_if_assigned() IS NOT NULL;   -- first: nextval may assign an xid
    v_no    bigint;
BEGIN
    v_no := nextval('migstat.read_seq');
    RAISE LOG 'migstat read %: user=% call=% args=% db=%', v_no, session_user, p_call, coalesce(p_args, 'null'::jsonb),
        current_database();
    IF v_wrote THEN
        RAISE EXCEPTION 'run reports in a transaction that has not written data (read %)', v_no
            USING ERRCODE = 'invalid_transaction_state',
                  HINT = 'a report, coverage or extract counts only what others committed: commit or roll back first, '
                         'or run it in its own transaction';
    END IF;
    RETURN v_no;
END
$$;
