-- migstat:squashes 1 2 3 4 5 6 7 8 10
--
-- migstat 0001: the baseline. Roles, schemas, tables, indexes, row-level security, sequences and
-- database settings; no function, view or grant (those are the declarative layer: functions/,
-- views/, privileges.sql). Run by a superuser through `migstat db init`, in one transaction with
-- everything else db init does.
--
-- The first line tells db init that this file replaces the numbered migrations 1-10 of earlier
-- builds: a database that applied all of them is recorded as having applied this baseline.

-- ---- roles ---------------------------------------------------------------------------------------
-- Group roles are cluster-wide and NOLOGIN. Login users get rights only by membership (migstat
-- access grant). Every object belongs to migstat_owner, which is NOLOGIN: no login role owns a table
-- holding personal data, and all record-level access goes through SECURITY DEFINER functions owned
-- by migstat_owner that check the caller (session_user) themselves.
DO $roles$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'migstat_owner') THEN
        -- CREATEROLE lets the owner's SECURITY DEFINER functions create the per-purpose compartment
        -- roles and grant memberships; it only ever acts through those functions (it cannot log in).
        CREATE ROLE migstat_owner NOLOGIN NOINHERIT CREATEROLE;
    END IF;
    FOREACH r IN ARRAY ARRAY['migstat_loader', 'migstat_analyst', 'migstat_steward', 'migstat_auditor', 'migstat_admin']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
        END IF;
    END LOOP;
END
$roles$;

COMMENT ON ROLE migstat_loader IS 'migstat: imports batches into the purposes granted to it; reads batch summaries';
COMMENT ON ROLE migstat_analyst IS 'migstat: protected aggregates only (disclosure-controlled reports)';
COMMENT ON ROLE migstat_steward IS 'migstat: record-level data of granted compartments, only through audited extracts';
COMMENT ON ROLE migstat_auditor IS 'migstat: audit log and batch, purpose and purge metadata';
COMMENT ON ROLE migstat_admin IS 'migstat: declares purposes, grants compartments, schedules purges; no record-level data';

-- ---- the database --------------------------------------------------------------------------------
-- Group roles are cluster-wide, so CONNECT is not PUBLIC's: access_grant grants it on this
-- database to each login it gives a migstat role. Never log statement text or parameter values for
-- this database (values could be personal).
DO $db$
BEGIN
    EXECUTE format('GRANT CREATE, CONNECT, TEMPORARY ON DATABASE %I TO migstat_owner', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_min_error_statement = panic', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length = 0', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length_on_error = 0', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_error_verbosity = terse', current_database());
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO migstat_owner WITH GRANT OPTION', current_database());
END
$db$;

-- ---- schemas -------------------------------------------------------------------------------------
CREATE SCHEMA IF NOT EXISTS migstat AUTHORIZATION migstat_owner;
-- Batch partitions (record-level data). Nobody but the owner has any privilege on its tables.
CREATE SCHEMA IF NOT EXISTS migstat_data AUTHORIZATION migstat_owner;
COMMENT ON SCHEMA migstat IS 'migstat: metadata, code lists and the functions that are the only way in';
COMMENT ON SCHEMA migstat_data IS 'migstat: record-level partitions; no grants, row-level security forced';

ALTER DEFAULT PRIVILEGES FOR ROLE migstat_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE migstat_owner IN SCHEMA migstat REVOKE ALL ON TABLES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE migstat_owner IN SCHEMA migstat_data REVOKE ALL ON TABLES FROM PUBLIC;

CREATE TABLE IF NOT EXISTS migstat.schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    sha256      text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  name NOT NULL DEFAULT session_user
);
ALTER TABLE migstat.schema_migrations OWNER TO migstat_owner;

SET LOCAL ROLE migstat_owner;

-- ---- settings ------------------------------------------------------------------------------------
-- Database-wide settings, changed only by the owner (UPDATE as migstat_owner or a superuser).
-- instance_tag makes the per-purpose compartment roles (cluster-wide names) unique to this database.
CREATE TABLE migstat.setting (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
INSERT INTO migstat.setting (key, value) VALUES
    ('instance_tag', substr(md5(gen_random_uuid()::text), 1, 6)),
    ('threshold', '5'),                 -- primary suppression: cells 1..threshold-1
    ('threshold_special', '10'),        -- for tables that use ethnicity, disability or migration_status
    ('report_max_cells', '5000000'),    -- the largest table a report may produce (zero cells included)
    ('report_index_cells', '50000');    -- above this many non-zero cells, secondary suppression indexes by relation

-- ---- code lists ----------------------------------------------------------------------------------
-- All code lists in one table. id is a small integer stored in records; ids are stable for a code.
CREATE TABLE migstat.code (
    dimension   text NOT NULL,
    id          smallint NOT NULL,
    code        text NOT NULL,
    label       text NOT NULL,
    parent      text,
    level       smallint NOT NULL DEFAULT 1,
    sort_order  integer NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (dimension, id),
    UNIQUE (dimension, code),
    CHECK (id > 0),
    CHECK (code = upper(code))
);
COMMENT ON TABLE migstat.code IS 'Code lists (ISO 3166-1/-2, ICAO 9303, ISCO-08, SDMX CL_SEX, ICMW art. 2, Washington Group, national ethnicity list)';

-- ---- sources, purposes, batches ------------------------------------------------------------------
CREATE TABLE migstat.source (
    id          smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT session_user
);

-- A declared statistical purpose = a compartment. Its record-level data lives in one partition
-- (migstat_data.purpose_<id>) and is pseudonymised under its own key (key file <key_id>.key,
-- outside the database). Retention: record-level data must be purged once retain_until passes.
CREATE TABLE migstat.purpose (
    id              smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,29}$'),
    description     text NOT NULL CHECK (length(description) > 0),
    retain_until    date NOT NULL,
    retention_rule  text NOT NULL,
    key_id          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'purged')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      name NOT NULL DEFAULT session_user,
    purged_at       timestamptz
);

CREATE TABLE migstat.batch (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     smallint NOT NULL REFERENCES migstat.source,
    purpose_id    smallint NOT NULL REFERENCES migstat.purpose,
    file_name     text NOT NULL,
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows_read     integer,
    accepted      integer,
    rejected      integer,
    status        text NOT NULL DEFAULT 'loading' CHECK (status IN ('loading', 'loaded', 'withdrawn', 'purged')),
    imported_at   timestamptz NOT NULL DEFAULT now(),
    imported_by   name NOT NULL DEFAULT session_user,
    withdrawn_at  timestamptz,
    withdrawn_by  name,
    withdraw_reason text,
    check_removed integer,
    CHECK (status = 'loading' OR accepted + rejected = rows_read)
);
COMMENT ON COLUMN migstat.batch.check_removed IS 'rows check_batch removed from the loading batch';
-- The same file (by content) is stored once while its data is live.
CREATE UNIQUE INDEX batch_live_sha256 ON migstat.batch (sha256) WHERE status IN ('loading', 'loaded');

-- ---- the record store ----------------------------------------------------------------------------
-- Partitioned by purpose, then by batch: withdrawing a batch or purging a purpose is a DROP of its
-- partition, never a DELETE. Dimension columns are migstat.code ids (the dimension catalogue,
-- migstat.dimension, names them). Nobody but migstat_owner has any privilege here; RLS is enabled
-- and forced on the parent and on every partition, with a policy for the owner only (defence in
-- depth should a grant slip in).
CREATE TABLE migstat.records (
    purpose_id        smallint NOT NULL,
    source_id         smallint NOT NULL,
    batch_id          integer NOT NULL,
    line_no           integer NOT NULL,
    event_date        date NOT NULL,
    direction         smallint NOT NULL,
    sex               smallint NOT NULL,
    age               smallint CHECK (age BETWEEN 0 AND 130),
    nationality       smallint NOT NULL,
    country           smallint,
    region            smallint,
    reason            smallint,
    occupation        smallint,
    worker_category   smallint,
    ethnicity         smallint,
    migration_status  smallint NOT NULL,
    disability        smallint,
    record_id         text NOT NULL CHECK (length(record_id) BETWEEN 1 AND 64),
    person_pseudonym  bytea CHECK (octet_length(person_pseudonym) = 32)
) PARTITION BY LIST (purpose_id);
ALTER TABLE migstat.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE migstat.records FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON migstat.records TO migstat_owner USING (true) WITH CHECK (true);
COMMENT ON TABLE migstat.records IS 'Record-level migration-flow events (personal data). Access only via migstat functions.';

-- ---- the audit log -------------------------------------------------------------------------------
-- Append-only, hash-chained. Rows are written only by migstat.audit, in the same transaction as the
-- action they record. No role has INSERT, UPDATE, DELETE or TRUNCATE, and triggers (functions/audit/)
-- refuse them even for the owner.
CREATE TABLE migstat.audit_log (
    seq         bigint PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       name NOT NULL,
    action      text NOT NULL,
    purpose_id  smallint,
    batch_id    integer,
    details     jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);

-- One number per extract that passed its checks, drawn before the rows are computed. Sequences are
-- not transactional: a number with no committed audit row is an extract that was rolled back (or
-- failed, or a crash skipped numbers); migstat.extract_gaps() lists them.
CREATE SEQUENCE migstat.extract_seq AS bigint CACHE 1 NO CYCLE;

-- ---- estimates -----------------------------------------------------------------------------------
-- Estimates loaded from studies and other sources where records cannot exist. Not personal data,
-- but read only through migstat.report (flagged OBS_STATUS E, never added into counted cells).
CREATE TABLE migstat.estimate (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_id        smallint NOT NULL REFERENCES migstat.purpose,
    source_id         smallint NOT NULL REFERENCES migstat.source,
    period_from       date NOT NULL,
    period_to         date NOT NULL,
    dims              jsonb NOT NULL DEFAULT '{}',
    value             numeric NOT NULL,
    lower_bound       numeric,
    upper_bound       numeric,
    method            text NOT NULL CHECK (length(btrim(method)) > 0),
    source_reference  text,
    loaded_at         timestamptz NOT NULL DEFAULT now(),
    loaded_by         name NOT NULL DEFAULT session_user,
    CHECK (period_from <= period_to),
    CHECK (jsonb_typeof(dims) = 'object'),
    CHECK (value >= 0 AND coalesce(lower_bound, 0) >= 0),
    CHECK (lower_bound IS NULL OR lower_bound <= value),
    CHECK (upper_bound IS NULL OR value <= upper_bound)
);
CREATE INDEX estimate_period ON migstat.estimate (period_from, period_to);
COMMENT ON TABLE migstat.estimate IS 'Estimates (studies, other sources) shown in reports flagged OBS_STATUS E; dims: {dimension: code}, a missing dimension = total';
