-- The batch the connected user is loading (status loading, imported by session_user), or 55000.
CREATE OR REPLACE FUNCTION migstat.loading_batch(p_batch_id integer) RETURNS migstat.batch
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v migstat.batch;
BEGIN
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    IF NOT FOUND OR v.status <> 'loading' OR v.imported_by <> session_user THEN
        RAISE EXCEPTION 'batch % is not being loaded by %', p_batch_id, session_user
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN v;
END
$$;
