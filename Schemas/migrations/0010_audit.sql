-- migstat 0010: below migstat, pgaudit's object auditing of the record storage (issue 11, item 5;
-- README "Below migstat: pgaudit"; Docs/GUARANTEES.md A3).
--
-- pgaudit logs a statement that reads or writes a relation when the role named by the server
-- setting pgaudit.role holds the matching privilege on it (object audit logging). migstat_pgaudit is
-- that role: NOLOGIN, with no member (access_grant refuses, audit_escalation_risks names any login
-- that is one), holding SELECT, INSERT, UPDATE and DELETE on migstat.records and on every table of
-- migstat_data -- today's and, by default privileges, every purpose and batch table created later.
-- With pgaudit.role = 'migstat_pgaudit' (Scripts/pg.sh sets it on the private cluster) every direct
-- read or write of record storage, a superuser's included, is logged as an OBJECT line naming the
-- user (log_line_prefix) and never a bound value (pgaudit.log_parameter = off). Without pgaudit
-- loaded the role and its grants do nothing.
SET LOCAL ROLE migstat_owner;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'migstat_pgaudit') THEN
        CREATE ROLE migstat_pgaudit NOLOGIN NOINHERIT;
    END IF;
END
$$;
COMMENT ON ROLE migstat_pgaudit IS 'pgaudit.role of migstat: its privileges on record storage select what pgaudit logs; never a member';
GRANT SELECT, INSERT, UPDATE, DELETE ON migstat.records TO migstat_pgaudit;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA migstat_data TO migstat_pgaudit;
ALTER DEFAULT PRIVILEGES FOR ROLE migstat_owner IN SCHEMA migstat_data
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO migstat_pgaudit;
