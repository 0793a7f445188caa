-- migstat 0004: disclosure control that holds against a determined analyst (issue 9).
--
-- Two ways to publish, and only these two (Docs/GUARANTEES.md, "Disclosure control"):
--   * flexible tables (migstat.report): any table within the bounds, every cell perturbed by the
--     cell-key method (ONS Census 2021 / ABS TableBuilder): a record key per record, fixed at
--     import and dropped with its compartment; cell key = sum of record keys mod 256; the
--     perturbation is looked up in the shipped p-table (migstat.ptable);
--   * declared tables (migstat.declared_table, the output programme of a purpose): exact counts,
--     suppression computed jointly over the programme and stored per run (migstat.programme_run,
--     migstat.programme_cell), so that every declared table shows the same cell alike.
-- Every read (report, coverage, extract, declared report) draws a number of migstat.read_seq
-- before anything is computed: sequences are not transactional, so a number without a committed
-- audit row is a read that was rolled back, cancelled or refused.
SET LOCAL ROLE migstat_owner;

-- ---- record keys ----------------------------------------------------------------------------------
-- A uniformly random integer 0..255 per record (ONS: "record key"), assigned by the database when
-- the row is stored (the importer's COPY names its columns, so the default applies), never
-- returned by any function, and dropped with the batch or purpose partition that holds it.
-- Existing rows get theirs now (a volatile default rewrites the partitions once).
ALTER TABLE migstat.records
    ADD COLUMN record_key smallint NOT NULL DEFAULT (floor(random() * 256))::smallint
        CHECK (record_key BETWEEN 0 AND 255);

-- ---- the p-table ----------------------------------------------------------------------------------
-- Perturbation table in the ONS layout, stored as cell-key ranges (as the R package ptable writes
-- them): a cell whose perturbation cell value is pcv and whose cell key lies in ckey_lo..ckey_hi
-- is published as pcv + pvalue. pcv = the count for counts 0..750; above, ((count - 1) % 250) + 501
-- (ONS). Loaded by db init from Schemas/ptable/ (its parameters: Docs/PTABLE.md); name and SHA-256
-- of the loaded file are in migstat.setting ('ptable', 'ptable_sha256').
CREATE TABLE migstat.ptable (
    pcv      smallint NOT NULL CHECK (pcv BETWEEN 0 AND 750),
    ckey_lo  smallint NOT NULL,
    ckey_hi  smallint NOT NULL,
    pvalue   smallint NOT NULL,
    PRIMARY KEY (pcv, ckey_lo),
    CHECK (0 <= ckey_lo AND ckey_lo <= ckey_hi AND ckey_hi <= 255),
    CHECK (pcv + pvalue >= 0)
);
COMMENT ON TABLE migstat.ptable IS 'Cell-key perturbation table (ONS layout, cell-key ranges); see Docs/PTABLE.md';

-- ---- the output programme ---------------------------------------------------------------------------
-- A declared table of a purpose: its dimensions and filters (a filter fixes a dimension to one
-- code). The tables of one purpose are its output programme; they share one classification (age
-- bands, period unit), so that every cell of every declared table is a cell of one cube over the
-- union of their dimensions (the programme cube) and linked-table suppression can work on it.
CREATE TABLE migstat.declared_table (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_id   smallint NOT NULL REFERENCES migstat.purpose,
    name         text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    title        text NOT NULL CHECK (length(btrim(title)) > 0),
    dims         text[] NOT NULL,
    filters      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
    age_bands    text,
    period_unit  text CHECK (period_unit IN ('year', 'quarter', 'month')),
    declared_at  timestamptz NOT NULL DEFAULT now(),
    declared_by  name NOT NULL DEFAULT session_user,
    retired_at   timestamptz,
    retired_by   name,
    UNIQUE (purpose_id, name)
);
COMMENT ON TABLE migstat.declared_table IS 'Output programme: tables declared per purpose, published with exact counts and joint suppression';

-- One computation of a purpose's programme: the programme cube's layout and the suppression
-- pattern, valid while the purpose's loaded batches and its active declared tables are the ones
-- listed. No record-level data: cell values of the programme cube only.
CREATE TABLE migstat.programme_run (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_id         smallint NOT NULL REFERENCES migstat.purpose,
    tables             integer[] NOT NULL,     -- active declared tables (ids), sorted
    batches            integer[] NOT NULL,     -- loaded batches of the purpose (ids), sorted
    batch_sha256       text[] NOT NULL,        -- their SHA-256, in the same order (provenance)
    dims               text[] NOT NULL,        -- the programme cube's dimensions
    age_bands          text,
    period_unit        text,
    threshold          integer NOT NULL,
    threshold_special  integer NOT NULL,
    labels             text[] NOT NULL,        -- per dimension: '{_T,code1,...}' in index order
    key_offset         integer[] NOT NULL,
    key_mask           bigint[] NOT NULL,
    method             jsonb NOT NULL,         -- method and parameters (protection, costs)
    info_loss          jsonb NOT NULL,         -- per declared table: cells and value withheld
    computed_at        timestamptz NOT NULL DEFAULT now(),
    computed_by        name NOT NULL DEFAULT session_user,
    seconds            numeric
);
CREATE INDEX programme_run_purpose ON migstat.programme_run (purpose_id, id);
-- The non-zero published cells of the programme cube (a cell that no declared table shows is not
-- stored): k = the cell's key in the run's layout, v = exact count, status F (published), A
-- (withheld: primary), D (withheld: secondary); cost = what withholding it costs (secondary
-- suppression's cost function, Docs/GUARANTEES.md).
CREATE TABLE migstat.programme_cell (
    run_id  bigint NOT NULL REFERENCES migstat.programme_run ON DELETE CASCADE,
    k       bigint NOT NULL,
    v       bigint NOT NULL,
    status  "char" NOT NULL CHECK (status IN ('F', 'A', 'D')),
    cost    real,
    PRIMARY KEY (run_id, k)
);

-- ---- reads ----------------------------------------------------------------------------------------
-- One number per read call (report, coverage, extract, declared report), drawn first, refused
-- calls included; the committed audit row of the call carries it (details.read). A number without
-- one was rolled back, cancelled or refused; the server log has a line "migstat read N: ..." with
-- the user and the parameters of every call (migstat.read_gaps()).
CREATE SEQUENCE migstat.read_seq AS bigint CACHE 1 NO CYCLE;

-- ---- settings -------------------------------------------------------------------------------------
INSERT INTO migstat.setting (key, value) VALUES
    ('flexible_filter_share', '0.5'),   -- a flexible table's filter lists at most this share of a code list
    ('flexible_min_band_years', '3'),   -- a custom age band (other than the last, open one) spans at least this many years
    ('flexible_min_total', '20'),       -- a flexible table whose perturbed total is below this is refused
    ('protection_cost_residual', '0.1'),  -- cost weights of withholding a cell (secondary suppression)
    ('protection_cost_margin', '0.5'),
    ('protection_cost_interior', '1')
ON CONFLICT (key) DO NOTHING;

-- ---- the report plan ------------------------------------------------------------------------------
ALTER TYPE migstat.report_plan ADD ATTRIBUTE perturb boolean;    -- flexible table: cell-key perturbation
ALTER TYPE migstat.report_plan ADD ATTRIBUTE read_no bigint;     -- the call's number of migstat.read_seq
