-- Audit log without a global queue (issue 11; Docs/GUARANTEES.md G12, A1).
--
-- Until now migstat.audit took one advisory lock, held to the end of the caller's transaction, to
-- chain each row to the previous one. Now:
--   * the caller's transaction writes its entry with a number from migstat.audit_seq (no lock, no
--     read of the previous entry) and a row in migstat.audit_pending, both committed or rolled
--     back with the action they record;
--   * migstat.audit_seal(), run by readers (audit list/head/prove/verify) and by anyone after a
--     write, appends the committed pending entries, in seq order, to an RFC 6962 Merkle tree
--     (migstat.audit_tree) under a lock held only by sealers: positions (leaf indexes) are dense
--     and assigned once, so the tree never forks.
-- Entries written before this migration keep their chain columns; they are sealed into the tree
-- (in seq order) by the first audit_seal(), like any pending entry.
SET LOCAL ROLE migstat_owner;
ALTER TABLE migstat.audit_log
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD COLUMN client_addr inet,          -- inet_client_addr() (NULL on a Unix socket)
    ADD COLUMN application text,          -- application_name, as the client set it
    ADD COLUMN os_user_reported text;     -- the OS user as the client reported it (not verified)
COMMENT ON COLUMN migstat.audit_log.os_user_reported IS 'the OS user as reported by the client (setting migstat.os_user), not verified by the server';
CREATE INDEX audit_log_actor_action ON migstat.audit_log (actor, action, seq);
CREATE INDEX audit_log_at ON migstat.audit_log (at);

-- Entry numbers: drawn in the caller's transaction (not transactional: a rolled-back action leaves
-- a gap). Continues after the chained rows.
CREATE SEQUENCE migstat.audit_seq AS bigint CACHE 1 NO CYCLE;
SELECT setval('migstat.audit_seq', max(seq)) FROM migstat.audit_log HAVING max(seq) IS NOT NULL;

-- Committed entries not yet in the tree (written with the entry, deleted by the sealer).
CREATE TABLE migstat.audit_pending (
    seq bigint PRIMARY KEY      -- no foreign key: TRUNCATE of audit_log must reach its refusing trigger
);
INSERT INTO migstat.audit_pending (seq) SELECT seq FROM migstat.audit_log;

-- The Merkle tree (RFC 6962 section 2.1): level 0 holds leaf i = SHA-256(0x00 || entry i), level
-- l > 0 the root of every complete subtree of 2^l leaves: node (l, i) = SHA-256(0x01 || (l-1, 2i) ||
-- (l-1, 2i+1)). The tree of size n is the fold of its complete subtrees (migstat.audit_root).
CREATE TABLE migstat.audit_tree (
    level     smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx       bigint NOT NULL CHECK (idx >= 0),
    hash      bytea NOT NULL CHECK (octet_length(hash) = 32),
    seq       bigint,                                  -- level 0: the entry (audit_log.seq); NULL above
    sealed_at timestamptz,                             -- level 0: when it was sealed
    PRIMARY KEY (level, idx),
    CHECK ((level = 0) = (seq IS NOT NULL))
);
CREATE UNIQUE INDEX audit_tree_seq ON migstat.audit_tree (seq) WHERE level = 0;

-- Which installation a checkpoint belongs to.
INSERT INTO migstat.setting (key, value) VALUES ('audit_installation_id', gen_random_uuid()::text);
-- The old chain function has a new signature (functions/audit/audit_verify.sql).
DROP FUNCTION IF EXISTS migstat.audit_verify();
DROP FUNCTION IF EXISTS migstat.audit_payload(bigint, timestamptz, name, text, smallint, integer, jsonb);
