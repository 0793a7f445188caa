-- migstat 0009: imports faster than a raw COPY, flat in history, compartments that do not
-- interfere (issue 14). Functions: Schemas/functions/import/.
--   * A batch's table has no per-row CHECK constraint during its COPY any more: check_batch checks
--     every row in one query after the COPY -- the code lists (migstat.code_condition), the record
--     store's own CHECKs and the batch's purpose, batch and source --, finish_batch refuses a batch
--     that check_batch has not checked, and the attach checks the partition bounds. The record
--     store's own CHECKs (age range, record_id length, pseudonym length, record_key range) leave
--     migstat.records, whose partitions must all have every CHECK of their parent: batches are the
--     only way rows get into it (migstat_owner holds every privilege, nobody else any), and
--     check_batch checks every batch's every row against them. The partitions attached before lose
--     them with the parent (a partition's copy of a parent's CHECK is inherited, not its own); their
--     rows were checked when they were loaded.
--   * Duplicates against earlier batches are looked for only in the batches of the same
--     compartment (source within purpose) whose record_id range overlaps the new batch's: the
--     ranges live in migstat_data.record_id_ranges_<purpose id> (one row per loaded batch, no
--     record but the two bounds), dropped with the purpose (drop_record_storage) and rewritten
--     without the batch when a batch is withdrawn.
--   * A file's SHA-256 is unique among the live batches of its purpose, not of the whole database
--     (one purpose's loader can neither block nor detect another purpose's file).
--   * Every begin_batch and check_batch call draws a number of migstat.import_call_seq and writes
--     the server-log line "migstat import call N: ..." (sequences and log lines survive a rollback).
SET LOCAL ROLE migstat_owner;

CREATE SEQUENCE migstat.import_call_seq AS bigint CACHE 1 NO CYCLE;

-- The record store's CHECKs move to check_batch.
ALTER TABLE migstat.records DROP CONSTRAINT records_age_check, DROP CONSTRAINT records_record_id_check,
    DROP CONSTRAINT records_person_pseudonym_check, DROP CONSTRAINT records_record_key_check;

ALTER TABLE migstat.batch
    ADD COLUMN begin_call bigint,   -- the begin_batch call's number (server log "migstat import call N")
    ADD COLUMN check_call bigint;   -- the check_batch call's; NULL: not checked (finish_batch checks then)

DROP INDEX migstat.batch_live_sha256;
CREATE UNIQUE INDEX batch_live_sha256 ON migstat.batch (purpose_id, sha256) WHERE status IN ('loading', 'loaded');

-- The record_id ranges of the loaded batches, one partition per purpose
-- (migstat_data.record_id_ranges_<purpose id>, created by migstat.record_id_ranges), like the
-- record store: nobody but migstat_owner has any privilege, RLS enabled and forced, the one policy
-- for the owner on the parent.
CREATE TABLE migstat.record_id_range (
    purpose_id  smallint NOT NULL,
    batch_id    integer NOT NULL,
    source_id   smallint NOT NULL,
    lo          text COLLATE "C" NOT NULL,
    hi          text COLLATE "C" NOT NULL
) PARTITION BY LIST (purpose_id);
ALTER TABLE migstat.record_id_range ENABLE ROW LEVEL SECURITY;
ALTER TABLE migstat.record_id_range FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON migstat.record_id_range TO migstat_owner USING (true) WITH CHECK (true);
COMMENT ON TABLE migstat.record_id_range IS 'Smallest and largest record_id of each loaded batch (record-level: dropped with its purpose). Access only via migstat functions.';

-- The ranges of the batches loaded before this migration (their partitions are read once, here).
DO $$
DECLARE
    b record;
    t text;
BEGIN
    FOR b IN SELECT id, purpose_id, source_id FROM migstat.batch WHERE status = 'loaded' ORDER BY id LOOP
        CONTINUE WHEN to_regclass(format('migstat_data.%I', 'batch_' || b.id)) IS NULL;
        t := format('migstat_data.%I', 'record_id_ranges_' || b.purpose_id);
        IF to_regclass(t) IS NULL THEN
            EXECUTE format('CREATE TABLE %s PARTITION OF migstat.record_id_range FOR VALUES IN (%s)', t, b.purpose_id);
            EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
            EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        END IF;
        -- Through the parent (its policy; a partition read by name yields nothing under forced RLS).
        INSERT INTO migstat.record_id_range (purpose_id, batch_id, source_id, lo, hi)
        SELECT b.purpose_id, b.id, b.source_id, min(r.record_id COLLATE "C"), max(r.record_id COLLATE "C")
          FROM migstat.records r WHERE r.purpose_id = b.purpose_id AND r.batch_id = b.id
        HAVING count(*) > 0;
    END LOOP;
END
$$;
