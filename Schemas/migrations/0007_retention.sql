-- migstat 0007: retention (issue 10). A purpose's life: active -> closed (no new batches; reports
-- and extracts still work) -> purged (its record-level storage dropped whole, verified, its key
-- destroyed; its declared tables preserved with disclosure control applied). Functions:
-- Schemas/functions/retention/.
SET LOCAL ROLE migstat_owner;

ALTER TABLE migstat.purpose DROP CONSTRAINT purpose_status_check;
ALTER TABLE migstat.purpose ADD CONSTRAINT purpose_status_check CHECK (status IN ('active', 'closed', 'purged'));
ALTER TABLE migstat.purpose
    ADD COLUMN rule_until      date,          -- the date the retention rule gave when the purpose was declared
    ADD COLUMN closed_at       timestamptz,
    ADD COLUMN closed_by       name,
    ADD COLUMN close_reason    text,
    ADD COLUMN purged_by       name,
    ADD COLUMN purge_verified_at timestamptz,
    -- HMAC-SHA256(key, 'migstat key fingerprint v1'), hex: tells one key from another, never the key
    ADD COLUMN key_fingerprint text CHECK (key_fingerprint ~ '^[0-9a-f]{64}$');
UPDATE migstat.purpose SET rule_until = retain_until WHERE rule_until IS NULL;

-- Withheld values of a preserved programme are forgotten at the purge (disclosure control applied:
-- only what was published outlives the records).
ALTER TABLE migstat.programme_cell ALTER COLUMN v DROP NOT NULL;

-- Every purge, from its dry run's plan to its verification: what went, how it was checked. No
-- personal data: purpose, batches with their SHA-256 and row counts, relation files, results.
CREATE TABLE migstat.purge (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_id    smallint NOT NULL REFERENCES migstat.purpose,
    executed_at   timestamptz NOT NULL DEFAULT now(),
    executed_by   name NOT NULL DEFAULT session_user,
    batches       jsonb NOT NULL,       -- [{batch, sha256, status, rows}]
    rows_dropped  bigint NOT NULL,
    relations     text[] NOT NULL,      -- the relations dropped (schema-qualified names)
    files         text[] NOT NULL,      -- their files, relative to the data directory
    preserved_run bigint REFERENCES migstat.programme_run,
    verified_at   timestamptz,
    verification  jsonb
);
CREATE UNIQUE INDEX purge_once ON migstat.purge (purpose_id);

-- The scheduler's heartbeat, written by migstat itself on every due-purge run (never trusted from
-- the scheduler's own records): when it ran, what was due, what it did.
CREATE TABLE migstat.purge_check (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    run_by    name NOT NULL DEFAULT session_user,
    due       text[] NOT NULL,
    purged    text[] NOT NULL,
    failed    jsonb NOT NULL DEFAULT '{}'
);

INSERT INTO migstat.setting (key, value) VALUES
    ('purge_schedule', ''),              -- the cron expression `migstat purge schedule` registered ('' = none)
    ('purge_check_hours', '26')          -- purge status fails when the last due-purge run is older than this
ON CONFLICT (key) DO NOTHING;

-- The purge verifies with a CHECKPOINT that the dropped files are gone (PostgreSQL 15 unlinks a
-- dropped relation's first segment at the next checkpoint). migstat_owner is NOINHERIT, so a grant
-- of pg_checkpoint would not let it checkpoint: one function owned by the installing superuser, in
-- a schema of its own that only migstat_owner may use, does just that and takes no argument. The
-- owner may also stat a file (pg_stat_file: size and times, never content).
RESET ROLE;
CREATE SCHEMA migstat_super;
COMMENT ON SCHEMA migstat_super IS 'migstat: the superuser''s functions migstat_owner may call (checkpoint only)';
REVOKE ALL ON SCHEMA migstat_super FROM PUBLIC;
GRANT USAGE ON SCHEMA migstat_super TO migstat_owner;
CREATE FUNCTION migstat_super.checkpoint() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CHECKPOINT;
END
$$;
REVOKE ALL ON FUNCTION migstat_super.checkpoint() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION migstat_super.checkpoint() TO migstat_owner;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO migstat_owner;
SET LOCAL ROLE migstat_owner;

-- begin_batch gains the key fingerprint (0007 drops the old signature; functions/import/begin_batch.sql).
DROP FUNCTION IF EXISTS migstat.begin_batch(text, text, text, text);
