-- As a superuser: the privilege matrix, stated as a spec (derived from the GRANTs of the schema:
-- Schemas/privileges.sql, and the database and schema grants of the migrations).
-- For every migstat group role and PUBLIC: the privileges on the database, on schemas migstat and
-- migstat_data, on every table, view and sequence and every function there (effective
-- privileges, through memberships and PUBLIC: has_*_privilege); and the row-level policies of
-- migstat.records and of every table in migstat_data. Objects that exist but are not listed
-- below are expected to grant nothing, and listed objects must exist: a GRANT added or removed
-- anywhere in migstat's schemas makes a check here fail. pgTAP's own schema (tap) is not looked at.
\ir ../helpers/tap.sql

CREATE TEMP TABLE grantee (role name, o integer);
INSERT INTO grantee VALUES ('migstat_loader', 1), ('migstat_analyst', 2), ('migstat_steward', 3), ('migstat_auditor', 4),
                           ('migstat_admin', 5), ('public', 6);

-- Schemas: USAGE (nobody but the owner has CREATE).
CREATE TEMP TABLE spec_schema (schema_name name, privilege text, roles name[]);
INSERT INTO spec_schema VALUES
    ('migstat',      'USAGE', '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat_data', 'USAGE', '{migstat_loader}');

-- Tables and views of schema migstat: who may SELECT (no role may INSERT, UPDATE, DELETE,
-- TRUNCATE, REFERENCES or TRIGGER). Sequences: nobody has any privilege.
CREATE TEMP TABLE spec_relation (relation text, roles name[]);
INSERT INTO spec_relation VALUES
    ('migstat.setting',           '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.code',              '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.code_label',        '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.source',            '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.purpose',           '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.dimension',         '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.batch',             '{migstat_loader,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.batches',           '{migstat_loader,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.access',            '{migstat_auditor,migstat_admin}'),
    ('migstat.schema_migrations', '{migstat_auditor,migstat_admin}'),
    ('migstat.schema_objects',    '{migstat_auditor,migstat_admin}'),
    ('migstat.audit_log',         '{migstat_auditor}'),
    ('migstat.audit_tree',        '{migstat_auditor}'),
    ('migstat.audit_pending',     '{migstat_auditor}'),
    ('migstat.audit_seq',         '{}'),
    ('migstat.estimate',          '{}'),
    ('migstat.estimate_file',     '{}'),
    ('migstat.estimate_file_id_seq', '{}'),
    ('migstat.records',           '{}'),
    ('migstat.record_id_range',   '{}'),
    ('migstat.source_id_seq',     '{}'),
    ('migstat.purpose_id_seq',    '{}'),
    ('migstat.batch_id_seq',      '{}'),
    ('migstat.extract_seq',       '{}'),
    ('migstat.import_call_seq',   '{}'),
    ('migstat.read_seq',          '{}'),
    ('migstat.ptable',            '{}'),
    ('migstat.estimate_id_seq',   '{}'),
    ('migstat.profile',           '{migstat_loader,migstat_auditor,migstat_admin}'),
    ('migstat.profile_id_seq',    '{}');

-- Functions of schema migstat: who may EXECUTE. Every other function (helpers, trigger
-- functions, migstat.audit) is executable by no migstat role and not by PUBLIC.
CREATE TEMP TABLE spec_function (fn text, roles name[]);
INSERT INTO spec_function VALUES
    ('migstat.extract(text, text, text[], jsonb)',                              '{migstat_steward}'),
    ('migstat.begin_batch(text, text, text, text, text)',                        '{migstat_loader}'),
    ('migstat.batch_columns(integer, text[])',                                   '{migstat_loader}'),
    ('migstat.record_key_draw()',                                                '{migstat_loader}'),
    ('migstat.purposes()',                                                       '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.purpose_end(text, text)',                                          '{migstat_admin}'),
    ('migstat.purpose_extend(text, date, text)',                                 '{migstat_admin}'),
    ('migstat.purpose_key(text, text)',                                          '{migstat_admin}'),
    ('migstat.purge_execute(text)',                                              '{migstat_admin}'),
    ('migstat.purge_verify(bigint)',                                             '{migstat_admin}'),
    ('migstat.purge_plan(text, boolean)',                                        '{migstat_auditor,migstat_admin}'),
    ('migstat.purge_status()',                                                   '{migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.key_destroyed(uuid, text, text)',                                  '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.check_batch(integer, text[])',                                     '{migstat_loader}'),
    ('migstat.finish_batch(integer, integer, integer)',                          '{migstat_loader}'),
    ('migstat.estimates_import(text, text, jsonb, text, text)',                  '{migstat_loader}'),
    ('migstat.estimates_withdraw(bigint, text)',                                 '{migstat_loader,migstat_admin}'),
    ('migstat.estimates_list(text)',                                             '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.withdraw_batch(integer, text)',                                    '{migstat_loader,migstat_admin}'),
    ('migstat.purpose_add(text, text, text)',                                    '{migstat_admin}'),
    ('migstat.access_grant(name, text, text[], boolean)',                        '{migstat_admin}'),
    ('migstat.access_revoke(name, text, text[], boolean)',                       '{migstat_admin}'),
    ('migstat.load_codes(text, text[], text[], text[], smallint[], boolean)',    '{migstat_admin}'),
    ('migstat.load_code_labels(text, text, text[], text[])',                     '{migstat_admin}'),
    ('migstat.compartment_role(text, text)',                                     '{migstat_auditor,migstat_admin}'),
    ('migstat.audit_verify()',                                                   '{migstat_auditor}'),
    ('migstat.extract_gaps()',                                                   '{migstat_auditor}'),
    ('migstat.read_gaps()',                                                      '{migstat_auditor}'),
    ('migstat.read_begin(text, jsonb)',                                          '{}'),
    ('migstat.report_exact(text[], jsonb, date, date, text, text, integer, text, integer, boolean)', '{}'),
    ('migstat.report(text[], jsonb, date, date, text, text, integer, text, integer, boolean)', '{migstat_analyst,migstat_steward,migstat_admin}'),
    ('migstat.report_cells(text[], jsonb, date, date, text, text, text, integer)', '{migstat_analyst,migstat_steward,migstat_admin}'),
    ('migstat.coverage(date, date, text)',                                       '{migstat_analyst,migstat_steward,migstat_admin}'),
    ('migstat.coverage_sent(date, date, text)',                                  '{migstat_analyst,migstat_steward,migstat_admin}'),
    ('migstat.declared_report(text, text)',                                      '{migstat_analyst,migstat_steward,migstat_admin}'),
    ('migstat.declared_tables(text)',                                            '{migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.declare_table(text, text, text, text[], jsonb, text, text)',       '{migstat_steward,migstat_admin}'),
    ('migstat.retire_table(text, text)',                                         '{migstat_steward,migstat_admin}'),
    ('migstat.programme_release(text)',                                          '{migstat_steward,migstat_admin}'),
    ('migstat.programme_releases(text)',                                         '{migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.table_audit(text, text)',                                          '{migstat_steward,migstat_auditor}'),
    ('migstat.programme_info_loss(text)',                                        '{migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.my_access()',                                                      '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.audit(text, jsonb, smallint, integer)',                            '{}'),
    ('migstat.audit_seal(boolean)',                                              '{migstat_loader,migstat_analyst,migstat_steward,migstat_auditor,migstat_admin}'),
    ('migstat.audit_root(bigint)',                                               '{migstat_auditor}'),
    ('migstat.audit_payload(migstat.audit_log)',                                 '{migstat_auditor}'),
    ('migstat.audit_leaf_hash(migstat.audit_log)',                               '{}'),
    ('migstat.audit_escalation_risks()',                                         '{migstat_admin,migstat_auditor}'),
    ('migstat.escalation_reasons(oid)',                                          '{}'),
    ('migstat.code_constraints(text)',                                           '{}'),
    ('migstat.profile_add(text, text, boolean)',                                 '{migstat_admin}'),
    ('migstat.profiles(text, boolean)',                                          '{migstat_loader,migstat_auditor,migstat_admin}'),
    ('migstat.batch_profile()',                                                  '{}'),
    ('migstat.code_condition(text)',                                             '{}'),
    ('migstat.record_id_ranges(smallint)',                                       '{}');

-- What exists: relations (not indexes, not composite types) and functions of both schemas.
CREATE TEMP TABLE present_relation AS
SELECT n.nspname AS schema_name, c.relname, c.relkind, n.nspname || '.' || c.relname AS relation
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('migstat', 'migstat_data') AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S');
CREATE TEMP TABLE present_function AS
SELECT n.nspname AS schema_name, p.proname, oidvectortypes(p.proargtypes) AS args,
       n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS fn
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('migstat', 'migstat_data');

CREATE TEMP TABLE relation_check AS
SELECT split_part(coalesce(s.relation, p.relation), '.', 1)::name AS schema_name,
       split_part(coalesce(s.relation, p.relation), '.', 2)::name AS relname,
       coalesce(p.relkind::text, CASE WHEN s.relation LIKE '%\_seq' THEN 'S' ELSE 'r' END) AS relkind,
       coalesce(s.roles, '{}') AS roles
  FROM spec_relation s FULL JOIN present_relation p ON p.relation = s.relation;
CREATE TEMP TABLE function_check AS
SELECT split_part(coalesce(s.fn, p.fn), '.', 1)::name AS schema_name,
       split_part(split_part(coalesce(s.fn, p.fn), '.', 2), '(', 1)::name AS proname,
       string_to_array(rtrim(split_part(coalesce(s.fn, p.fn), '(', 2), ')'), ', ')::name[] AS args,
       coalesce(s.fn, p.fn) AS fn, coalesce(s.roles, '{}') AS roles
  FROM spec_function s FULL JOIN present_function p ON p.fn = s.fn;

SELECT plan((SELECT count(*)::integer FROM grantee) * (1 + (SELECT count(*)::integer FROM spec_schema)
                                                        + (SELECT count(*)::integer FROM relation_check)
                                                        + (SELECT count(*)::integer FROM function_check))
            + 2 + (SELECT count(*)::integer FROM present_relation WHERE schema_name = 'migstat_data' AND relkind IN ('r', 'p')));

-- The database: CONNECT only through migstat.access_grant (to the login itself), TEMPORARY for all.
SELECT database_privs_are(current_database(), g.role, ARRAY['TEMPORARY'],
                          format('privileges: %s on the database: TEMPORARY only (no CONNECT, no CREATE)', g.role))
  FROM grantee g ORDER BY g.o;

SELECT schema_privs_are(s.schema_name, g.role, CASE WHEN g.role = ANY (s.roles) THEN ARRAY[s.privilege] ELSE '{}' END::name[],
                        format('privileges: %s on schema %s: %s', g.role, s.schema_name,
                               CASE WHEN g.role = ANY (s.roles) THEN s.privilege ELSE 'nothing' END))
  FROM spec_schema s CROSS JOIN grantee g ORDER BY s.schema_name, g.o;

SELECT CASE WHEN r.relkind = 'S' THEN
                sequence_privs_are(r.schema_name, r.relname, g.role, '{}'::name[],
                                   format('privileges: %s on sequence %s.%s: nothing', g.role, r.schema_name, r.relname))
            ELSE
                table_privs_are(r.schema_name, r.relname, g.role,
                                CASE WHEN g.role = ANY (r.roles) THEN '{SELECT}' ELSE '{}' END::name[],
                                format('privileges: %s on %s.%s: %s', g.role, r.schema_name, r.relname,
                                       CASE WHEN g.role = ANY (r.roles) THEN 'SELECT only' ELSE 'nothing' END))
       END
  FROM relation_check r CROSS JOIN grantee g ORDER BY r.schema_name, r.relname, g.o;

SELECT function_privs_are(f.schema_name, f.proname, f.args, g.role,
                          CASE WHEN g.role = ANY (f.roles) THEN '{EXECUTE}' ELSE '{}' END::name[],
                          format('privileges: %s on function %s: %s', g.role, f.fn,
                                 CASE WHEN g.role = ANY (f.roles) THEN 'EXECUTE' ELSE 'nothing' END))
  FROM function_check f CROSS JOIN grantee g ORDER BY f.fn, g.o;

-- Row-level security: the only policy is owner_only on migstat.records (for migstat_owner; see
-- 80_catalog.sql), none on any partition, so a partition read by name yields nothing.
SELECT policies_are('migstat', 'records', ARRAY['owner_only'], 'policies: migstat.records has exactly owner_only');
SELECT policies_are('migstat', 'record_id_range', ARRAY['owner_only'], 'policies: migstat.record_id_range has exactly owner_only');
SELECT policies_are(schema_name, relname, '{}'::name[], format('policies: %s.%s has none of its own', schema_name, relname))
  FROM present_relation WHERE schema_name = 'migstat_data' AND relkind IN ('r', 'p') ORDER BY relname;

SELECT * FROM finish();
