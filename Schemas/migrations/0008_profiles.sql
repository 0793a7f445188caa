-- migstat 0008: mapping profiles registered per source (issue 12). A profile (a Frictionless Data
-- Resource descriptor in YAML, README.md "Mapping profiles") describes how one source's files reach
-- the canonical layout. `migstat profile add SOURCE PATH` registers one, checked by migstat first (the
-- YAML parser and the profile rules are there); `migstat import ... --source S` then reads its files
-- through the source's current profile. Every version is kept: a replaced profile stays listed, and
-- a batch records the SHA-256 of the profile it was read through. Written only by
-- migstat.profile_add (Schemas/functions/profiles/); nobody may change or delete a version.
SET LOCAL ROLE migstat_owner;

CREATE TABLE migstat.profile (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     smallint NOT NULL REFERENCES migstat.source,
    -- 1, 2, ... per source; the highest is the source's current profile
    version       integer NOT NULL CHECK (version > 0),
    profile       text NOT NULL CHECK (length(profile) BETWEEN 1 AND 1048576),
    -- SHA-256 of the text's UTF-8 bytes (what migstat import reports), checked here
    sha256        text NOT NULL CHECK (sha256 = encode(sha256(convert_to(profile, 'UTF8')), 'hex')),
    registered_by name NOT NULL DEFAULT session_user,
    registered_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_id, version)
);
COMMENT ON TABLE migstat.profile IS 'mapping profiles of the sources, every version (the highest is current)';

-- The profile a batch was read through: the SHA-256 of its text, as migstat reported it when the
-- batch began (NULL: the canonical layout). Set by the trigger migstat.batch_profile.
ALTER TABLE migstat.batch ADD COLUMN profile_sha256 text CHECK (profile_sha256 ~ '^[0-9a-f]{64}$');
COMMENT ON COLUMN migstat.batch.profile_sha256 IS 'SHA-256 of the mapping profile the batch was read through (NULL: canonical layout)';
