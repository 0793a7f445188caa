-- migstat 0014: a batch's COPY inserts its rows in buffered groups again, and a loader can no longer
-- set a row's record key or its purpose, batch and source (issue 14).
--   * record_key's default was floor(random() * 256). random() is VOLATILE, and COPY FROM inserts
--     row by row (one heap_insert and one WAL record per row, instead of heap_multi_insert's
--     groups) whenever a column it fills from its default has a volatile default expression: such
--     an expression might read the table being loaded and must see every row before it. Ours
--     does not read any table. migstat.record_key_draw() is the same C function as random()
--     (drandom: the backend's generator, seeded from the operating system's strong random source
--     when the backend starts) declared STABLE, so the planner no longer treats the default as one
--     that could read the table: COPY buffers again. The draw is still made once per row, by
--     the server, as before (a default is evaluated for every row it fills; STABLE lets the
--     planner evaluate a call once per statement only where it stands in an index or partition
--     condition, and this function is used nowhere but in this default). Measured: the server's
--     COPY of the 1,000,000 encoded rows of the import benchmark, 1.09-1.36 s before, 0.87-1.08 s
--     after (single runs, the closing note of issue 14).
--     A LANGUAGE internal function can only be created by a superuser: it is created here, owned by
--     migstat_owner, and has no file under functions/ (like migstat_super.checkpoint in 0007).
--     EXECUTE: migstat_loader (privileges.sql), since a default is evaluated with the privileges
--     of whoever inserts.
--   * begin_batch grants the loader INSERT on the columns migstat sends only (functions/import/
--     begin_batch.sql): purpose_id, batch_id and source_id always take the batch's own values and
--     record_key the server's draw; a hand-made INSERT or COPY naming one of them is refused
--     (42501) instead of being caught by check_batch.
RESET ROLE;

CREATE FUNCTION migstat.record_key_draw() RETURNS double precision
LANGUAGE internal STABLE STRICT PARALLEL RESTRICTED AS 'drandom';
COMMENT ON FUNCTION migstat.record_key_draw() IS
    'migstat: random() (drandom) declared STABLE, used only in the default of records.record_key, so that COPY into a batch inserts in buffered groups (migration 0014)';
ALTER FUNCTION migstat.record_key_draw() OWNER TO migstat_owner;
REVOKE ALL ON FUNCTION migstat.record_key_draw() FROM PUBLIC;

SET LOCAL ROLE migstat_owner;
ALTER TABLE migstat.records ALTER COLUMN record_key SET DEFAULT (floor(migstat.record_key_draw() * 256))::smallint;
