-- migstat 0002: settings, code lists, sources, purposes, batches, the record store and the audit log.
SET LOCAL ROLE migstat_owner;

-- Database-wide settings. instance_tag makes the per-purpose compartment roles (cluster-wide
-- names) unique to this database.
CREATE TABLE migstat.setting (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
INSERT INTO migstat.setting (key, value) VALUES
    ('instance_tag', substr(md5(gen_random_uuid()::text), 1, 6)),
    ('threshold', '5'),                 -- primary suppression: cells 1..threshold-1
    ('threshold_special', '10');        -- for tables that use ethnicity, disability or migration_status
GRANT SELECT ON migstat.setting TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;

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
GRANT SELECT ON migstat.code TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;

CREATE TABLE migstat.source (
    id          smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT session_user
);
GRANT SELECT ON migstat.source TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;

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
GRANT SELECT ON migstat.purpose TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;

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
    CHECK (status = 'loading' OR accepted + rejected = rows_read)
);
-- The same file (by content) is stored once while its data is live.
CREATE UNIQUE INDEX batch_live_sha256 ON migstat.batch (sha256) WHERE status IN ('loading', 'loaded');
GRANT SELECT ON migstat.batch TO migstat_loader, migstat_auditor, migstat_admin, migstat_steward;

-- The record store. Partitioned by purpose, then by batch: withdrawing a batch or purging a
-- purpose is a DROP of its partition, never a DELETE. Dimension columns are migstat.code ids.
-- Nobody but migstat_owner has any privilege here; RLS is enabled and forced on the parent and on
-- every partition, with a policy for the owner only (defence in depth should a grant slip in).
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

-- Append-only, hash-chained audit log. Rows are written only by migstat functions, in the same
-- transaction as the action they record. No role has UPDATE, DELETE or TRUNCATE, and a trigger
-- refuses them even for the owner.
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
GRANT SELECT ON migstat.audit_log TO migstat_auditor;

CREATE FUNCTION migstat.audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'migstat.audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON migstat.audit_log
    FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON migstat.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION migstat.audit_log_immutable();

-- The canonical text a row's hash covers.
CREATE FUNCTION migstat.audit_payload(seq bigint, at timestamptz, actor name, action text, purpose_id smallint,
                                      batch_id integer, details jsonb)
RETURNS bytea LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT convert_to(concat_ws(E'\x1f', seq::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                actor, action, coalesce(purpose_id::text, ''), coalesce(batch_id::text, ''),
                                details::text), 'UTF8')
$$;

-- Appends one audit row (internal: called by other migstat functions, never granted).
CREATE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}', p_purpose_id smallint DEFAULT NULL,
                              p_batch_id integer DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_prev  migstat.audit_log%ROWTYPE;
    v_seq   bigint;
    v_at    timestamptz := clock_timestamp();
    v_prevh bytea;
BEGIN
    -- One writer at a time keeps the chain linear; held to the end of the transaction.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.audit_log'));
    SELECT * INTO v_prev FROM migstat.audit_log ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_prev.seq, 0) + 1;
    v_prevh := coalesce(v_prev.hash, '\x'::bytea);
    INSERT INTO migstat.audit_log (seq, at, actor, action, purpose_id, batch_id, details, prev_hash, hash)
    VALUES (v_seq, v_at, session_user, p_action, p_purpose_id, p_batch_id, p_details, v_prevh,
            sha256(v_prevh || migstat.audit_payload(v_seq, v_at, session_user, p_action, p_purpose_id,
                                                     p_batch_id, p_details)));
    RETURN v_seq;
END
$$;

-- Recomputes the chain; returns the first broken seq (NULL when intact) and the head.
CREATE FUNCTION migstat.audit_verify(OUT first_bad_seq bigint, OUT rows_checked bigint, OUT head_seq bigint,
                                     OUT head_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    r      migstat.audit_log%ROWTYPE;
    v_prev bytea := '\x'::bytea;
    v_next bigint := 1;
BEGIN
    rows_checked := 0;
    FOR r IN SELECT * FROM migstat.audit_log ORDER BY seq LOOP
        IF r.seq <> v_next OR r.prev_hash <> v_prev
           OR r.hash <> sha256(v_prev || migstat.audit_payload(r.seq, r.at, r.actor, r.action, r.purpose_id,
                                                                r.batch_id, r.details)) THEN
            first_bad_seq := r.seq;
            EXIT;
        END IF;
        v_prev := r.hash;
        v_next := r.seq + 1;
        rows_checked := rows_checked + 1;
        head_seq := r.seq;
        head_hash := encode(r.hash, 'hex');
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION migstat.audit_verify() TO migstat_auditor;
