-- migstat 0001: roles and schemas. Run by a superuser (migstat db init).
--
-- Group roles are cluster-wide and NOLOGIN. Login users get rights only by membership
-- (migstat access grant). Every object belongs to migstat_owner, which is NOLOGIN: no login role
-- owns a table holding personal data, and all record-level access goes through SECURITY DEFINER
-- functions owned by migstat_owner that check the caller (session_user) themselves.
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

DO $db$
BEGIN
    EXECUTE format('GRANT CREATE, CONNECT, TEMPORARY ON DATABASE %I TO migstat_owner', current_database());
    -- Never log statement text or parameter values for this database (values could be personal).
    EXECUTE format('ALTER DATABASE %I SET log_min_error_statement = panic', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length = 0', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_parameter_max_length_on_error = 0', current_database());
    EXECUTE format('ALTER DATABASE %I SET log_error_verbosity = terse', current_database());
END
$db$;

CREATE SCHEMA IF NOT EXISTS migstat AUTHORIZATION migstat_owner;
-- Batch partitions (record-level data). Nobody but the owner has any privilege on its tables.
CREATE SCHEMA IF NOT EXISTS migstat_data AUTHORIZATION migstat_owner;
COMMENT ON SCHEMA migstat IS 'migstat: metadata, code lists and the functions that are the only way in';
COMMENT ON SCHEMA migstat_data IS 'migstat: record-level partitions; no grants, row-level security forced';

REVOKE ALL ON SCHEMA migstat FROM PUBLIC;
REVOKE ALL ON SCHEMA migstat_data FROM PUBLIC;
GRANT USAGE ON SCHEMA migstat TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
-- Loaders COPY into their own batch's new table (INSERT only, in the importing transaction).
GRANT USAGE ON SCHEMA migstat_data TO migstat_loader;

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
GRANT SELECT ON migstat.schema_migrations TO migstat_admin, migstat_auditor;
