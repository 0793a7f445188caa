-- migstat 0002: what the declarative layer and the dimension catalogue need.
--
-- migstat.schema_objects records every declarative file (functions/, views/, privileges.sql) that
-- db init applied, with its SHA-256: db init re-applies a file whose content changed.
--
-- migstat.dimension is the dimension catalogue as the SQL functions read it. Its rows are written by
-- db init from the one catalogue in Swift (MigstatCore/Catalog/DimensionCatalog.swift); nothing else
-- writes them.
CREATE TABLE migstat.schema_objects (
    path        text PRIMARY KEY,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  name NOT NULL DEFAULT session_user
);
ALTER TABLE migstat.schema_objects OWNER TO migstat_owner;

SET LOCAL ROLE migstat_owner;

CREATE TABLE migstat.dimension (
    name                 text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]*$'),
    ord                  smallint NOT NULL UNIQUE,
    code_list            text,
    is_record_column     boolean NOT NULL,
    is_required          boolean NOT NULL,
    is_special_category  boolean NOT NULL,
    is_paragraph20       boolean NOT NULL,
    only_occurring_codes boolean NOT NULL,
    sdmx_id              text NOT NULL,
    label                text NOT NULL,
    unknown_codes        text[] NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE migstat.dimension IS 'The dimension catalogue (written by migstat db init from DimensionCatalog.swift)';
