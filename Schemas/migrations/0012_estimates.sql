-- migstat 0012: estimates are imported file by file (issue 13). Each import is a row of
-- migstat.estimate_file with the file's SHA-256: the same content is refused while its estimates
-- are in use (as batches are), and an import can be listed and withdrawn (its estimates deleted,
-- the row kept, marked withdrawn with who, when and why; audited). Estimates imported before this
-- migration have no file (estimate.file_id NULL). Functions: Schemas/functions/estimates/.
SET LOCAL ROLE migstat_owner;

CREATE TABLE migstat.estimate_file (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_id      smallint NOT NULL REFERENCES migstat.purpose,
    source_id       smallint NOT NULL REFERENCES migstat.source,
    file_name       text NOT NULL,
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    estimates       integer NOT NULL CHECK (estimates >= 0),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    imported_by     name NOT NULL DEFAULT session_user,
    withdrawn_at    timestamptz,
    withdrawn_by    name,
    withdraw_reason text,
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL AND withdraw_reason IS NOT NULL))
);
-- One file content in use at a time (a withdrawn one may be imported again).
CREATE UNIQUE INDEX estimate_file_sha256 ON migstat.estimate_file (sha256) WHERE status = 'active';
COMMENT ON TABLE migstat.estimate_file IS 'One import of an estimates file: SHA-256 of its content (refused again while active), count, who and when; withdrawn with who, when and why';

ALTER TABLE migstat.estimate ADD COLUMN file_id bigint REFERENCES migstat.estimate_file;
CREATE INDEX estimate_file_id ON migstat.estimate (file_id);

-- The three-argument import (no file, no checksum) is replaced by estimates_import(text, text, jsonb, text, text).
DROP FUNCTION IF EXISTS migstat.estimates_import(text, text, jsonb);
