-- Every privilege on migstat's objects, in one place. db init applies this file after the functions
-- and views: first every privilege anyone but the owner holds on the schemas, tables, views,
-- sequences and functions of schema migstat is revoked, then the grants below are made. So a grant
-- removed from this file disappears from the database, and one added by hand does not survive the
-- next db init. Not touched: the tables in migstat_data (they have no grants, except a loader's
-- INSERT on its own batch's table while it imports, managed by begin_batch and check_batch), the
-- database's CONNECT (granted per login by access_grant) and role memberships (access grant).
--
-- Runs as migstat_owner. To change a privilege, edit this file and run `migstat db init`.
DO $revoke$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT format('ON SCHEMA %I', n.nspname) AS what, a.grantee
          FROM pg_namespace n, aclexplode(n.nspacl) a
         WHERE n.nspname IN ('migstat', 'migstat_data') AND a.grantee <> n.nspowner
        UNION
        SELECT format('ON TABLE %s', c.oid::regclass), a.grantee
          FROM pg_class c, aclexplode(c.relacl) a
         WHERE c.relnamespace = 'migstat'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND a.grantee <> c.relowner
        UNION
        SELECT format('ON SEQUENCE %s', c.oid::regclass), a.grantee
          FROM pg_class c, aclexplode(c.relacl) a
         WHERE c.relnamespace = 'migstat'::regnamespace AND c.relkind = 'S' AND a.grantee <> c.relowner
        UNION
        SELECT format('ON FUNCTION %s', p.oid::regprocedure), a.grantee
          FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
         WHERE p.pronamespace = 'migstat'::regnamespace AND a.grantee <> p.proowner
    LOOP
        EXECUTE format('REVOKE ALL %s FROM %s', o.what,
                       CASE WHEN o.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(o.grantee::regrole::text) END);
    END LOOP;
END
$revoke$;

-- ---- schemas -------------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA migstat TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
-- Loaders COPY into their own batch's new table (INSERT only, in the importing transaction).
GRANT USAGE ON SCHEMA migstat_data TO migstat_loader;

-- ---- metadata every migstat role may read --------------------------------------------------------
GRANT SELECT ON migstat.setting, migstat.code, migstat.code_label, migstat.dimension, migstat.source, migstat.purpose
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
GRANT SELECT ON migstat.batch, migstat.batches TO migstat_loader, migstat_auditor, migstat_admin, migstat_steward;
GRANT SELECT ON migstat.schema_migrations, migstat.schema_objects TO migstat_admin, migstat_auditor;
GRANT SELECT ON migstat.access TO migstat_admin, migstat_auditor;
GRANT SELECT ON migstat.audit_log TO migstat_auditor;
-- migstat.records, migstat.estimate, migstat.estimate_file, migstat.extract_seq: no grants (read only through functions).

-- ---- functions: the only ways in -----------------------------------------------------------------
-- Everyone with a migstat role.
GRANT EXECUTE ON FUNCTION migstat.my_access()
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
-- Loaders.
GRANT EXECUTE ON FUNCTION migstat.begin_batch(text, text, text, text, text), migstat.check_batch(integer, text[]),
    migstat.finish_batch(integer, integer, integer), migstat.estimates_import(text, text, jsonb, text, text),
    migstat.batch_columns(integer, text[])
    TO migstat_loader;
-- The default of record_key (migration 0014): evaluated with the privileges of whoever inserts, the
-- loader's COPY into its batch.
GRANT EXECUTE ON FUNCTION migstat.record_key_draw() TO migstat_loader;
GRANT EXECUTE ON FUNCTION migstat.estimates_withdraw(bigint, text) TO migstat_loader, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.estimates_list(text)
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.withdraw_batch(integer, text) TO migstat_loader, migstat_admin;
-- Protected aggregates.
GRANT EXECUTE ON FUNCTION migstat.report(text[], jsonb, date, date, text, text, integer, text, integer, boolean),
    migstat.report_cells(text[], jsonb, date, date, text, text, text, integer),
    migstat.coverage(date, date, text), migstat.coverage_sent(date, date, text)
    TO migstat_analyst, migstat_steward, migstat_admin;
-- The output programme: declared tables (Schemas/functions/programme/).
GRANT EXECUTE ON FUNCTION migstat.declared_report(text, text) TO migstat_analyst, migstat_steward, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.declared_tables(text), migstat.programme_releases(text)
    TO migstat_analyst, migstat_steward, migstat_admin, migstat_auditor;
GRANT EXECUTE ON FUNCTION migstat.declare_table(text, text, text, text[], jsonb, text, text), migstat.retire_table(text, text),
    migstat.programme_release(text)
    TO migstat_steward, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.table_audit(text, text) TO migstat_steward, migstat_auditor;
GRANT EXECUTE ON FUNCTION migstat.programme_info_loss(text) TO migstat_steward, migstat_auditor, migstat_admin;
-- Retention (Schemas/functions/retention/).
GRANT EXECUTE ON FUNCTION migstat.purposes()
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.purpose_end(text, text), migstat.purpose_extend(text, date, text),
    migstat.purpose_key(text, text), migstat.purge_execute(text), migstat.purge_verify(bigint)
    TO migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.purge_plan(text, boolean) TO migstat_admin, migstat_auditor;
GRANT EXECUTE ON FUNCTION migstat.purge_status() TO migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.key_destroyed(uuid, text, text)
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
-- Mapping profiles (Schemas/functions/profiles/, issue 12): administrators register them (a profile
-- belongs to a source, whose files go to any purpose: a loader or steward of one purpose must not change
-- how another's batches are read); loaders read them to import, auditors to check what a batch was read
-- through (no personal data in a profile).
GRANT SELECT ON migstat.profile TO migstat_loader, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.profiles(text, boolean) TO migstat_loader, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.profile_add(text, text, boolean) TO migstat_admin;
-- Stewards: audited record-level extracts.
GRANT EXECUTE ON FUNCTION migstat.extract(text, text, text[], jsonb) TO migstat_steward;
-- Administrators.
GRANT EXECUTE ON FUNCTION migstat.purpose_add(text, text, text), migstat.access_grant(name, text, text[], boolean),
    migstat.access_revoke(name, text, text[], boolean),
    migstat.load_codes(text, text[], text[], text[], smallint[], boolean),
    migstat.load_code_labels(text, text, text[], text[])
    TO migstat_admin;
-- The view migstat.access calls compartment_role as the querying user; it reveals nothing (the
-- instance tag is in migstat.setting, readable by every migstat role).
GRANT EXECUTE ON FUNCTION migstat.compartment_role(text, text) TO migstat_admin, migstat_auditor;
-- Auditors.
GRANT EXECUTE ON FUNCTION migstat.audit_verify(), migstat.extract_gaps() TO migstat_auditor;
-- Reads without a committed audit row (rolled back, cancelled, refused): migstat.read_gaps().
GRANT EXECUTE ON FUNCTION migstat.read_gaps() TO migstat_auditor;
-- The audit log's Merkle tree (Schemas/functions/audit/, issue 11): auditors read the tree and
-- compute roots (and `migstat audit verify` recomputes the tree client-side, which needs the pending
-- entries' numbers too); every migstat role may seal committed entries into it (it changes no entry).
GRANT SELECT ON migstat.audit_tree, migstat.audit_pending TO migstat_auditor;
GRANT EXECUTE ON FUNCTION migstat.audit_seal(boolean)
    TO migstat_loader, migstat_analyst, migstat_steward, migstat_auditor, migstat_admin;
GRANT EXECUTE ON FUNCTION migstat.audit_root(bigint), migstat.audit_payload(migstat.audit_log) TO migstat_auditor;
GRANT EXECUTE ON FUNCTION migstat.audit_escalation_risks() TO migstat_admin, migstat_auditor;
-- pgaudit's object auditing (migration 0010, README "Below migstat: pgaudit"): the audit role's
-- privileges select what pgaudit logs. NOLOGIN, never a member (94_pgaudit.sql); the tables of
-- migstat_data get the same by default privileges.
GRANT SELECT, INSERT, UPDATE, DELETE ON migstat.records TO migstat_pgaudit;
