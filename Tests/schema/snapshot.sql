CREATE SCHEMA migstat;
ALTER SCHEMA migstat OWNER TO migstat_owner;
COMMENT ON SCHEMA migstat IS 'migstat: metadata, code lists and the functions that are the only way in';
CREATE SCHEMA migstat_data;
ALTER SCHEMA migstat_data OWNER TO migstat_owner;
COMMENT ON SCHEMA migstat_data IS 'migstat: record-level partitions; no grants, row-level security forced';
CREATE SCHEMA migstat_super;
ALTER SCHEMA migstat_super OWNER TO postgres;
COMMENT ON SCHEMA migstat_super IS 'migstat: the superuser''s functions migstat_owner may call (checkpoint only)';
CREATE TYPE migstat.report_plan AS (
	dims text[],
	period_unit text,
	occupation_level integer,
	counting text,
	filters jsonb,
	period_from date,
	period_to date,
	age_bands text,
	threshold_requested integer,
	threshold integer,
	with_estimates boolean,
	band_labels text[],
	age_expr text,
	dim_expr text[],
	where_sql text[],
	filter_groups jsonb,
	filter_codes jsonb,
	multi boolean,
	ncat integer[],
	key_bits integer[],
	key_offset integer[],
	key_mask bigint[],
	labels text[],
	key_map text[],
	key_expr text,
	cells numeric,
	perturb boolean,
	read_no bigint
);
ALTER TYPE migstat.report_plan OWNER TO migstat_owner;
CREATE FUNCTION migstat.access_grant(p_login name, p_kind text, p_purposes text[] DEFAULT '{}'::text[], p_special boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_role  name := ('migstat_' || p_kind)::name;
    v_p     migstat.purpose;
    v_name  text;
    r       pg_roles%ROWTYPE;
    v_reasons text[];
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_kind NOT IN ('loader', 'analyst', 'steward', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'unknown role "%"', p_kind USING ERRCODE = 'invalid_parameter_value',
            HINT = 'roles: loader, analyst, steward, auditor, admin';
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = p_login;
    IF NOT FOUND OR NOT r.rolcanlogin THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object',
            HINT = format('migstat access list shows the logins; a superuser creates one with CREATE ROLE %I LOGIN', p_login);
    END IF;
    IF r.rolsuper OR r.rolbypassrls THEN
        RAISE EXCEPTION 'refusing: "%" is a superuser or bypasses row-level security', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Logins that could escalate past migstat's roles (migstat.escalation_reasons, the list that
    -- audit_escalation_risks reports too): CREATEROLE can grant itself migstat_owner (PostgreSQL
    -- 15), REPLICATION streams every row, the predefined roles read or write every table or the
    -- server's files, migstat_pgaudit holds every privilege on record storage.
    v_reasons := migstat.escalation_reasons(r.oid);
    IF cardinality(v_reasons) > 0 THEN
        RAISE EXCEPTION 'refusing: "%" can escalate past migstat''s roles (%)', p_login, array_to_string(v_reasons, ', ')
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'remove CREATEROLE/REPLICATION (ALTER ROLE ... NOCREATEROLE NOREPLICATION) and memberships in pg_read_all_data, pg_write_all_data, pg_execute_server_program, pg_read_server_files, pg_write_server_files, migstat_pgaudit';
    END IF;
    IF p_login::text LIKE 'migstat\_%' THEN
        RAISE EXCEPTION 'refusing to grant to a migstat group role' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Separation of duties: no one grants to themselves, and administration never shares a login
    -- with a data role (loader, steward).
    IF p_login = session_user THEN
        RAISE EXCEPTION 'refusing: "%" cannot grant roles to itself', p_login USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (p_kind IN ('loader', 'steward') AND pg_has_role(p_login, 'migstat_admin', 'MEMBER'))
       OR (p_kind = 'admin' AND (pg_has_role(p_login, 'migstat_loader', 'MEMBER')
                                 OR pg_has_role(p_login, 'migstat_steward', 'MEMBER'))) THEN
        RAISE EXCEPTION 'refusing: "%" would hold both administration and access to data', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(array_length(p_purposes, 1), 0) > 0 AND p_kind NOT IN ('loader', 'steward') THEN
        RAISE EXCEPTION 'purposes apply to loader and steward only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_special AND p_kind <> 'steward' THEN
        RAISE EXCEPTION 'special-category clearance applies to stewards only' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('GRANT %I TO %I', v_role, p_login);
    -- Group roles are cluster-wide; CONNECT is per database, so a login reaches only the migstat
    -- databases it was granted in.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_login);
    FOREACH v_name IN ARRAY coalesce(p_purposes, '{}') LOOP
        SELECT * INTO v_p FROM migstat.purpose WHERE name = v_name AND status = 'active';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'purpose "%" is not declared', v_name USING ERRCODE = 'MS404';
        END IF;
        EXECUTE format('GRANT %I TO %I', migstat.compartment_role(v_p.name,
                       CASE p_kind WHEN 'loader' THEN 'load' ELSE 'read' END), p_login);
        IF p_special THEN
            EXECUTE format('GRANT %I TO %I', migstat.compartment_role(v_p.name, 'special'), p_login);
        END IF;
    END LOOP;
    PERFORM migstat.audit('access.grant', jsonb_build_object('login', p_login, 'role', p_kind,
                          'purposes', to_jsonb(coalesce(p_purposes, '{}')), 'special_category', p_special));
END
$$;
ALTER FUNCTION migstat.access_grant(p_login name, p_kind text, p_purposes text[], p_special boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.access_revoke(p_login name, p_kind text, p_purposes text[] DEFAULT '{}'::text[], p_special_only boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_p   migstat.purpose;
    v_all boolean := coalesce(array_length(p_purposes, 1), 0) = 0;
    k     text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_kind NOT IN ('loader', 'analyst', 'steward', 'auditor', 'admin') THEN
        RAISE EXCEPTION 'unknown role "%"', p_kind USING ERRCODE = 'invalid_parameter_value',
            HINT = 'roles: loader, analyst, steward, auditor, admin';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        RAISE EXCEPTION 'no login role "%"', p_login USING ERRCODE = 'undefined_object',
            HINT = 'migstat access list shows the logins and their roles';
    END IF;
    FOR v_p IN SELECT * FROM migstat.purpose WHERE v_all OR name = ANY (p_purposes) LOOP
        FOREACH k IN ARRAY CASE
            WHEN p_special_only THEN ARRAY['special']
            WHEN p_kind = 'loader' THEN ARRAY['load']
            WHEN p_kind = 'steward' THEN ARRAY['read', 'special']
            ELSE ARRAY[]::text[] END
        LOOP
            IF EXISTS (SELECT 1 FROM pg_auth_members m
                         JOIN pg_roles r ON r.oid = m.roleid
                         JOIN pg_roles u ON u.oid = m.member
                        WHERE r.rolname = migstat.compartment_role(v_p.name, k) AND u.rolname = p_login) THEN
                EXECUTE format('REVOKE %I FROM %I', migstat.compartment_role(v_p.name, k), p_login);
            END IF;
        END LOOP;
    END LOOP;
    IF v_all AND NOT p_special_only THEN
        EXECUTE format('REVOKE %I FROM %I', 'migstat_' || p_kind, p_login);
    END IF;
    PERFORM migstat.audit('access.revoke', jsonb_build_object('login', p_login, 'role', p_kind,
                          'purposes', to_jsonb(coalesce(p_purposes, '{}')), 'special_only', p_special_only));
END
$$;
ALTER FUNCTION migstat.access_revoke(p_login name, p_kind text, p_purposes text[], p_special_only boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}'::jsonb, p_purpose_id smallint DEFAULT NULL::smallint, p_batch_id integer DEFAULT NULL::integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_seq bigint := nextval('migstat.audit_seq');
BEGIN
    INSERT INTO migstat.audit_log (seq, at, actor, action, purpose_id, batch_id, details, client_addr, application,
                                   os_user_reported)
    VALUES (v_seq, clock_timestamp(), session_user, p_action, p_purpose_id, p_batch_id, coalesce(p_details, '{}'),
            inet_client_addr(), nullif(left(current_setting('application_name', true), 64), ''),
            nullif(left(regexp_replace(coalesce(current_setting('migstat.os_user', true), ''), '[[:cntrl:]]', '', 'g'), 64), ''));
    INSERT INTO migstat.audit_pending (seq) VALUES (v_seq);
    RETURN v_seq;
END
$$;
ALTER FUNCTION migstat.audit(p_action text, p_details jsonb, p_purpose_id smallint, p_batch_id integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_escalation_risks() RETURNS TABLE(login name, reasons text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
BEGIN
    IF NOT (pg_has_role(session_user, 'migstat_admin', 'MEMBER') OR pg_has_role(session_user, 'migstat_auditor', 'MEMBER')
            OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: requires migstat_admin or migstat_auditor' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT x.rolname, x.reasons FROM (
        SELECT r.rolname, migstat.escalation_reasons(r.oid) AS reasons
          FROM pg_roles r
         WHERE r.rolcanlogin AND NOT r.rolsuper
           AND has_database_privilege(r.oid, current_database(), 'CONNECT')) x
     WHERE cardinality(x.reasons) > 0
     ORDER BY x.rolname;
END
$$;
ALTER FUNCTION migstat.audit_escalation_risks() OWNER TO migstat_owner;
CREATE TABLE migstat.audit_log (
    seq bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor name NOT NULL,
    action text NOT NULL,
    purpose_id smallint,
    batch_id integer,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    prev_hash bytea,
    hash bytea,
    client_addr inet,
    application text,
    os_user_reported text
);
ALTER TABLE migstat.audit_log OWNER TO migstat_owner;
COMMENT ON COLUMN migstat.audit_log.os_user_reported IS 'the OS user as reported by the client (setting migstat.os_user), not verified by the server';
CREATE FUNCTION migstat.audit_leaf_hash(e migstat.audit_log) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT sha256('\x00'::bytea || convert_to(migstat.audit_payload(e), 'UTF8'))
$$;
ALTER FUNCTION migstat.audit_leaf_hash(e migstat.audit_log) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_log_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'migstat.% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
ALTER FUNCTION migstat.audit_log_immutable() OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_log_insert_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF current_user <> 'migstat_owner' THEN
        RAISE EXCEPTION 'migstat.% is written only by migstat functions', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
ALTER FUNCTION migstat.audit_log_insert_guard() OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_payload(e migstat.audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT concat('{"seq":', e.seq,
                  ',"at":"', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  '","actor":', to_json(e.actor::text),
                  ',"action":', to_json(e.action),
                  ',"purpose_id":', coalesce(e.purpose_id::text, 'null'),
                  ',"batch_id":', coalesce(e.batch_id::text, 'null'),
                  ',"details":', e.details::text,
                  ',"client_addr":', coalesce(to_json(host(e.client_addr))::text, 'null'),
                  ',"application":', coalesce(to_json(e.application)::text, 'null'),
                  ',"os_user_reported":', coalesce(to_json(e.os_user_reported)::text, 'null'), '}')
$$;
ALTER FUNCTION migstat.audit_payload(e migstat.audit_log) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_root(p_size bigint) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_acc   bytea;
    v_h     bytea;
    v_start bigint := 0;
    v_l     int;
    v_parts bytea[] := '{}';
    i       int;
BEGIN
    IF p_size IS NULL OR p_size < 0 THEN
        RETURN NULL;
    ELSIF p_size = 0 THEN
        RETURN encode(sha256(''::bytea), 'hex');
    END IF;
    FOR v_l IN REVERSE 62..0 LOOP
        IF (p_size >> v_l) & 1 = 1 THEN
            SELECT hash INTO v_h FROM migstat.audit_tree WHERE level = v_l AND idx = v_start >> v_l;
            IF NOT FOUND THEN
                RETURN NULL;
            END IF;
            v_parts := v_parts || v_h;
            v_start := v_start + (1::bigint << v_l);
        END IF;
    END LOOP;
    v_acc := v_parts[array_length(v_parts, 1)];
    FOR i IN REVERSE array_length(v_parts, 1) - 1..1 LOOP
        v_acc := sha256('\x01'::bytea || v_parts[i] || v_acc);
    END LOOP;
    RETURN encode(v_acc, 'hex');
END
$$;
ALTER FUNCTION migstat.audit_root(p_size bigint) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_seal(p_wait boolean DEFAULT true) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_size bigint;
    v_seqs bigint[];
    v_seq  bigint;
    v_e    migstat.audit_log%ROWTYPE;
    v_h    bytea;
    v_l    smallint;
    v_i    bigint;
    v_now  timestamptz := clock_timestamp();
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext('migstat.audit_seal'));
    ELSIF NOT pg_try_advisory_xact_lock(hashtext('migstat.audit_seal')) THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(idx) + 1, 0) INTO v_size FROM migstat.audit_tree WHERE level = 0;
    WITH d AS (DELETE FROM migstat.audit_pending RETURNING seq)
    SELECT array_agg(seq ORDER BY seq) INTO v_seqs FROM d;
    FOREACH v_seq IN ARRAY coalesce(v_seqs, '{}') LOOP
        SELECT * INTO STRICT v_e FROM migstat.audit_log WHERE seq = v_seq;
        v_h := migstat.audit_leaf_hash(v_e);
        INSERT INTO migstat.audit_tree (level, idx, hash, seq, sealed_at) VALUES (0, v_size, v_h, v_seq, v_now);
        -- Close every complete subtree this leaf ends.
        v_l := 0;
        v_i := v_size;
        WHILE v_i % 2 = 1 LOOP
            SELECT sha256('\x01'::bytea || t.hash || v_h) INTO STRICT v_h
              FROM migstat.audit_tree t WHERE t.level = v_l AND t.idx = v_i - 1;
            v_l := v_l + 1;
            v_i := v_i / 2;
            INSERT INTO migstat.audit_tree (level, idx, hash) VALUES (v_l, v_i, v_h);
        END LOOP;
        v_size := v_size + 1;
    END LOOP;
    RETURN v_size;
END
$$;
ALTER FUNCTION migstat.audit_seal(p_wait boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.audit_verify(OUT first_bad_seq bigint, OUT first_bad_index bigint, OUT problem text, OUT entries bigint, OUT size bigint, OUT pending bigint, OUT root text) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_idx bigint;
    v_seq bigint;
    v_i   bigint;
    v_l   smallint;
    v_why text;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT count(*) INTO entries FROM migstat.audit_log;
    SELECT count(*) INTO pending FROM migstat.audit_pending;
    SELECT coalesce(max(idx) + 1, 0) INTO size FROM migstat.audit_tree WHERE level = 0;
    -- A missing position (a leaf deleted from the tree).
    IF (SELECT count(*) FROM migstat.audit_tree WHERE level = 0) <> size THEN
        SELECT g INTO v_idx FROM generate_series(0::bigint, size - 1) g
         WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = g) ORDER BY g LIMIT 1;
        first_bad_index := v_idx;
        SELECT min(t.seq) INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx > v_idx;
        problem := format('tree position %s is missing (the entry there was removed)', v_idx);
        RETURN;
    END IF;
    -- Leaves against their entries. The leaf hash is written out here as in audit_leaf_hash and
    -- audit_payload (a call per row, with its SET clause, would cost ten times more at a million
    -- entries); 90_audit_chain.sql (every entry the suite wrote, sealed by audit_leaf_hash, verifies)
    -- and 93_audit_tamper.sql (a change is found) check the two agree.
    -- min() rather than ORDER BY idx LIMIT 1: lets the planner scan both tables whole (merge or hash
    -- join, in parallel) instead of probing the log once per leaf.
    SELECT min(t.idx) INTO v_idx
      FROM migstat.audit_tree t LEFT JOIN migstat.audit_log a ON a.seq = t.seq
     WHERE t.level = 0
       AND (a.seq IS NULL
            OR t.hash <> sha256('\x00'::bytea || convert_to(concat('{"seq":', a.seq,
                   ',"at":"', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   '","actor":', to_json(a.actor::text),
                   ',"action":', to_json(a.action),
                   ',"purpose_id":', coalesce(a.purpose_id::text, 'null'),
                   ',"batch_id":', coalesce(a.batch_id::text, 'null'),
                   ',"details":', a.details::text,
                   ',"client_addr":', coalesce(to_json(host(a.client_addr))::text, 'null'),
                   ',"application":', coalesce(to_json(a.application)::text, 'null'),
                   ',"os_user_reported":', coalesce(to_json(a.os_user_reported)::text, 'null'), '}'), 'UTF8')))
    ;
    IF v_idx IS NOT NULL THEN
        first_bad_index := v_idx;
        SELECT t.seq, CASE WHEN a.seq IS NULL THEN 'the entry is missing' ELSE 'the entry does not match its leaf hash' END
          INTO first_bad_seq, problem
          FROM migstat.audit_tree t LEFT JOIN migstat.audit_log a ON a.seq = t.seq
         WHERE t.level = 0 AND t.idx = v_idx;
    END IF;
    -- Interior nodes against their children. A changed node also breaks its parent: the lowest bad
    -- node (then the leftmost) is where the change is, and the first leaf below it is named. Encoded
    -- as level << 56 | idx so that one min() finds it.
    SELECT min((p.level::bigint << 56) | p.idx) INTO v_idx
      FROM migstat.audit_tree p
      LEFT JOIN migstat.audit_tree l ON l.level = p.level - 1 AND l.idx = 2 * p.idx
      LEFT JOIN migstat.audit_tree r ON r.level = p.level - 1 AND r.idx = 2 * p.idx + 1
     WHERE p.level > 0 AND (l.hash IS NULL OR r.hash IS NULL OR p.hash <> sha256('\x01'::bytea || l.hash || r.hash));
    v_l := v_idx >> 56;
    v_i := v_idx & ((1::bigint << 56) - 1);
    IF v_idx IS NOT NULL AND (first_bad_index IS NULL OR (v_i << v_l) < first_bad_index) THEN
        first_bad_index := v_i << v_l;
        v_idx := v_i;
        SELECT t.seq INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = first_bad_index;
        problem := format('tree node (level %s, index %s) does not match its children', v_l, v_idx);
    END IF;
    -- Every complete subtree must be there.
    IF first_bad_index IS NULL THEN
        SELECT x.l, x.n INTO v_l, v_idx FROM (
            SELECT l::smallint AS l, size >> l AS n,
                   (SELECT count(*) FROM migstat.audit_tree t WHERE t.level = l) AS have
              FROM generate_series(1, 62) l WHERE size >> l > 0) x
         WHERE x.have <> x.n ORDER BY x.l LIMIT 1;
        IF FOUND THEN
            first_bad_index := 0;
            SELECT t.seq INTO first_bad_seq FROM migstat.audit_tree t WHERE t.level = 0 AND t.idx = 0;
            problem := format('the tree has the wrong number of nodes at level %s', v_l);
        END IF;
    END IF;
    IF first_bad_index IS NOT NULL THEN
        RETURN;
    END IF;
    -- Entries that are neither in the tree nor pending (inserted behind the guards, or their
    -- pending row removed).
    SELECT a.seq INTO v_seq FROM migstat.audit_log a
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_tree t WHERE t.level = 0 AND t.seq = a.seq)
       AND NOT EXISTS (SELECT 1 FROM migstat.audit_pending p WHERE p.seq = a.seq)
     ORDER BY a.seq LIMIT 1;
    IF FOUND THEN
        first_bad_seq := v_seq;
        problem := 'the entry is neither sealed into the tree nor pending';
        RETURN;
    END IF;
    root := migstat.audit_root(size);
END
$$;
ALTER FUNCTION migstat.audit_verify(OUT first_bad_seq bigint, OUT first_bad_index bigint, OUT problem text, OUT entries bigint, OUT size bigint, OUT pending bigint, OUT root text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.batch_columns(p_batch integer, p_columns text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
BEGIN
    PERFORM migstat.require_role('migstat_loader');
    UPDATE migstat.batch SET columns = p_columns
     WHERE id = p_batch AND status = 'loading' AND imported_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % is not a loading batch of %', p_batch, session_user USING ERRCODE = 'MS404';
    END IF;
END
$$;
ALTER FUNCTION migstat.batch_columns(p_batch integer, p_columns text[]) OWNER TO migstat_owner;
CREATE FUNCTION migstat.batch_profile() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v text := nullif(current_setting('migstat.profile_sha256', true), '');
BEGIN
    IF v IS NOT NULL AND v !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'migstat.profile_sha256 must be the 64 hex digits of a profile''s SHA-256'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    NEW.profile_sha256 := v;
    RETURN NEW;
END
$_$;
ALTER FUNCTION migstat.batch_profile() OWNER TO migstat_owner;
CREATE FUNCTION migstat.begin_batch(p_source text, p_purpose text, p_file_name text, p_sha256 text, p_key_fingerprint text DEFAULT NULL::text, OUT batch_id integer, OUT table_name text, OUT key_id uuid) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $_$
DECLARE
    v_p    migstat.purpose;
    v_src  smallint;
    v_prev integer;
    v_call bigint;
    v_cols text;
BEGIN
    v_call := nextval('migstat.import_call_seq');
    RAISE LOG 'migstat import call %: user=% call=begin_batch args=% db=%', v_call, session_user,
        jsonb_build_object('source', p_source, 'purpose', p_purpose, 'file', p_file_name, 'sha256', p_sha256),
        current_database();
    PERFORM migstat.require_role('migstat_loader');
    v_p := migstat.require_compartment(p_purpose, 'load');
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: it takes no new batches', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    IF v_p.key_fingerprint IS NOT NULL AND p_key_fingerprint IS DISTINCT FROM v_p.key_fingerprint THEN
        RAISE EXCEPTION 'the pseudonym key on this machine is not the key of purpose "%"', p_purpose USING ERRCODE = 'MS409',
            HINT = format('install the purpose''s key file %s.key in the key directory (MIGSTAT_KEY_DIR) from the machine where the purpose was declared', v_p.key_id);
    END IF;
    IF v_p.key_fingerprint IS NULL AND p_key_fingerprint ~ '^[0-9a-f]{64}$' THEN
        UPDATE migstat.purpose SET key_fingerprint = p_key_fingerprint WHERE id = v_p.id;
    END IF;
    IF v_p.retain_until < current_date THEN
        RAISE EXCEPTION 'purpose "%" is past its retention date (%): its data must be purged, not extended',
            p_purpose, v_p.retain_until USING ERRCODE = 'MS410';
    END IF;
    -- Imports of one compartment (source within purpose) run one at a time, so duplicate checks see
    -- every earlier batch; another purpose's imports of the same source neither wait nor are waited for.
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT id INTO v_src FROM migstat.source WHERE name = p_source;
    PERFORM pg_advisory_xact_lock(hashtext('migstat.compartment'), v_p.id * 65536 + v_src);
    PERFORM pg_advisory_xact_lock(hashtext('migstat.batch'), hashtext(v_p.id || '/' || p_sha256));
    SELECT id INTO v_prev FROM migstat.batch
     WHERE sha256 = p_sha256 AND purpose_id = v_p.id AND status IN ('loading', 'loaded');
    IF FOUND THEN
        RAISE EXCEPTION 'this file was already imported as batch %', v_prev
            USING ERRCODE = 'MS409', DETAIL = format('batch=%s', v_prev);
    END IF;
    INSERT INTO migstat.batch (source_id, purpose_id, file_name, sha256, begin_call)
    VALUES (v_src, v_p.id, p_file_name, p_sha256, v_call) RETURNING id INTO batch_id;
    table_name := 'migstat_data.batch_' || batch_id;
    -- No CHECK constraint during the COPY: check_batch checks every row once, after it. The
    -- columns of migstat.records with their NOT NULLs and defaults (what LIKE ... INCLUDING DEFAULTS
    -- copies), record_key moved up after batch_id (see the header).
    SELECT string_agg(format('%I %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                             CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                             coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')),
                      ', ' ORDER BY CASE WHEN a.attname = 'record_key' THEN b.attnum + 0.5 ELSE a.attnum END)
      INTO v_cols
      FROM pg_attribute a
      JOIN pg_attribute b ON b.attrelid = a.attrelid AND b.attname = 'batch_id'
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = 'migstat.records'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format('CREATE TABLE migstat_data.%I (%s)', 'batch_' || batch_id, v_cols);
    EXECUTE format('ALTER TABLE migstat_data.%I ALTER purpose_id SET DEFAULT %s, ALTER batch_id SET DEFAULT %s, '
                   'ALTER source_id SET DEFAULT %s', 'batch_' || batch_id, v_p.id, batch_id, v_src);
    -- Codes: checked by check_batch, all rows at once, against the lists as they are now and stay
    -- until the import ends (no code-list change can come in between).
    LOCK TABLE migstat.code IN SHARE MODE;
    -- INSERT only (COPY FROM needs it); no SELECT: the loader cannot read back what it sends. And
    -- only on the columns migstat sends: purpose_id, batch_id and source_id always take the batch's
    -- own values (the defaults above) and record_key the server's draw; a hand-made COPY or INSERT
    -- naming one of them is refused (42501).
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_cols
      FROM pg_attribute a
     WHERE a.attrelid = 'migstat.records'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN ('purpose_id', 'batch_id', 'source_id', 'record_key');
    EXECUTE format('GRANT INSERT (%s) ON migstat_data.%I TO %I', v_cols, 'batch_' || batch_id, session_user);
    key_id := v_p.key_id;
END
$_$;
ALTER FUNCTION migstat.begin_batch(p_source text, p_purpose text, p_file_name text, p_sha256 text, p_key_fingerprint text, OUT batch_id integer, OUT table_name text, OUT key_id uuid) OWNER TO migstat_owner;
CREATE FUNCTION migstat.caller_edits_programme(p_purpose_name text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT migstat.caller_is('migstat_admin')
        OR (migstat.caller_is('migstat_steward') AND migstat.caller_is(migstat.compartment_role(p_purpose_name, 'read')))
$$;
ALTER FUNCTION migstat.caller_edits_programme(p_purpose_name text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.caller_is(p_role name) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) AND pg_has_role(session_user, p_role, 'MEMBER')
$$;
ALTER FUNCTION migstat.caller_is(p_role name) OWNER TO migstat_owner;
CREATE FUNCTION migstat.check_batch(p_batch_id integer, p_candidates text[] DEFAULT NULL::text[]) RETURNS TABLE(line_no integer, column_name text, reason text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $_$
DECLARE
    v_call  bigint := nextval('migstat.import_call_seq');
    v       migstat.batch;
    t       text := format('migstat_data.%I', 'batch_' || p_batch_id);
    v_dup   integer[] := '{}';
    v_old   integer[] := '{}';
    v_other integer[];
    v_rows  bigint;
    v_lo    text;
    v_hi    text;
    v_bad   integer;
    v_col   text;
    v_found boolean;
    v_cand_lines integer[];
    v_names      text[];
    v_terms      text[];
    v_cand_ids   text[];
BEGIN
    RAISE LOG 'migstat import call %: user=% call=check_batch args=% db=%', v_call, session_user,
        jsonb_build_object('batch', p_batch_id, 'candidates', cardinality(p_candidates)), current_database();
    v := migstat.loading_batch(p_batch_id);
    IF v.check_call IS NOT NULL THEN
        RAISE EXCEPTION 'batch % was already checked (call %)', p_batch_id, v.check_call
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON %s FROM %I', t, session_user);
    -- 1. Codes, this batch's record_id range and the rows of the candidates, in one pass over the
    -- rows (the candidates are a constant list, which the planner hashes).
    SELECT array_agg(x.name ORDER BY x.ord), array_agg(x.term ORDER BY x.ord) INTO v_names, v_terms
      FROM (SELECT d.ord, d.name, migstat.code_condition(d.name) AS term FROM migstat.dimension d
             WHERE d.is_record_column AND d.code_list IS NOT NULL
            UNION ALL
            SELECT 1000 + r.n, r.name, r.term
              FROM (VALUES (1, 'age', 'coalesce(age BETWEEN 0 AND 130, true)'),
                           (2, 'record_id', 'coalesce(octet_length(record_id) BETWEEN 1 AND 64 OR length(record_id) BETWEEN 1 AND 64, true)'),
                           (3, 'person_pseudonym', 'coalesce(octet_length(person_pseudonym) = 32, true)'),
                           (4, 'record_key', 'coalesce(record_key BETWEEN 0 AND 255, true)')) AS r(n, name, term)
            UNION ALL
            SELECT 2000, 'purpose_id, batch_id, source_id',
                   format('(s.purpose_id = %s AND s.batch_id = %s AND s.source_id = %s)', v.purpose_id, p_batch_id, v.source_id)) x;
    EXECUTE format($q$SELECT count(*), min(s.record_id COLLATE "C"), max(s.record_id COLLATE "C"),
                             min(s.line_no) FILTER (WHERE NOT (%1$s)),
                             array_agg(s.line_no) FILTER (WHERE %2$s), array_agg(s.record_id) FILTER (WHERE %2$s)
                        FROM %3$s s$q$,
                   array_to_string(v_terms, ' AND '),
                   CASE WHEN cardinality(p_candidates) > 0 THEN format('s.record_id = ANY (%L::text[])', p_candidates)
                        ELSE 'false' END,
                   t)
       INTO v_rows, v_lo, v_hi, v_bad, v_cand_lines, v_cand_ids;
    IF v_bad IS NOT NULL THEN
        FOR i IN 1 .. cardinality(v_terms) LOOP
            v_col := v_names[i];
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s s WHERE s.line_no = %s AND NOT (%s))', t, v_bad, v_terms[i])
               INTO STRICT v_found;
            EXIT WHEN v_found;
        END LOOP;
        RAISE EXCEPTION 'batch %, line %: % fails its check (a code not in its list, or a value the record store refuses)',
            p_batch_id, v_bad, v_col
            USING ERRCODE = 'check_violation', DETAIL = format('line=%s column=%s', v_bad, v_col);
    END IF;
    -- 2a. Within the batch: every occurrence after the first (in line order) is a duplicate. With
    -- candidates, among their rows found above; without, every record_id is compared.
    IF p_candidates IS NULL THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(d.line_no ORDER BY d.line_no), '{}')
              FROM (SELECT s.line_no, row_number() OVER (PARTITION BY s.record_id ORDER BY s.line_no) AS n
                      FROM %1$s s
                     WHERE s.record_id IN (SELECT x.record_id FROM %1$s x GROUP BY x.record_id HAVING count(*) > 1)) d
             WHERE d.n > 1$q$, t)
        INTO v_dup;
    ELSIF v_cand_lines IS NOT NULL THEN
        SELECT coalesce(array_agg(d.l ORDER BY d.l), '{}') INTO v_dup
          FROM (SELECT u.l, row_number() OVER (PARTITION BY u.r ORDER BY u.l) AS n
                  FROM unnest(v_cand_lines, v_cand_ids) AS u(l, r)) d
         WHERE d.n > 1;
    END IF;
    -- 2b. Earlier batches of the same compartment whose record_id range overlaps this one's: only
    -- their partitions are read. The answer is only "already stored": it does not say in which batch.
    PERFORM migstat.record_id_ranges(v.purpose_id);
    IF v_lo IS NOT NULL THEN
        SELECT array_agg(r.batch_id ORDER BY r.batch_id) INTO v_other
          FROM migstat.record_id_range r
         WHERE r.purpose_id = v.purpose_id AND r.source_id = v.source_id AND r.lo <= v_hi AND r.hi >= v_lo
           AND r.batch_id IN (SELECT b.id FROM migstat.batch b WHERE b.status = 'loaded');
    END IF;
    IF v_other IS NOT NULL THEN
        EXECUTE format($q$
            SELECT coalesce(array_agg(s.line_no ORDER BY s.line_no), '{}')
              FROM %s s
             WHERE s.record_id IN (SELECT r.record_id FROM migstat.records r
                                    WHERE r.purpose_id = %s AND r.batch_id = ANY (%L::integer[])
                                      AND r.record_id COLLATE "C" BETWEEN %L AND %L)$q$,
            t, v.purpose_id, v_other, v_lo, v_hi)
        INTO v_old;
    END IF;
    IF cardinality(v_dup) + cardinality(v_old) > 0 THEN
        EXECUTE format('DELETE FROM %s s WHERE s.line_no = ANY ($1)', t) USING v_dup || v_old;
        GET DIAGNOSTICS v_bad = ROW_COUNT;
        v_rows := v_rows - v_bad;
        -- The range of what is left (narrower, never wider).
        EXECUTE format('SELECT min(s.record_id COLLATE "C"), max(s.record_id COLLATE "C") FROM %s s', t) INTO v_lo, v_hi;
    END IF;
    IF v_lo IS NOT NULL THEN
        INSERT INTO migstat.record_id_range (purpose_id, batch_id, source_id, lo, hi)
        VALUES (v.purpose_id, p_batch_id, v.source_id, v_lo, v_hi);
    END IF;
    UPDATE migstat.batch SET check_removed = coalesce(check_removed, 0)
                                             + (SELECT count(DISTINCT x) FROM unnest(v_dup || v_old) x),
                             accepted = v_rows, check_call = v_call
     WHERE id = p_batch_id;
    RETURN QUERY
        SELECT u.l, 'record_id', 'duplicate_in_batch' FROM unnest(v_dup) AS u(l)
        UNION ALL
        SELECT u.l, 'record_id', 'already_stored' FROM unnest(v_old) AS u(l);
END
$_$;
ALTER FUNCTION migstat.check_batch(p_batch_id integer, p_candidates text[]) OWNER TO migstat_owner;
CREATE FUNCTION migstat.code_condition(p_column text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    c      record;
    lo     smallint;
    hi     smallint;
    v_n    integer;
    v_sql  text := '';
BEGIN
    FOR c IN SELECT d.name AS col, d.code_list AS dim FROM migstat.dimension d
              WHERE d.is_record_column AND d.code_list IS NOT NULL AND (p_column IS NULL OR d.name = p_column)
              ORDER BY d.ord
    LOOP
        SELECT min(id), max(id), count(*) INTO lo, hi, v_n FROM migstat.code WHERE dimension = c.dim AND active;
        v_sql := v_sql || format(' AND (%I IS NULL OR %s)', c.col,
            CASE WHEN v_n = 0 THEN 'false'
                 WHEN hi - lo + 1 = v_n THEN format('%I BETWEEN %s AND %s', c.col, lo, hi)
                 ELSE format('%I = ANY (%L::smallint[])', c.col,
                      (SELECT array_agg(id ORDER BY id) FROM migstat.code WHERE dimension = c.dim AND active)) END);
    END LOOP;
    RETURN CASE WHEN v_sql = '' THEN 'true' ELSE substr(v_sql, 6) END;
END
$$;
ALTER FUNCTION migstat.code_condition(p_column text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.code_constraints(p_table text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT format('ALTER TABLE %s %s', p_table,
                  string_agg(format('ADD CONSTRAINT %I CHECK (%s)', d.name || '_in_code_list', migstat.code_condition(d.name)),
                             ', ' ORDER BY d.ord))
      FROM migstat.dimension d
     WHERE d.is_record_column AND d.code_list IS NOT NULL
$$;
ALTER FUNCTION migstat.code_constraints(p_table text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.compartment_role(p_purpose_name text, p_kind text) RETURNS name
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT format('migstat_%s_%s_%s', (SELECT value FROM migstat.setting WHERE key = 'instance_tag'),
                  p_purpose_name, p_kind)::name
$$;
ALTER FUNCTION migstat.compartment_role(p_purpose_name text, p_kind text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.coverage(p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_source text DEFAULT NULL::text) RETURNS TABLE(source text, period text, dimension text, records bigint, stated bigint, share numeric)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $_$
#variable_conflict use_column
DECLARE
    v_src     smallint;
    v_dims    text[];
    v_counts  text;
    v_keys    text;
    v_read    bigint;
    v_plan    migstat.report_plan;
BEGIN
    PERFORM migstat.require_report_reader();
    v_read := migstat.read_begin('coverage', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                                                                'source', p_source));
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_plan.period_from := p_period_from;
    v_plan.period_to := p_period_to;
    PERFORM migstat.report_bounds(v_plan);
    IF p_source IS NOT NULL THEN
        SELECT id INTO v_src FROM migstat.source s WHERE s.name = p_source;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown source "%"', p_source USING ERRCODE = 'MS404', COLUMN = 'source';
        END IF;
    END IF;
    -- One count per dimension, its stated values (not NULL, not an unknown code), and the sum of
    -- their record keys.
    SELECT array_agg(d.name ORDER BY d.ord),
           string_agg(format('count(*) FILTER (WHERE %s)', w.cond), ', ' ORDER BY d.ord),
           string_agg(format('coalesce(sum(r.record_key) FILTER (WHERE %s), 0)', w.cond), ', ' ORDER BY d.ord)
      INTO v_dims, v_counts, v_keys
      FROM migstat.dimension d
      LEFT JOIN LATERAL (SELECT array_agg(c.id) AS ids FROM migstat.code c
                          WHERE c.dimension = d.code_list AND c.code = ANY (d.unknown_codes)) u ON true
     CROSS JOIN LATERAL (SELECT CASE WHEN u.ids IS NULL THEN format('r.%I IS NOT NULL', d.name)
                                     ELSE format('r.%I <> ALL (%L::smallint[])', d.name, u.ids) END AS cond) w
     WHERE d.is_paragraph20;
    RETURN QUERY EXECUTE format($q$
    WITH c AS (
        SELECT r.source_id, date_part('year', r.event_date)::integer AS y, count(*) AS n,
               sum(r.record_key)::bigint AS ks, ARRAY[%s] AS st, ARRAY[%s]::bigint[] AS sks
          FROM migstat.records r
         WHERE ($1 IS NULL OR r.source_id = $1)
           AND ($2 IS NULL OR r.event_date >= $2)
           AND ($3 IS NULL OR r.event_date <= $3)
         GROUP BY 1, 2
    ), x AS (
        SELECT s.name, c.y, d.ord, d.dim, migstat.report_perturb(c.n, c.ks) AS n,
               migstat.report_perturb(c.st[d.ord], c.sks[d.ord]) AS st
          FROM c
          JOIN migstat.source s ON s.id = c.source_id
         CROSS JOIN unnest($4::text[]) WITH ORDINALITY AS d(dim, ord)
    )
    SELECT x.name::text, x.y::text, x.dim::text, x.n, x.st,
           CASE WHEN x.n > 0 THEN round(least(x.st, x.n)::numeric / x.n, 4) END
      FROM x
     ORDER BY x.name, x.y, x.ord$q$, v_counts, v_keys)
    USING v_src, p_period_from, p_period_to, v_dims;
    PERFORM migstat.audit('coverage.run', jsonb_build_object('period_from', p_period_from, 'period_to', p_period_to,
                          'source', p_source, 'method', 'cell-key', 'read', v_read));
END
$_$;
ALTER FUNCTION migstat.coverage(p_period_from date, p_period_to date, p_source text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.coverage_sent(p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_source text DEFAULT NULL::text) RETURNS TABLE(source text, period text, dimension text, sent text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
BEGIN
    PERFORM migstat.require_report_reader();
    RETURN QUERY
    WITH b AS (
        SELECT DISTINCT r.source_id, r.batch_id, date_part('year', r.event_date)::integer AS y
          FROM migstat.records r
          JOIN migstat.source s ON s.id = r.source_id
         WHERE (p_source IS NULL OR s.name = p_source)
           AND (p_period_from IS NULL OR r.event_date >= p_period_from)
           AND (p_period_to IS NULL OR r.event_date <= p_period_to)
    ), d AS (
        SELECT dd.name, dd.ord FROM migstat.dimension dd WHERE dd.is_paragraph20
    )
    SELECT s.name::text, b.y::text, d.name::text,
           CASE WHEN count(bt.columns) = 0 THEN 'unknown'
                WHEN bool_and(x.has) THEN 'yes'
                WHEN NOT bool_or(x.has) THEN 'no'
                ELSE 'partly' END
      FROM b
      JOIN migstat.source s ON s.id = b.source_id
      JOIN migstat.batch bt ON bt.id = b.batch_id
     CROSS JOIN d
     CROSS JOIN LATERAL (SELECT CASE WHEN bt.columns IS NULL THEN NULL
                                     WHEN d.name = 'disability'
                                         THEN bt.columns && ARRAY['disability', 'wg_seeing', 'wg_hearing', 'wg_mobility',
                                                                  'wg_cognition', 'wg_selfcare', 'wg_communication']
                                     ELSE d.name = ANY (bt.columns) END AS has) x
     GROUP BY s.name, b.y, d.name, d.ord
     ORDER BY s.name, b.y, d.ord;
END
$$;
ALTER FUNCTION migstat.coverage_sent(p_period_from date, p_period_to date, p_source text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.declare_table(p_purpose text, p_name text, p_title text, p_dims text[], p_filters jsonb DEFAULT '{}'::jsonb, p_age_bands text DEFAULT NULL::text, p_period_unit text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_p       migstat.purpose;
    v_all     text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() ORDER BY ord);
    v_dims    text[] := '{}';
    v_dim     text;
    v_filters jsonb := '{}';
    v_key     text;
    v_val     jsonb;
    v_unit    text := lower(btrim(p_period_unit));
    v_bands   text := nullif(btrim(p_age_bands), '');
    v_other   migstat.declared_table;
    v_id      integer;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not declare tables of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'administrators and the stewards of the purpose declare its tables';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its programme is frozen', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{0,39}$' THEN
        RAISE EXCEPTION 'table name "%" is not allowed', p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'a lower-case letter, then up to 39 lower-case letters, digits or _';
    END IF;
    IF p_title IS NULL OR btrim(p_title) = '' THEN
        RAISE EXCEPTION 'table "%" needs a title', p_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(cardinality(p_dims), 0) = 0 THEN
        RAISE EXCEPTION 'table "%" needs at least one dimension', p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'dimensions: ' || array_to_string(array_remove(v_all, 'purpose'), ', ');
    END IF;
    FOREACH v_dim IN ARRAY p_dims LOOP
        v_dim := lower(btrim(v_dim));
        IF v_dim IS NULL OR NOT v_dim = ANY (v_all) OR v_dim = 'purpose' THEN
            RAISE EXCEPTION 'unknown table dimension "%"', v_dim USING ERRCODE = 'invalid_parameter_value',
                HINT = 'dimensions: ' || array_to_string(array_remove(v_all, 'purpose'), ', ');
        END IF;
        IF v_dim = ANY (v_dims) THEN
            RAISE EXCEPTION 'dimension "%" is listed twice', v_dim USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_dims := v_dims || v_dim;
    END LOOP;
    IF v_unit IS NOT NULL AND v_unit NOT IN ('year', 'quarter', 'month') THEN
        RAISE EXCEPTION 'period unit "%" is not allowed', p_period_unit USING ERRCODE = 'invalid_parameter_value',
            HINT = 'year, quarter or month';
    END IF;
    IF v_unit IS NOT NULL AND NOT 'period' = ANY (v_dims) THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    IF 'period' = ANY (v_dims) THEN
        v_unit := coalesce(v_unit, 'year');
        v_dims := array_remove(v_dims, 'period') || 'period'::text;
    END IF;
    IF NOT 'age' = ANY (v_dims) AND v_bands IS NOT NULL AND NOT coalesce(p_filters, '{}') ? 'age' THEN
        RAISE EXCEPTION 'age bands given for a table without age' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_bands IS NOT NULL THEN
        PERFORM migstat.report_age_bands(v_bands);     -- raises on a malformed list
    END IF;
    IF jsonb_typeof(coalesce(p_filters, '{}')) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object {"dimension": "CODE"}' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_key, v_val IN SELECT key, value FROM jsonb_each(coalesce(p_filters, '{}')) LOOP
        v_key := lower(btrim(v_key));
        IF jsonb_typeof(v_val) = 'array' AND jsonb_array_length(v_val) = 1 THEN
            v_val := v_val -> 0;
        END IF;
        IF jsonb_typeof(v_val) <> 'string' THEN
            RAISE EXCEPTION 'filter "%" of a declared table fixes one code', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'a list of codes is a category of its own: declare a table by the dimension instead';
        END IF;
        IF NOT v_key = ANY (v_all) OR v_key IN ('purpose', 'period') THEN
            RAISE EXCEPTION 'cannot filter on "%"', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'filter dimensions: ' || array_to_string(array_remove(array_remove(v_all, 'purpose'), 'period'), ', ');
        END IF;
        IF v_key = ANY (v_dims) THEN
            RAISE EXCEPTION '"%" is both a dimension and a filter', v_key USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_filters := v_filters || jsonb_build_object(v_key, jsonb_build_array(btrim(v_val #>> '{}')));
    END LOOP;
    IF ('age' = ANY (v_dims) OR v_filters ? 'age') THEN
        SELECT * INTO v_other FROM migstat.declared_table d
         WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL AND ('age' = ANY (d.dims) OR d.filters ? 'age')
           AND d.age_bands IS DISTINCT FROM v_bands ORDER BY d.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'table "%" would use other age bands than table "%" of purpose "%"', p_name, v_other.name, p_purpose
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('the tables of a programme share one classification: age bands %s', coalesce(v_other.age_bands, 'five-year (default)'));
        END IF;
    END IF;
    IF v_unit IS NOT NULL THEN
        SELECT * INTO v_other FROM migstat.declared_table d
         WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL AND d.period_unit IS NOT NULL AND d.period_unit <> v_unit ORDER BY d.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'table "%" would use period unit % but table "%" of purpose "%" uses %', p_name, v_unit,
                v_other.name, p_purpose, v_other.period_unit USING ERRCODE = 'invalid_parameter_value',
                HINT = 'the tables of a programme share one classification';
        END IF;
    END IF;
    -- The filter codes must exist: the plan resolves them (and the bands) the way reports do.
    PERFORM migstat.report_parameters(v_dims, v_filters, NULL, NULL, v_unit, v_bands, NULL, 'records', 1, false);
    IF EXISTS (SELECT 1 FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_name) THEN
        RAISE EXCEPTION 'purpose "%" already has a table "%"', p_purpose, p_name USING ERRCODE = 'invalid_parameter_value',
            HINT = 'table names are kept for good, retired tables included: choose another name';
    END IF;
    INSERT INTO migstat.declared_table (purpose_id, name, title, dims, filters, age_bands, period_unit)
    VALUES (v_p.id, p_name, btrim(p_title), v_dims, v_filters, CASE WHEN 'age' = ANY (v_dims) OR v_filters ? 'age' THEN v_bands END,
            v_unit)
    RETURNING id INTO v_id;
    PERFORM migstat.audit('table.declare', jsonb_build_object('table', p_name, 'title', btrim(p_title), 'dims', to_jsonb(v_dims),
                          'filters', v_filters, 'age_bands', v_bands, 'period_unit', v_unit), v_p.id);
    RETURN v_id;
END
$_$;
ALTER FUNCTION migstat.declare_table(p_purpose text, p_name text, p_title text, p_dims text[], p_filters jsonb, p_age_bands text, p_period_unit text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.declared_report(p_purpose text, p_table text) RETURNS TABLE(cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric, upper_bound numeric, is_estimate boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
DECLARE
    v_read  bigint;
    v_p     migstat.purpose;
    v_t     migstat.declared_table;
    v_run   bigint;
BEGIN
    PERFORM migstat.require_report_reader();
    v_read := migstat.read_begin('declared_report', jsonb_build_object('purpose', p_purpose, 'table', p_table));
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v_t FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_table AND d.retired_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" has no declared table "%"', p_purpose, p_table USING ERRCODE = 'MS404',
            HINT = coalesce('its tables: ' || (SELECT string_agg(d.name, ', ' ORDER BY d.name) FROM migstat.declared_table d
                                               WHERE d.purpose_id = v_p.id AND d.retired_at IS NULL),
                            'it has none: a steward or administrator declares them (migstat tables declare)');
    END IF;
    v_run := migstat.programme_latest(v_p.id, v_t.id);
    RETURN QUERY
        SELECT c.cell_dims, CASE WHEN c.status = 'F' THEN c.v END, 'A'::text,
               CASE WHEN c.status = 'F' THEN 'F' ELSE 'C' END::text, NULL::numeric, NULL::numeric, false
          FROM migstat.programme_table_cells(v_run, v_t.id) c;
    PERFORM migstat.audit('report.declared', jsonb_build_object('table', p_table, 'run', v_run, 'read', v_read), v_p.id);
END
$$;
ALTER FUNCTION migstat.declared_report(p_purpose text, p_table text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.declared_tables(p_purpose text DEFAULT NULL::text) RETURNS TABLE(purpose text, name text, title text, dims text[], filters jsonb, age_bands text, period_unit text, declared_at timestamp with time zone, declared_by name, retired_at timestamp with time zone, cells bigint, withheld bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_admin') OR migstat.caller_is('migstat_auditor')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    RETURN QUERY
        SELECT p.name::text, d.name, d.title, d.dims, d.filters, d.age_bands, d.period_unit, d.declared_at, d.declared_by,
               d.retired_at, (r.info_loss -> d.name ->> 'cells')::bigint, (r.info_loss -> d.name ->> 'withheld')::bigint
          FROM migstat.declared_table d
          JOIN migstat.purpose p ON p.id = d.purpose_id
          LEFT JOIN LATERAL (SELECT x.info_loss FROM migstat.programme_run x
                              WHERE x.purpose_id = d.purpose_id AND d.id = ANY (x.tables)
                              ORDER BY x.id DESC LIMIT 1) r ON true
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY p.name, d.retired_at IS NOT NULL, d.name;
END
$$;
ALTER FUNCTION migstat.declared_tables(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.drop_record_storage(p_tables text[], OUT relations text[], OUT files text[]) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_t text;
BEGIN
    p_tables := p_tables || ARRAY(SELECT 'record_id_ranges_' || substr(x, 9) FROM unnest(p_tables) x WHERE x ~ '^purpose_[0-9]+$');
    WITH t AS (SELECT to_regclass(format('migstat_data.%I', x)) AS oid FROM unnest(p_tables) x),
         tree AS (SELECT pt.relid FROM t CROSS JOIN LATERAL pg_partition_tree(t.oid) pt WHERE t.oid IS NOT NULL),
         rel AS (SELECT relid AS oid FROM tree
                 UNION SELECT c.reltoastrelid FROM tree JOIN pg_class c ON c.oid = tree.relid WHERE c.reltoastrelid <> 0
                 UNION SELECT i.indexrelid FROM tree JOIN pg_index i ON i.indrelid = tree.relid
                 UNION SELECT i.indexrelid FROM tree JOIN pg_class c ON c.oid = tree.relid JOIN pg_index i ON i.indrelid = c.reltoastrelid)
    SELECT array_agg(r.oid::regclass::text ORDER BY r.oid::regclass::text),
           array_agg(pg_relation_filepath(r.oid) ORDER BY r.oid::regclass::text) FILTER (WHERE pg_relation_filepath(r.oid) IS NOT NULL)
      INTO relations, files FROM rel r;
    FOREACH v_t IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS migstat_data.%I', v_t);
    END LOOP;
    relations := coalesce(relations, '{}');
    files := coalesce(files, '{}');
END
$_$;
ALTER FUNCTION migstat.drop_record_storage(p_tables text[], OUT relations text[], OUT files text[]) OWNER TO migstat_owner;
CREATE FUNCTION migstat.escalation_reasons(p_role oid) RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT array_remove(ARRAY[
               CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END,
               CASE WHEN r.rolreplication THEN 'REPLICATION' END]
             || ARRAY(SELECT 'member of ' || g FROM unnest(ARRAY['pg_read_all_data', 'pg_write_all_data',
                           'pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files']) g
                       WHERE pg_has_role(r.oid, g, 'MEMBER'))
             || ARRAY(SELECT 'member of migstat_pgaudit' FROM pg_roles a
                       WHERE a.rolname = 'migstat_pgaudit' AND pg_has_role(r.oid, a.oid, 'MEMBER')), NULL)
      FROM pg_roles r
     WHERE r.oid = p_role
$$;
ALTER FUNCTION migstat.escalation_reasons(p_role oid) OWNER TO migstat_owner;
CREATE FUNCTION migstat.estimates_import(p_source text, p_purpose text, p_rows jsonb, p_file_name text, p_sha256 text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    -- The record dimensions of the catalogue.
    c_dims  CONSTANT text[] := ARRAY(SELECT d.name FROM migstat.dimension d WHERE d.is_record_column ORDER BY d.ord);
    c_keys  CONSTANT text[] := ARRAY['period_from', 'period_to', 'dims', 'value', 'lower_bound', 'upper_bound',
                                     'method', 'source_reference'];
    v_p      migstat.purpose;
    v_src    smallint;
    v_row    jsonb;
    v_i      integer := 0;
    v_key    text;
    v_field  text;
    v_txt    text;
    v_dims   jsonb;
    v_from   date;
    v_to     date;
    v_num    numeric[];
    v_n      integer := 0;
    v_file   bigint;
BEGIN
    PERFORM migstat.require_role('migstat_loader');
    v_p := migstat.require_compartment(p_purpose, 'load');
    IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'the file''s SHA-256 must be 64 lower-case hex digits' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(p_file_name), '') = '' THEN
        RAISE EXCEPTION 'the file name is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The same content is refused while an import of it is active (two imports of it at once: the
    -- second waits for the first's lock, then sees it).
    PERFORM pg_advisory_xact_lock(hashtext('migstat.estimate_file'), hashtext(p_sha256));
    SELECT id INTO v_file FROM migstat.estimate_file WHERE sha256 = p_sha256 AND status = 'active';
    IF FOUND THEN
        RAISE EXCEPTION 'this file was already imported as estimates %', v_file
            USING ERRCODE = 'MS409', DETAIL = format('estimates=%s', v_file),
                  HINT = format('migstat estimates list shows it; to replace it, withdraw it first: migstat estimates withdraw %s --reason TEXT', v_file);
    END IF;
    IF p_source IS NULL OR p_source !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' THEN
        RAISE EXCEPTION 'source names are 1-63 characters: a letter or digit, then letters, digits, ".", "_", "-"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_rows IS NULL OR jsonb_typeof(p_rows) <> 'array' THEN
        RAISE EXCEPTION 'estimates must be a JSON array of objects' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT id INTO v_src FROM migstat.source WHERE name = p_source;
    INSERT INTO migstat.estimate_file (purpose_id, source_id, file_name, sha256, estimates)
    VALUES (v_p.id, v_src, btrim(p_file_name), p_sha256, 0) RETURNING id INTO v_file;
    FOR v_row IN SELECT e FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS a(e, n) ORDER BY a.n LOOP
        v_i := v_i + 1;
        IF jsonb_typeof(v_row) <> 'object' THEN
            RAISE EXCEPTION 'estimates row %: not a JSON object', v_i
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('row=%s', v_i);
        END IF;
        FOR v_key IN SELECT k FROM jsonb_object_keys(v_row) k ORDER BY k LOOP
            IF NOT v_key = ANY (c_keys) THEN
                RAISE EXCEPTION 'estimates row %: unknown field "%"', v_i, left(v_key, 40)
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'fields: ' || array_to_string(c_keys, ', '),
                    COLUMN = left(v_key, 40), DETAIL = format('row=%s', v_i);
            END IF;
        END LOOP;
        -- period
        FOREACH v_field IN ARRAY ARRAY['period_from', 'period_to'] LOOP
            v_txt := CASE WHEN jsonb_typeof(v_row -> v_field) = 'string' THEN v_row ->> v_field END;
            IF v_txt IS NULL OR v_txt !~ '^\d{4}-\d{2}-\d{2}$' THEN
                RAISE EXCEPTION 'estimates row %: field %: a date YYYY-MM-DD is required', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
            BEGIN
                IF v_field = 'period_from' THEN v_from := v_txt::date; ELSE v_to := v_txt::date; END IF;
            EXCEPTION WHEN others THEN
                RAISE EXCEPTION 'estimates row %: field %: not a valid date', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END;
        END LOOP;
        IF v_to < v_from THEN
            RAISE EXCEPTION 'estimates row %: field period_to: before period_from', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'period_to', DETAIL = format('row=%s', v_i);
        END IF;
        -- value and bounds
        v_num := ARRAY[NULL, NULL, NULL]::numeric[];
        FOR v_j IN 1..3 LOOP
            v_field := (ARRAY['value', 'lower_bound', 'upper_bound'])[v_j];
            CONTINUE WHEN v_j > 1 AND coalesce(jsonb_typeof(v_row -> v_field), 'null') = 'null';
            IF coalesce(jsonb_typeof(v_row -> v_field), 'null') NOT IN ('number', 'string') THEN
                RAISE EXCEPTION 'estimates row %: field %: a number is required', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
            BEGIN
                v_num[v_j] := (v_row ->> v_field)::numeric;
            EXCEPTION WHEN others THEN
                RAISE EXCEPTION 'estimates row %: field %: not a number', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END;
            IF v_num[v_j] IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric) OR v_num[v_j] < 0 THEN
                RAISE EXCEPTION 'estimates row %: field %: must be a finite number >= 0', v_i, v_field
                    USING ERRCODE = 'invalid_parameter_value', COLUMN = v_field, DETAIL = format('row=%s', v_i);
            END IF;
        END LOOP;
        IF v_num[2] > v_num[1] THEN
            RAISE EXCEPTION 'estimates row %: field lower_bound: greater than value', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'lower_bound', DETAIL = format('row=%s', v_i);
        END IF;
        IF v_num[3] < v_num[1] THEN
            RAISE EXCEPTION 'estimates row %: field upper_bound: less than value', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'upper_bound', DETAIL = format('row=%s', v_i);
        END IF;
        IF jsonb_typeof(v_row -> 'method') IS DISTINCT FROM 'string' OR btrim(v_row ->> 'method') = '' THEN
            RAISE EXCEPTION 'estimates row %: field method: a description of the method is required', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'method', DETAIL = format('row=%s', v_i);
        END IF;
        IF coalesce(jsonb_typeof(v_row -> 'source_reference'), 'null') NOT IN ('null', 'string') THEN
            RAISE EXCEPTION 'estimates row %: field source_reference: must be text', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'source_reference', DETAIL = format('row=%s', v_i);
        END IF;
        -- dims: codes of their lists (stored in canonical upper case)
        IF coalesce(jsonb_typeof(v_row -> 'dims'), 'null') NOT IN ('null', 'object') THEN
            RAISE EXCEPTION 'estimates row %: field dims: must be an object {"dimension": "CODE"}', v_i
                USING ERRCODE = 'invalid_parameter_value', COLUMN = 'dims', DETAIL = format('row=%s', v_i);
        END IF;
        v_dims := '{}';
        FOR v_key, v_txt IN SELECT d.key, CASE WHEN jsonb_typeof(d.value) = 'string' THEN btrim(d.value #>> '{}') END
                              FROM jsonb_each(coalesce(v_row -> 'dims', '{}')) d ORDER BY d.key LOOP
            IF NOT v_key = ANY (c_dims) THEN
                RAISE EXCEPTION 'estimates row %: field dims: unknown dimension "%"', v_i, left(v_key, 40)
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'dimensions: ' || array_to_string(c_dims, ', '),
                    COLUMN = 'dims', DETAIL = format('row=%s', v_i);
            END IF;
            IF v_txt IS NULL THEN
                RAISE EXCEPTION 'estimates row %: field dims.%: a code (text) is required', v_i, v_key
                    USING ERRCODE = 'invalid_parameter_value',
                    COLUMN = 'dims.' || v_key, DETAIL = format('row=%s', v_i);
            END IF;
            IF v_key = 'age' THEN
                v_txt := upper(v_txt);
                IF v_txt !~ '^(Y_LT\d{1,3}|Y_GE\d{1,3}|Y\d{1,3}-\d{1,3}|\d{1,3}(-\d{1,3}|\+)?)$' THEN
                    RAISE EXCEPTION 'estimates row %: field dims.age: not an age band label (Y15-19, Y_GE85, 15-19, 65+)', v_i
                        USING ERRCODE = 'invalid_parameter_value', COLUMN = 'dims.age', DETAIL = format('row=%s', v_i);
                END IF;
            ELSE
                v_txt := upper(v_txt);
                IF NOT EXISTS (SELECT 1 FROM migstat.code
                                WHERE dimension = (SELECT d.code_list FROM migstat.dimension d WHERE d.name = v_key)
                                  AND code = v_txt AND active) THEN
                    RAISE EXCEPTION 'estimates row %: field dims.%: not a code of the list', v_i, v_key
                        USING ERRCODE = 'invalid_parameter_value',
                        COLUMN = 'dims.' || v_key, DETAIL = format('row=%s', v_i);
                END IF;
            END IF;
            v_dims := v_dims || jsonb_build_object(v_key, v_txt);
        END LOOP;
        INSERT INTO migstat.estimate (purpose_id, source_id, period_from, period_to, dims, value, lower_bound,
                                      upper_bound, method, source_reference, file_id)
        VALUES (v_p.id, v_src, v_from, v_to, v_dims, v_num[1], v_num[2], v_num[3], btrim(v_row ->> 'method'),
                v_row ->> 'source_reference', v_file);
        v_n := v_n + 1;
    END LOOP;
    UPDATE migstat.estimate_file SET estimates = v_n WHERE id = v_file;
    PERFORM migstat.audit('estimates.import', jsonb_build_object('source', p_source, 'purpose', v_p.name, 'rows', v_n,
                                                                 'estimates', v_file, 'file', btrim(p_file_name),
                                                                 'sha256', p_sha256),
                          v_p.id);
    RETURN v_n;
END
$_$;
ALTER FUNCTION migstat.estimates_import(p_source text, p_purpose text, p_rows jsonb, p_file_name text, p_sha256 text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.estimates_list(p_purpose text DEFAULT NULL::text) RETURNS TABLE(id bigint, purpose text, source text, file_name text, sha256 text, estimates integer, period_from date, period_to date, status text, imported_at timestamp with time zone, imported_by name, withdrawn_at timestamp with time zone, withdrawn_by name, withdraw_reason text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege',
            HINT = format('an administrator can run: migstat access grant %s analyst', session_user);
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'migstat purpose list shows the declared purposes';
    END IF;
    RETURN QUERY
        SELECT f.id, p.name::text, s.name::text, f.file_name, f.sha256, f.estimates,
               (SELECT min(e.period_from) FROM migstat.estimate e WHERE e.file_id = f.id),
               (SELECT max(e.period_to) FROM migstat.estimate e WHERE e.file_id = f.id),
               f.status, f.imported_at, f.imported_by, f.withdrawn_at, f.withdrawn_by, f.withdraw_reason
          FROM migstat.estimate_file f
          JOIN migstat.purpose p ON p.id = f.purpose_id
          JOIN migstat.source s ON s.id = f.source_id
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY f.id;
END
$$;
ALTER FUNCTION migstat.estimates_list(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.estimates_withdraw(p_id bigint, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v         migstat.estimate_file;
    v_purpose migstat.purpose;
    v_n       integer;
BEGIN
    SELECT * INTO v FROM migstat.estimate_file WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR v.status <> 'active' THEN
        RAISE EXCEPTION 'no active estimates %', p_id USING ERRCODE = 'MS404',
            HINT = 'migstat estimates list shows the imports of estimates and their ids';
    END IF;
    SELECT * INTO v_purpose FROM migstat.purpose WHERE id = v.purpose_id;
    IF NOT (migstat.caller_is('migstat_admin')
            OR (migstat.caller_is('migstat_loader') AND migstat.caller_is(migstat.compartment_role(v_purpose.name, 'load')))) THEN
        RAISE EXCEPTION 'permission denied: % is not a loader of purpose %', session_user, v_purpose.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can withdraw it, or run: migstat access grant %s loader --purpose %s',
                                session_user, v_purpose.name);
    END IF;
    IF length(btrim(coalesce(p_reason, ''))) = 0 THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'migstat estimates withdraw ID --reason TEXT';
    END IF;
    DELETE FROM migstat.estimate WHERE file_id = p_id;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    UPDATE migstat.estimate_file SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                                     withdraw_reason = btrim(p_reason)
     WHERE id = p_id;
    PERFORM migstat.audit('estimates.withdraw', jsonb_build_object('estimates', p_id, 'reason', btrim(p_reason),
                          'file', v.file_name, 'sha256', v.sha256, 'removed', v_n), v.purpose_id);
    RETURN v_n;
END
$$;
ALTER FUNCTION migstat.estimates_withdraw(p_id bigint, p_reason text) OWNER TO migstat_owner;
CREATE FUNCTION migstat."extract"(p_purpose text, p_reason text, p_columns text[] DEFAULT NULL::text[], p_filters jsonb DEFAULT '{}'::jsonb) RETURNS TABLE(batch_id integer, line_no integer, record_id text, person_pseudonym text, event_date date, direction text, sex text, age smallint, nationality text, country text, region text, reason text, occupation text, worker_category text, ethnicity text, migration_status text, disability text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
DECLARE
    -- The record's dimensions, special categories and coded dimensions come from the catalogue.
    c_all     constant text[] := ARRAY['batch_id', 'line_no', 'record_id', 'person_pseudonym', 'event_date']
                                 || ARRAY(SELECT d.name FROM migstat.dimension d WHERE d.is_record_column ORDER BY d.ord);
    c_special constant text[] := ARRAY(SELECT d.name FROM migstat.dimension d WHERE d.is_special_category
                                        ORDER BY d.ord);
    c_codes   constant text[] := ARRAY(SELECT d.name FROM migstat.dimension d
                                        WHERE d.is_record_column AND d.code_list IS NOT NULL ORDER BY d.ord);
    c_keys    constant text[] := c_codes || ARRAY['event_date_from', 'event_date_to', 'age_from', 'age_to',
                                                  'batch_id'];
    v_p       migstat.purpose;
    v_cols    text[];
    v_filters jsonb := coalesce(p_filters, '{}');
    v_bad     text;
    v_special boolean;
    f_direction smallint[]; f_sex smallint[]; f_nationality smallint[]; f_country smallint[];
    f_region smallint[]; f_reason smallint[]; f_occupation smallint[]; f_worker smallint[];
    f_ethnicity smallint[]; f_status smallint[]; f_disability smallint[];
    f_from    date;
    f_to      date;
    f_age_from integer;
    f_age_to  integer;
    f_batches integer[];
    v_no      bigint;
    v_rows    bigint;
    v_seq     bigint;
    v_read    bigint;
BEGIN
    -- Who: a steward, and not an administrator (who grants compartments, possibly to itself).
    PERFORM migstat.require_role('migstat_steward');
    IF migstat.caller_is('migstat_admin') THEN
        RAISE EXCEPTION 'permission denied: administrators cannot extract record-level data (separation of duties)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    v_read := migstat.read_begin('extract', jsonb_build_object('purpose', p_purpose, 'columns', to_jsonb(p_columns),
                                                               'filters', p_filters));
    -- Why: no reason, no rows.
    IF p_reason IS NULL OR length(btrim(p_reason)) < 10
       OR length(regexp_replace(p_reason, '[^[:alpha:]]', '', 'g')) < 5 THEN
        RAISE EXCEPTION 'an extract needs a reason (at least 10 characters of text)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(p_reason) > 2000 THEN
        RAISE EXCEPTION 'the reason is limited to 2000 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Which compartment.
    v_p := migstat.require_compartment(p_purpose, 'read');
    -- Which columns.
    IF p_columns IS NULL THEN
        v_cols := ARRAY(SELECT c FROM unnest(c_all) c WHERE c <> 'person_pseudonym' AND NOT (c = ANY (c_special)));
    ELSE
        SELECT c INTO v_bad FROM unnest(p_columns) c WHERE c IS NULL OR NOT (c = ANY (c_all)) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'unknown column "%"', coalesce(v_bad, 'NULL') USING ERRCODE = 'invalid_parameter_value',
                HINT = 'columns: ' || array_to_string(c_all, ', ');
        END IF;
        v_cols := ARRAY(SELECT c FROM unnest(c_all) WITH ORDINALITY AS a(c, n) WHERE c = ANY (p_columns) ORDER BY n);
        IF cardinality(v_cols) = 0 THEN
            RAISE EXCEPTION 'no columns requested' USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    -- Which rows.
    IF jsonb_typeof(v_filters) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT k INTO v_bad FROM jsonb_object_keys(v_filters) k WHERE NOT (k = ANY (c_keys)) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown filter "%"', v_bad USING ERRCODE = 'invalid_parameter_value',
            HINT = 'filters: ' || array_to_string(c_keys, ', ');
    END IF;
    -- Special-category data, whether shown or used to select rows, needs the special compartment.
    v_special := v_cols && c_special OR v_filters ?| c_special;
    IF v_special THEN
        PERFORM migstat.require_compartment(p_purpose, 'special');
    END IF;
    f_direction   := migstat.extract_filter_codes('direction', 'direction', v_filters -> 'direction');
    f_sex         := migstat.extract_filter_codes('sex', 'sex', v_filters -> 'sex');
    f_nationality := migstat.extract_filter_codes('country', 'nationality', v_filters -> 'nationality');
    f_country     := migstat.extract_filter_codes('country', 'country', v_filters -> 'country');
    f_region      := migstat.extract_filter_codes('region', 'region', v_filters -> 'region');
    f_reason      := migstat.extract_filter_codes('reason', 'reason', v_filters -> 'reason');
    f_occupation  := migstat.extract_filter_codes('occupation', 'occupation', v_filters -> 'occupation');
    f_worker      := migstat.extract_filter_codes('worker_category', 'worker_category', v_filters -> 'worker_category');
    f_ethnicity   := migstat.extract_filter_codes('ethnicity', 'ethnicity', v_filters -> 'ethnicity');
    f_status      := migstat.extract_filter_codes('migration_status', 'migration_status', v_filters -> 'migration_status');
    f_disability  := migstat.extract_filter_codes('disability', 'disability', v_filters -> 'disability');
    BEGIN
        f_from     := (v_filters ->> 'event_date_from')::date;
        f_to       := (v_filters ->> 'event_date_to')::date;
        f_age_from := (v_filters ->> 'age_from')::integer;
        f_age_to   := (v_filters ->> 'age_to')::integer;
        IF v_filters ? 'batch_id' THEN
            IF jsonb_typeof(v_filters -> 'batch_id') = 'number' THEN
                f_batches := ARRAY[(v_filters ->> 'batch_id')::integer];
            ELSE
                f_batches := ARRAY(SELECT e::integer FROM jsonb_array_elements_text(v_filters -> 'batch_id') e);
            END IF;
        END IF;
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'bad filter value: dates are YYYY-MM-DD, ages and batch ids integers'
            USING ERRCODE = 'invalid_parameter_value';
    END;
    -- Checks passed: this extract gets its (non-transactional) number.
    v_no := nextval('migstat.extract_seq');
    -- The rows, materialised in the function's result before anything reaches the caller.
    RETURN QUERY
    SELECT CASE WHEN 'batch_id' = ANY (v_cols) THEN r.batch_id END,
           CASE WHEN 'line_no' = ANY (v_cols) THEN r.line_no END,
           CASE WHEN 'record_id' = ANY (v_cols) THEN r.record_id END,
           CASE WHEN 'person_pseudonym' = ANY (v_cols) THEN encode(r.person_pseudonym, 'hex') END,
           CASE WHEN 'event_date' = ANY (v_cols) THEN r.event_date END,
           CASE WHEN 'direction' = ANY (v_cols) THEN c_dir.code END,
           CASE WHEN 'sex' = ANY (v_cols) THEN c_sex.code END,
           CASE WHEN 'age' = ANY (v_cols) THEN r.age END,
           CASE WHEN 'nationality' = ANY (v_cols) THEN c_nat.code END,
           CASE WHEN 'country' = ANY (v_cols) THEN c_cty.code END,
           CASE WHEN 'region' = ANY (v_cols) THEN c_reg.code END,
           CASE WHEN 'reason' = ANY (v_cols) THEN c_rsn.code END,
           CASE WHEN 'occupation' = ANY (v_cols) THEN c_occ.code END,
           CASE WHEN 'worker_category' = ANY (v_cols) THEN c_wrk.code END,
           CASE WHEN 'ethnicity' = ANY (v_cols) THEN c_eth.code END,
           CASE WHEN 'migration_status' = ANY (v_cols) THEN c_sta.code END,
           CASE WHEN 'disability' = ANY (v_cols) THEN c_dis.code END
      FROM migstat.records r
      LEFT JOIN migstat.code c_dir ON c_dir.dimension = 'direction' AND c_dir.id = r.direction
      LEFT JOIN migstat.code c_sex ON c_sex.dimension = 'sex' AND c_sex.id = r.sex
      LEFT JOIN migstat.code c_nat ON c_nat.dimension = 'country' AND c_nat.id = r.nationality
      LEFT JOIN migstat.code c_cty ON c_cty.dimension = 'country' AND c_cty.id = r.country
      LEFT JOIN migstat.code c_reg ON c_reg.dimension = 'region' AND c_reg.id = r.region
      LEFT JOIN migstat.code c_rsn ON c_rsn.dimension = 'reason' AND c_rsn.id = r.reason
      LEFT JOIN migstat.code c_occ ON c_occ.dimension = 'occupation' AND c_occ.id = r.occupation
      LEFT JOIN migstat.code c_wrk ON c_wrk.dimension = 'worker_category' AND c_wrk.id = r.worker_category
      LEFT JOIN migstat.code c_eth ON c_eth.dimension = 'ethnicity' AND c_eth.id = r.ethnicity
      LEFT JOIN migstat.code c_sta ON c_sta.dimension = 'migration_status' AND c_sta.id = r.migration_status
      LEFT JOIN migstat.code c_dis ON c_dis.dimension = 'disability' AND c_dis.id = r.disability
     WHERE r.purpose_id = v_p.id
       AND (f_direction IS NULL OR r.direction = ANY (f_direction))
       AND (f_sex IS NULL OR r.sex = ANY (f_sex))
       AND (f_nationality IS NULL OR r.nationality = ANY (f_nationality))
       AND (f_country IS NULL OR r.country = ANY (f_country))
       AND (f_region IS NULL OR r.region = ANY (f_region))
       AND (f_reason IS NULL OR r.reason = ANY (f_reason))
       AND (f_occupation IS NULL OR r.occupation = ANY (f_occupation))
       AND (f_worker IS NULL OR r.worker_category = ANY (f_worker))
       AND (f_ethnicity IS NULL OR r.ethnicity = ANY (f_ethnicity))
       AND (f_status IS NULL OR r.migration_status = ANY (f_status))
       AND (f_disability IS NULL OR r.disability = ANY (f_disability))
       AND (f_from IS NULL OR r.event_date >= f_from)
       AND (f_to IS NULL OR r.event_date <= f_to)
       AND (f_age_from IS NULL OR r.age >= f_age_from)
       AND (f_age_to IS NULL OR r.age <= f_age_to)
       AND (f_batches IS NULL OR r.batch_id = ANY (f_batches))
     ORDER BY r.batch_id, r.line_no;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_seq := migstat.audit('extract', jsonb_build_object('purpose', v_p.name, 'reason', p_reason,
                           'columns', to_jsonb(v_cols), 'filters', v_filters, 'rows', v_rows,
                           'extract_no', v_no, 'special_category', v_special, 'read', v_read), v_p.id);
    -- Non-transactional trace (no reason text: it is free text and could name a person).
    RAISE LOG 'migstat: extract #% by % of purpose % returned % rows (audit seq %)',
        v_no, session_user, v_p.name, v_rows, v_seq;
    RETURN;
END
$$;
ALTER FUNCTION migstat."extract"(p_purpose text, p_reason text, p_columns text[], p_filters jsonb) OWNER TO migstat_owner;
CREATE FUNCTION migstat.extract_filter_codes(p_dimension text, p_key text, p_value jsonb) RETURNS smallint[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_codes text[];
    v_ids   smallint[];
    v_bad   text;
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RETURN NULL;
    ELSIF jsonb_typeof(p_value) = 'string' THEN
        v_codes := ARRAY[upper(btrim(p_value #>> '{}'))];
    ELSIF jsonb_typeof(p_value) = 'array'
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_value) e WHERE jsonb_typeof(e) <> 'string') THEN
        SELECT coalesce(array_agg(upper(btrim(e))), '{}') INTO v_codes FROM jsonb_array_elements_text(p_value) e;
    ELSE
        RAISE EXCEPTION 'filter "%" must be a code or an array of codes', p_key USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(v_codes) = 0 THEN
        RAISE EXCEPTION 'filter "%" lists no codes', p_key USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT u.c INTO v_bad FROM unnest(v_codes) u(c)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = u.c) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'filter "%": "%" is not a % code', p_key, v_bad, p_dimension
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT array_agg(c.id) INTO v_ids FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = ANY (v_codes);
    RETURN v_ids;
END
$$;
ALTER FUNCTION migstat.extract_filter_codes(p_dimension text, p_key text, p_value jsonb) OWNER TO migstat_owner;
CREATE FUNCTION migstat.extract_gaps() RETURNS TABLE(extract_no bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_last   bigint;
    v_called boolean;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT s.last_value, s.is_called INTO v_last, v_called FROM migstat.extract_seq s;
    RETURN QUERY
    SELECT g.n FROM generate_series(1::bigint, CASE WHEN v_called THEN v_last ELSE 0 END) AS g(n)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_log a
                        WHERE a.action = 'extract' AND a.details ->> 'extract_no' = g.n::text)
     ORDER BY g.n;
END
$$;
ALTER FUNCTION migstat.extract_gaps() OWNER TO migstat_owner;
CREATE TABLE migstat.batch (
    id integer NOT NULL,
    source_id smallint NOT NULL,
    purpose_id smallint NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    rows_read integer,
    accepted integer,
    rejected integer,
    status text DEFAULT 'loading'::text NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by name DEFAULT SESSION_USER NOT NULL,
    withdrawn_at timestamp with time zone,
    withdrawn_by name,
    withdraw_reason text,
    check_removed integer,
    profile_sha256 text,
    begin_call bigint,
    check_call bigint,
    columns text[],
    CONSTRAINT batch_check CHECK (((status = 'loading'::text) OR ((accepted + rejected) = rows_read))),
    CONSTRAINT batch_profile_sha256_check CHECK ((profile_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT batch_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT batch_status_check CHECK ((status = ANY (ARRAY['loading'::text, 'loaded'::text, 'withdrawn'::text, 'purged'::text])))
);
ALTER TABLE migstat.batch OWNER TO migstat_owner;
COMMENT ON COLUMN migstat.batch.check_removed IS 'rows check_batch removed from the loading batch';
COMMENT ON COLUMN migstat.batch.profile_sha256 IS 'SHA-256 of the mapping profile the batch was read through (NULL: canonical layout)';
COMMENT ON COLUMN migstat.batch.columns IS 'canonical columns the batch file (or its profile) sent; NULL: not recorded';
CREATE FUNCTION migstat.finish_batch(p_batch_id integer, p_rows_read integer, p_rejected integer) RETURNS migstat.batch
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v         migstat.batch := migstat.loading_batch(p_batch_id);
    v_table   text := 'batch_' || p_batch_id;
    v_stored  integer;
    v_flagged integer;
BEGIN
    IF v.check_call IS NULL THEN
        SELECT count(*) INTO v_flagged FROM migstat.check_batch(p_batch_id, NULL);
        IF v_flagged > 0 THEN
            RAISE EXCEPTION 'batch % has % rows that cannot be stored: run migstat.check_batch first', p_batch_id, v_flagged
                USING ERRCODE = 'MS422';
        END IF;
    END IF;
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    v_stored := v.accepted;
    IF v_stored + p_rejected <> p_rows_read OR p_rejected < coalesce(v.check_removed, 0) THEN
        RAISE EXCEPTION 'batch accounting does not add up: % stored + % rejected <> % read',
            v_stored, p_rejected, p_rows_read USING ERRCODE = 'MS422';
    END IF;
    EXECUTE format('REVOKE ALL ON migstat_data.%I FROM %I', v_table, session_user);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', v_table);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', v_table);
    -- The attach checks the partition bounds (purpose and batch) in one scan; check_batch has
    -- checked everything else.
    EXECUTE format('ALTER TABLE migstat_data.%I ATTACH PARTITION migstat_data.%I FOR VALUES IN (%s)',
                   'purpose_' || v.purpose_id, v_table, p_batch_id);
    UPDATE migstat.batch SET status = 'loaded', rows_read = p_rows_read, accepted = v_stored, rejected = p_rejected
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.import', jsonb_build_object('batch', v.id,
                          'source', (SELECT name FROM migstat.source WHERE id = v.source_id),
                          'purpose', (SELECT name FROM migstat.purpose WHERE id = v.purpose_id),
                          'file', v.file_name, 'sha256', v.sha256, 'rows', v.rows_read, 'accepted', v.accepted,
                          'rejected', v.rejected, 'calls', jsonb_build_array(v.begin_call, v.check_call)), v.purpose_id, v.id);
    RETURN v;
END
$$;
ALTER FUNCTION migstat.finish_batch(p_batch_id integer, p_rows_read integer, p_rejected integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.key_destroyed(p_key_id uuid, p_host text, p_path text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.purpose;
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE key_id = p_key_id;
    IF NOT FOUND OR v.status <> 'purged' THEN
        RAISE EXCEPTION 'key % is not the key of a purged purpose', p_key_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM migstat.audit('key.destroyed', jsonb_build_object('purpose', v.name, 'key_id', p_key_id,
                          'host', left(p_host, 255), 'path', left(p_path, 1024), 'reported_by_client', true), v.id);
END
$$;
ALTER FUNCTION migstat.key_destroyed(p_key_id uuid, p_host text, p_path text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.load_code_labels(p_dimension text, p_lang text, p_codes text[], p_labels text[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_n       integer;
    v_unknown text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF array_length(p_codes, 1) IS DISTINCT FROM array_length(p_labels, 1) THEN
        RAISE EXCEPTION 'codes and labels differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lang IS NULL OR p_lang !~ '^[a-z]{2,3}$' OR p_lang = 'en' THEN
        RAISE EXCEPTION 'language "%" is not a language of code labels (ru, ky, ...; English is the code''s own label)', p_lang
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT min(u.code) INTO v_unknown FROM unnest(p_codes) AS u(code)
     WHERE NOT EXISTS (SELECT FROM migstat.code c WHERE c.dimension = p_dimension AND c.code = upper(u.code));
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'code list "%" has no code "%"', p_dimension, v_unknown USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM migstat.code_label WHERE dimension = p_dimension AND lang = p_lang;
    INSERT INTO migstat.code_label (dimension, code, lang, label)
    SELECT p_dimension, upper(u.code), p_lang, u.label
      FROM unnest(p_codes, p_labels) AS u(code, label)
     WHERE u.label IS NOT NULL AND u.label <> ''
    ON CONFLICT (dimension, code, lang) DO UPDATE SET label = EXCLUDED.label;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.audit('codes.labels', jsonb_build_object('dimension', p_dimension, 'lang', p_lang, 'labels', v_n));
    RETURN v_n;
END
$_$;
ALTER FUNCTION migstat.load_code_labels(p_dimension text, p_lang text, p_codes text[], p_labels text[]) OWNER TO migstat_owner;
CREATE FUNCTION migstat.load_codes(p_dimension text, p_codes text[], p_labels text[], p_parents text[] DEFAULT NULL::text[], p_levels smallint[] DEFAULT NULL::smallint[], p_replace boolean DEFAULT false) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_n integer;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF array_length(p_codes, 1) IS DISTINCT FROM array_length(p_labels, 1) THEN
        RAISE EXCEPTION 'codes and labels differ in length' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_replace THEN
        UPDATE migstat.code SET active = false WHERE dimension = p_dimension AND NOT (code = ANY (p_codes));
    END IF;
    INSERT INTO migstat.code AS c (dimension, id, code, label, parent, level, sort_order)
    SELECT p_dimension,
           coalesce((SELECT max(id) FROM migstat.code WHERE dimension = p_dimension), 0)
               + row_number() OVER (ORDER BY u.ord),
           upper(u.code), u.label, p_parents[u.ord], coalesce(p_levels[u.ord], 1), u.ord
      FROM unnest(p_codes, p_labels) WITH ORDINALITY AS u(code, label, ord)
    ON CONFLICT (dimension, code) DO UPDATE
       SET label = EXCLUDED.label, parent = EXCLUDED.parent, level = EXCLUDED.level,
           sort_order = EXCLUDED.sort_order, active = true;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.audit('codes.load', jsonb_build_object('dimension', p_dimension, 'codes', v_n,
                          'replace', p_replace));
    RETURN v_n;
END
$$;
ALTER FUNCTION migstat.load_codes(p_dimension text, p_codes text[], p_labels text[], p_parents text[], p_levels smallint[], p_replace boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.loading_batch(p_batch_id integer) RETURNS migstat.batch
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.batch;
BEGIN
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id;
    IF NOT FOUND OR v.status <> 'loading' OR v.imported_by <> session_user THEN
        RAISE EXCEPTION 'batch % is not being loaded by %', p_batch_id, session_user
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN v;
END
$$;
ALTER FUNCTION migstat.loading_batch(p_batch_id integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.my_access() RETURNS TABLE(role text, purpose text, access text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT substr(g.r, 9), NULL::text, NULL::text
      FROM unnest(ARRAY['migstat_loader', 'migstat_analyst', 'migstat_steward', 'migstat_auditor',
                        'migstat_admin']::name[]) WITH ORDINALITY AS g(r, n)
     WHERE migstat.caller_is(g.r)
    UNION ALL
    SELECT CASE k.kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p.name, k.kind
      FROM migstat.purpose p
     CROSS JOIN (VALUES ('load'), ('read'), ('special')) AS k(kind)
     WHERE migstat.caller_is(migstat.compartment_role(p.name, k.kind))
$$;
ALTER FUNCTION migstat.my_access() OWNER TO migstat_owner;
CREATE FUNCTION migstat.profile_add(p_source text, p_profile text, p_replace boolean DEFAULT false) RETURNS TABLE(source text, version integer, sha256 text, registered_by name, registered_at timestamp with time zone, previous_version integer, previous_sha256 text, unchanged boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_src  smallint;
    v_sha  text;
    v_prev migstat.profile;
    v_new  migstat.profile;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_source IS NULL OR p_source !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' THEN
        RAISE EXCEPTION 'source names are 1-63 characters: a letter or digit, then letters, digits, ".", "_" or "-"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_profile IS NULL OR length(p_profile) = 0 OR octet_length(p_profile) > 1048576 THEN
        RAISE EXCEPTION 'a profile is 1 byte to 1 MiB of text' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_sha := encode(pg_catalog.sha256(convert_to(p_profile, 'UTF8')), 'hex');
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT s.id INTO v_src FROM migstat.source s WHERE s.name = p_source;
    -- One registration per source at a time: versions are numbered without gaps or races.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.profile'), v_src);
    SELECT * INTO v_prev FROM migstat.profile p WHERE p.source_id = v_src ORDER BY p.version DESC LIMIT 1;
    IF FOUND AND v_prev.sha256 = v_sha THEN
        RETURN QUERY SELECT p_source, v_prev.version, v_prev.sha256, v_prev.registered_by, v_prev.registered_at,
                            NULL::integer, NULL::text, true;
        RETURN;
    END IF;
    IF FOUND AND NOT coalesce(p_replace, false) THEN
        RAISE EXCEPTION 'source "%" has a profile already (version %, sha256 %)', p_source, v_prev.version, v_prev.sha256
            USING ERRCODE = 'MS409',
                  HINT = format('add --replace to register this one as version %s (version %s stays in the history)',
                                v_prev.version + 1, v_prev.version);
    END IF;
    INSERT INTO migstat.profile (source_id, version, profile, sha256)
    VALUES (v_src, coalesce(v_prev.version, 0) + 1, p_profile, v_sha) RETURNING * INTO v_new;
    PERFORM migstat.audit('profile.add', jsonb_build_object('source', p_source, 'version', v_new.version,
                          'sha256', v_new.sha256, 'bytes', octet_length(p_profile),
                          'replaced_sha256', v_prev.sha256));
    RETURN QUERY SELECT p_source, v_new.version, v_new.sha256, v_new.registered_by, v_new.registered_at,
                        v_prev.version, v_prev.sha256, false;
END
$_$;
ALTER FUNCTION migstat.profile_add(p_source text, p_profile text, p_replace boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.profiles(p_source text DEFAULT NULL::text, p_history boolean DEFAULT false) RETURNS TABLE(source text, version integer, is_current boolean, sha256 text, registered_by name, registered_at timestamp with time zone, versions integer, profile text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT x.source, x.version, x.is_current, x.sha256, x.registered_by, x.registered_at, x.versions, x.profile
      FROM (SELECT s.name AS source, p.version,
                   p.version = max(p.version) OVER (PARTITION BY p.source_id) AS is_current,
                   p.sha256, p.registered_by, p.registered_at,
                   (count(*) OVER (PARTITION BY p.source_id))::integer AS versions, p.profile
              FROM migstat.profile p JOIN migstat.source s ON s.id = p.source_id
             WHERE p_source IS NULL OR s.name = p_source) x
     WHERE p_history OR x.is_current
     ORDER BY x.source, x.version DESC
$$;
ALTER FUNCTION migstat.profiles(p_source text, p_history boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_compute(p_purpose_id smallint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_name     text := (SELECT name FROM migstat.purpose WHERE id = p_purpose_id);
    v_tables   migstat.declared_table[];
    v_dims     text[];
    v_unit     text;
    v_bands    text;
    v          migstat.report_plan;
    v_d        integer;
    v_i        integer;
    v_k        integer := (SELECT value::integer FROM migstat.setting WHERE key = 'threshold');
    v_ks       integer := (SELECT value::integer FROM migstat.setting WHERE key = 'threshold_special');
    v_special  text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() WHERE special_category);
    v_w_res    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_residual'), 0.1);
    v_w_mar    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_margin'), 0.3);
    v_w_int    real := coalesce((SELECT value::real FROM migstat.setting WHERE key = 'protection_cost_interior'), 1);
    v_interior text;          -- SQL (on a key $x): every dimension is a category
    v_resid    text;          -- SQL: some dimension is a residual category
    v_ridx     text[];        -- per dimension: the indexes of its residual categories ('{...}')
    v_rstar    text;          -- SQL: how many of c's margin dimensions a finest cell has residual
    v_margin   text;          -- SQL (key s.k, table t): a dimension of t is _T
    v_cube     text;          -- SQL: the cheapest feasible cube through $1, withheld and certified
    v_m        integer;       -- candidates per dimension
    v_c        record;
    v_prev     migstat.programme_run;
    v_fix      bigint;
    v_star     bigint;
    v_found    boolean;
    v_run      bigint;
    v_batches  integer[];
    v_sha      text[];
    v_t0       timestamptz := clock_timestamp();
    v_jit      text := current_setting('jit');
    v_wm       text := current_setting('work_mem');
BEGIN
    v_tables := ARRAY(SELECT d FROM migstat.declared_table d WHERE d.purpose_id = p_purpose_id AND d.retired_at IS NULL
                       ORDER BY d.id);
    IF coalesce(cardinality(v_tables), 0) = 0 THEN
        RAISE EXCEPTION 'purpose "%" has no declared tables', v_name USING ERRCODE = 'MS404',
            HINT = 'a steward or administrator declares them: migstat tables declare';
    END IF;
    v_dims := ARRAY(SELECT i.dimension FROM migstat.report_dimension_info() i
                     WHERE i.dimension <> 'period'
                       AND EXISTS (SELECT 1 FROM unnest(v_tables) t WHERE i.dimension = ANY (t.dims) OR t.filters ? i.dimension)
                     ORDER BY i.ord);
    SELECT max(t.period_unit) INTO v_unit FROM unnest(v_tables) t;
    IF v_unit IS NOT NULL THEN
        v_dims := v_dims || 'period'::text;
    END IF;
    SELECT max(t.age_bands) INTO v_bands FROM unnest(v_tables) t WHERE 'age' = ANY (t.dims) OR t.filters ? 'age';
    v_d := cardinality(v_dims);
    SELECT array_agg(b.id ORDER BY b.id), array_agg(b.sha256 ORDER BY b.id) INTO v_batches, v_sha
      FROM migstat.batch b WHERE b.purpose_id = p_purpose_id AND b.status = 'loaded';
    -- 1. The programme cube (exact).
    v := migstat.report_parameters(v_dims, jsonb_build_object('purpose', jsonb_build_array(v_name)), NULL, NULL, v_unit,
                                   v_bands, NULL, 'records', 1, false);
    v.perturb := false;
    v := migstat.report_fine_cells(v);
    PERFORM set_config('jit', 'off', true);
    IF pg_size_bytes(v_wm) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v := migstat.report_categories(v);
    PERFORM migstat.report_cube(v);
    -- The tables: which cells each shows (k & ~any_mask = req), and its threshold.
    CREATE TEMP TABLE migstat_pg_tab ON COMMIT DROP AS
    SELECT t.id AS tid, t.name, t.dims,
           coalesce((SELECT bit_or(v.key_mask[i]) FROM generate_series(1, v_d) i WHERE v.dims[i] = ANY (t.dims)), 0)::bigint AS any_mask,
           coalesce((SELECT sum(((coalesce(array_position(v.labels[i]::text[], t.filters -> v.dims[i] ->> 0),
                                            array_position(v.labels[i]::text[], upper(t.filters -> v.dims[i] ->> 0))) - 1)::bigint) << v.key_offset[i])
                       FROM generate_series(1, v_d) i WHERE t.filters ? v.dims[i]), 0)::bigint AS req,
           coalesce((SELECT sum(1 << (i - 1)) FROM generate_series(1, v_d) i
                      WHERE v.dims[i] = ANY (t.dims) OR t.filters ? v.dims[i]), 0)::integer AS dimbits,
           CASE WHEN t.dims && v_special OR ARRAY(SELECT jsonb_object_keys(t.filters)) && v_special
                THEN greatest(v_k, v_ks) ELSE v_k END AS kk
      FROM unnest(v_tables) t;
    IF EXISTS (SELECT 1 FROM migstat_pg_tab WHERE req IS NULL) THEN
        -- a filter code that does not occur: the table is all zeros, it shows nothing to protect
        DELETE FROM migstat_pg_tab WHERE req IS NULL;
    END IF;
    -- SQL pieces over a key.
    v_interior := (SELECT string_agg(format('(%%1$s & %s::bigint) <> 0', v.key_mask[i]), ' AND ') FROM generate_series(1, v_d) i);
    v_ridx := ARRAY(SELECT coalesce((SELECT array_agg(l.n - 1)
                                       FROM unnest(v.labels[i]::text[]) WITH ORDINALITY l(code, n)
                                      WHERE l.code IN ('_Z', '_X', '_O')
                                         OR l.code = ANY (coalesce((SELECT d.unknown_codes FROM migstat.dimension d WHERE d.name = v.dims[i]), '{}'))),
                                    '{}')::text
                      FROM generate_series(1, v_d) i ORDER BY i);
    v_resid := coalesce((SELECT string_agg(format('((%%1$s & %s::bigint) >> %s) = ANY (%L::bigint[])', v.key_mask[i], v.key_offset[i], v_ridx[i]), ' OR ')
                           FROM generate_series(1, v_d) i WHERE v_ridx[i] <> '{}'), 'false');
    v_margin := (SELECT string_agg(format('((t.any_mask & %1$s::bigint) <> 0 AND (s.k & %1$s::bigint) = 0)', v.key_mask[i]), ' OR ')
                   FROM generate_series(1, v_d) i);
    -- 2. Every non-zero cell of the cube, published or not.
    EXECUTE format($q$
        CREATE TEMP TABLE migstat_pg_cell ON COMMIT DROP AS
        SELECT s.k, s.v, max(t.kk) AS kk, array_agg(t.tid ORDER BY t.tid) FILTER (WHERE t.tid IS NOT NULL) AS tabs,
               (%1$s) AS interior,
               CASE WHEN max(t.kk) IS NULL THEN NULL
                    ELSE (CASE WHEN %2$s THEN %4$s WHEN bool_or(%3$s) THEN %5$s ELSE %6$s END * (1 + ln(1 + s.v)))::real END AS cost,
               CASE WHEN s.v BETWEEN 1 AND max(t.kk) - 1 THEN 'A' ELSE 'F' END::"char" AS st
          FROM migstat_rep_sup s
          LEFT JOIN migstat_pg_tab t ON (s.k & ~t.any_mask) = t.req
         GROUP BY s.k, s.v$q$,
        format(v_interior, 's.k'), format(v_resid, 's.k'), v_margin, v_w_res, v_w_mar, v_w_int);
    ALTER TABLE migstat_pg_cell ADD PRIMARY KEY (k);
    -- Earlier releases of the same records (the same loaded batches), which an analyst keeps: what
    -- they withheld stays withheld, what they published stays published (status P: never a
    -- corner). A release for the same batches keeps every table they published, under the same
    -- thresholds; other tables are released with the next batches.
    FOR v_prev IN SELECT * FROM migstat.programme_run r
                   WHERE r.purpose_id = p_purpose_id AND r.batches = coalesce(v_batches, '{}') ORDER BY r.id LOOP
        IF NOT v_prev.tables <@ ARRAY(SELECT (t).id FROM unnest(v_tables) t) THEN
            RAISE EXCEPTION 'release % of purpose "%" published tables for the same batches that are not active now: %', v_prev.id, v_name,
                (SELECT string_agg(d.name, ', ' ORDER BY d.name) FROM migstat.declared_table d
                  WHERE d.id = ANY (v_prev.tables) AND d.retired_at IS NOT NULL)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'a release for the same batches keeps what an earlier one published: release after the next import';
        END IF;
        IF v_prev.threshold <> v_k OR v_prev.threshold_special <> v_ks THEN
            RAISE EXCEPTION 'release % of purpose "%" used other thresholds for the same batches', v_prev.id, v_name
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'a release for the same batches keeps what an earlier one published: release after the next import';
        END IF;
        UPDATE migstat_pg_cell x SET st = CASE WHEN m.withheld THEN CASE WHEN x.st = 'A' THEN 'A' ELSE 'D' END ELSE 'P' END
          FROM (SELECT (SELECT sum(((array_position(v.labels[i]::text[], coalesce(
                                      (SELECT (v_prev.labels[j]::text[])[((c.k & v_prev.key_mask[j]) >> v_prev.key_offset[j]) + 1]
                                         FROM generate_series(1, cardinality(v_prev.dims)) j WHERE v_prev.dims[j] = v.dims[i]), '_T'))
                                    - 1)::bigint) << v.key_offset[i])
                          FROM generate_series(1, v_d) i)::bigint AS nk,
                       bool_or(c.status IN ('A', 'D')) AS withheld
                  FROM migstat.programme_cell c WHERE c.run_id = v_prev.id GROUP BY 1) m
         WHERE x.k = m.nk;
        IF EXISTS (SELECT 1 FROM migstat_pg_cell x WHERE x.st = 'P' AND x.v BETWEEN 1 AND x.kk - 1) THEN
            RAISE EXCEPTION 'a table of purpose "%" would show a cell that release % published as a small count under its own threshold',
                v_name, v_prev.id USING ERRCODE = 'invalid_parameter_value',
                HINT = 'a special-category table may not be added to a released programme that shows its cells: release it after the next import';
        END IF;
    END LOOP;
    ANALYZE migstat_pg_cell;
    CREATE TEMP TABLE migstat_pg_cert (k bigint PRIMARY KEY, x bigint, down bigint, up bigint, corners bigint[], signs integer[])
        ON COMMIT DROP;
    CREATE TEMP TABLE migstat_pg_cand (i integer, j bigint, s integer, r integer, y boolean NOT NULL DEFAULT false) ON COMMIT DROP;
    -- 3. Hypercubes. Candidates per dimension where c is a margin: staying, the child along the
    -- largest finest cell and the best other child; where c is a category: the m best partners,
    -- m such that the corners to look at stay near 256k (m^categories * 3^margins * 2^d).
    v_cube := format($q$
        WITH %1$s,
        cubes0 AS (SELECT %2$s, (%9$s) AS ym, (%10$s) AS sm FROM %3$s),
        cubes AS (SELECT * FROM cubes0 c
                   WHERE NOT EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (t.dimbits & c.ym) <> 0 AND (c.sm & ~t.dimbits) = 0)),
        corners AS (SELECT cubes.*, m, (%5$s) AS ck, (%6$s) AS sg FROM cubes CROSS JOIN generate_series(1, %7$s) m
                     WHERE m & ym = 0),
        ev AS (SELECT co.*, x.v, x.st, x.cost,
                      CASE WHEN x.k IS NOT NULL THEN x.tabs IS NOT NULL
                           ELSE EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (co.ck & ~t.any_mask) = t.req) END AS pub,
                      (%8$s) AS interior
                 FROM corners co LEFT JOIN migstat_pg_cell x ON x.k = co.ck),
        best AS (SELECT %4$s FROM ev GROUP BY %4$s
                  HAVING bool_and(CASE WHEN pub THEN coalesce(v, 0) > 0 AND (sg = 1 OR v >= $2) AND coalesce(st, 'F') <> 'P'
                                       WHEN interior THEN sg = 1 OR coalesce(v, 0) >= $2 - 1
                                       ELSE true END)
                  ORDER BY sum(CASE WHEN pub AND st = 'F' THEN cost ELSE 0 END), %4$s LIMIT 1),
        mine AS (SELECT ev.* FROM ev NATURAL JOIN best),
        upd AS (UPDATE migstat_pg_cell x SET st = 'D' FROM mine WHERE x.k = mine.ck AND mine.pub AND x.st = 'F' RETURNING x.k)
        INSERT INTO migstat_pg_cert (k, x, down, up, corners, signs)
        SELECT $1, $3,
               least($3 - 1, min(CASE WHEN sg = 1 THEN CASE WHEN pub THEN v - 1 WHEN interior THEN coalesce(v, 0) END END)),
               min(CASE WHEN sg = -1 THEN CASE WHEN pub THEN v - 1 WHEN interior THEN coalesce(v, 0) END END),
               array_agg(ck ORDER BY m), array_agg(sg ORDER BY m)
          FROM mine
        HAVING count(*) > 0$q$,
        (SELECT string_agg(format('c%1$s AS (SELECT j AS j%1$s, s AS s%1$s, y AS y%1$s FROM migstat_pg_cand WHERE i = %1$s)', i), ', ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('j%1$s, s%1$s, y%1$s', i), ', ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('c%s', i), ' CROSS JOIN ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('j%s', i), ', ') FROM generate_series(1, v_d) i),
        '($1 & ~(' || (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN %s::bigint ELSE 0 END', 1 << (i - 1), v.key_mask[i]), ' | ')
                         FROM generate_series(1, v_d) i) || ')) | '
            || (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN j%s << %s ELSE 0 END', 1 << (i - 1), i, v.key_offset[i]), ' | ')
                  FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN m & %s <> 0 THEN s%s ELSE 1 END', 1 << (i - 1), i), ' * ') FROM generate_series(1, v_d) i),
        (1 << v_d) - 1,
        (SELECT string_agg(format('((co.ck & %s::bigint) <> 0 OR co.y%s)', v.key_mask[i], i), ' AND ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN y%s THEN %s ELSE 0 END', i, 1 << (i - 1)), ' | ') FROM generate_series(1, v_d) i),
        (SELECT string_agg(format('CASE WHEN s%s = -1 THEN %s ELSE 0 END', i, 1 << (i - 1)), ' | ') FROM generate_series(1, v_d) i));
    FOR v_c IN SELECT c.k, c.v, c.kk FROM migstat_pg_cell c WHERE c.st = 'A' ORDER BY c.v, c.k LOOP
        TRUNCATE migstat_pg_cand;
        v_i := (SELECT count(*) FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0);
        v_m := least(16, greatest(3, floor(power(262144.0 / ((2 ^ v_d) * (3 ^ (v_d - v_i))), 1.0 / greatest(v_i, 1)))::integer));
        -- The largest finest cell below c: its categories are the children of c's margins.
        v_fix := (SELECT coalesce(bit_or(v.key_mask[i]), 0) FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0);
        -- (residual categories first: withholding them costs least where the cube meets other tables)
        v_rstar := coalesce((SELECT string_agg(format('(((k & %s::bigint) >> %s) = ANY (%L::bigint[]))::integer', v.key_mask[i],
                                                      v.key_offset[i], v_ridx[i]), ' + ')
                               FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] = 0), '0::integer');
        EXECUTE format('SELECT k FROM migstat_pg_cell WHERE %s AND (k & $1) = ($2 & $1) ORDER BY %s DESC, v DESC, k LIMIT 1',
                       format(v_interior, 'k'), v_rstar)
            INTO v_star USING v_fix, v_c.k;
        FOR v_i IN 1..v_d LOOP
            EXECUTE format($q$
                INSERT INTO migstat_pg_cand (i, j, s, r)
                SELECT %1$s, j, s, r FROM (
                    SELECT g.j, g.s, row_number() OVER (ORDER BY g.must DESC, g.ok DESC, g.cost, (g.j = ANY ($6::bigint[])) DESC, g.v DESC, g.j)::integer AS r, g.ok, g.must
                      FROM (SELECT a.j, a.s, a.must, coalesce(x.v, 0) AS v,
                                   CASE WHEN x.st = 'F' AND x.tabs IS NOT NULL THEN x.cost ELSE 0 END AS cost,
                                   CASE WHEN (x.tabs IS NOT NULL OR (x.k IS NULL AND EXISTS (SELECT 1 FROM migstat_pg_tab t WHERE (a.k1 & ~t.any_mask) = t.req)))
                                        THEN coalesce(x.v, 0) > 0 AND (a.s = 1 OR x.v >= $3) AND coalesce(x.st, 'F') <> 'P'
                                        WHEN %5$s THEN a.s = 1 OR coalesce(x.v, 0) >= $3 - 1
                                        ELSE true END AS ok
                              FROM (SELECT j, CASE WHEN $4 = 0 OR j = 0 THEN 1 ELSE -1 END AS s,
                                           ($1 & ~%2$s::bigint) | (j << %3$s) AS k1,
                                           (($4 <> 0 AND j = 0) OR ($4 = 0 AND j = $5)) AS must
                                      FROM generate_series(0::bigint, %4$s) j WHERE j <> $4) a
                              LEFT JOIN migstat_pg_cell x ON x.k = a.k1) g) z
                 WHERE must OR (ok AND r <= CASE WHEN $4 = 0 THEN 2 ELSE $2 END)$q$,
                v_i, v.key_mask[v_i], v.key_offset[v_i], v.ncat[v_i], format(v_interior, 'a.k1'))
                USING v_c.k, v_m, v_c.kk, (v_c.k & v.key_mask[v_i]) >> v.key_offset[v_i],
                      (v_star & v.key_mask[v_i]) >> v.key_offset[v_i], v_ridx[v_i];
            IF v_c.k & v.key_mask[v_i] = 0 THEN
                -- c is a margin in this dimension: the cube may also leave it at _T (see above)
                INSERT INTO migstat_pg_cand (i, j, s, r, y) VALUES (v_i, 0, 1, 0, true);
            END IF;
        END LOOP;
        EXECUTE v_cube USING v_c.k, v_c.kk, v_c.v;
        v_found := EXISTS (SELECT 1 FROM migstat_pg_cert WHERE k = v_c.k);
        IF NOT v_found THEN
            RAISE EXCEPTION 'programme of purpose "%": the small cell (%) cannot be protected without changing what an earlier release of the same batches published',
                v_name, (SELECT string_agg(v.dims[i] || '=' || (v.labels[i]::text[])[((v_c.k & v.key_mask[i]) >> v.key_offset[i]) + 1], ', ')
                           FROM generate_series(1, v_d) i WHERE v_c.k & v.key_mask[i] <> 0)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'release the new tables after the next import';
        END IF;
    END LOOP;
    -- 4. The run.
    INSERT INTO migstat.programme_run (purpose_id, tables, batches, batch_sha256, dims, age_bands, period_unit, threshold,
                                       threshold_special, labels, key_offset, key_mask, method, info_loss)
    VALUES (p_purpose_id, ARRAY(SELECT (t).id FROM unnest(v_tables) t ORDER BY 1), coalesce(v_batches, '{}'), coalesce(v_sha, '{}'),
            v.dims, v_bands, v_unit, v_k, v_ks, v.labels, v.key_offset, v.key_mask,
            jsonb_build_object(
                'method', 'exact counts; primary suppression 1..K-1; secondary suppression by hypercubes over the programme cube',
                'protection', 'every primary cell of value x: an attacker cannot exclude x .. x+K-1',
                'threshold', v_k, 'threshold_special', v_ks, 'corners_searched', 262144,
                'cost', jsonb_build_object('residual', v_w_res, 'margin', v_w_mar, 'interior', v_w_int, 'of_value', 'w * (1 + ln(1 + value))'),
                'certificates', coalesce((SELECT jsonb_object_agg(c.k::text, jsonb_build_object('x', c.x, 'down', c.down, 'up', c.up,
                                                                   'corners', to_jsonb(c.corners), 'signs', to_jsonb(c.signs)))
                                            FROM migstat_pg_cert c), '{}')),
            '{}')
    RETURNING id INTO v_run;
    INSERT INTO migstat.programme_cell (run_id, k, v, status, cost)
    SELECT v_run, c.k, c.v, CASE WHEN c.st = 'P' THEN 'F' ELSE c.st END, c.cost FROM migstat_pg_cell c WHERE c.tabs IS NOT NULL;
    -- Information loss per table.
    EXECUTE format($q$
        UPDATE migstat.programme_run SET seconds = extract(epoch FROM clock_timestamp() - $2)::numeric(12, 3),
               info_loss = (SELECT coalesce(jsonb_object_agg(q.name, q.o), '{}') FROM (
                   SELECT t.name, jsonb_build_object(
                       'cells', (SELECT round(exp(sum(ln(u.n + 1))))::bigint FROM unnest($3::integer[], $4::text[]) u(n, dim)
                                  WHERE u.dim = ANY (t.dims)),
                       'nonzero', count(c.k),
                       'primary', count(c.k) FILTER (WHERE c.status = 'A'),
                       'withheld', count(c.k) FILTER (WHERE c.status IN ('A', 'D')),
                       'withheld_interior', count(c.k) FILTER (WHERE c.status IN ('A', 'D') AND NOT (%1$s)),
                       'withheld_value', coalesce(sum(c.v) FILTER (WHERE c.status IN ('A', 'D') AND NOT (%1$s)), 0),
                       'total', coalesce(max(c.v) FILTER (WHERE c.k = t.req), 0)) AS o
                     FROM migstat_pg_tab t
                     LEFT JOIN migstat.programme_cell c ON c.run_id = $1 AND (c.k & ~t.any_mask) = t.req
                    GROUP BY t.tid, t.name, t.dims, t.req) q)
         WHERE id = $1$q$,
        replace(v_margin, 's.k', 'c.k'))
        USING v_run, v_t0, v.ncat, v.dims;
    -- tables with no cell at all (a filter code that never occurs) still appear
    UPDATE migstat.programme_run r SET info_loss = r.info_loss || (
            SELECT coalesce(jsonb_object_agg((t).name, jsonb_build_object('cells', 0, 'nonzero', 0, 'primary', 0, 'withheld', 0,
                                                                         'withheld_interior', 0, 'withheld_value', 0, 'total', 0)), '{}')
              FROM unnest(v_tables) t WHERE NOT r.info_loss ? (t).name)
     WHERE r.id = v_run;
    DROP TABLE migstat_pg_tab, migstat_pg_cell, migstat_pg_cert, migstat_pg_cand;
    DROP TABLE IF EXISTS migstat_rep_sup, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('work_mem', v_wm, true);
    RETURN v_run;
END
$_$;
ALTER FUNCTION migstat.programme_compute(p_purpose_id smallint) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_info_loss(p_purpose text) RETURNS TABLE(name text, cells bigint, nonzero bigint, withheld bigint, withheld_interior bigint, withheld_value bigint, total bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_p    migstat.purpose;
    v_run  bigint;
BEGIN
    IF NOT (migstat.caller_is('migstat_steward') OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % may not see the information loss of programmes', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    v_run := migstat.programme_latest(v_p.id);
    RETURN QUERY
        SELECT l.key, (l.value ->> 'cells')::bigint, (l.value ->> 'nonzero')::bigint, (l.value ->> 'withheld')::bigint,
               (l.value ->> 'withheld_interior')::bigint, (l.value ->> 'withheld_value')::bigint, (l.value ->> 'total')::bigint
          FROM migstat.programme_run r CROSS JOIN LATERAL jsonb_each(r.info_loss) l
         WHERE r.id = v_run
         ORDER BY l.key;
END
$$;
ALTER FUNCTION migstat.programme_info_loss(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_latest(p_purpose_id smallint, p_table integer DEFAULT NULL::integer) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_run bigint;
BEGIN
    SELECT r.id INTO v_run FROM migstat.programme_run r
     WHERE r.purpose_id = p_purpose_id AND (p_table IS NULL OR p_table = ANY (r.tables))
     ORDER BY r.id DESC LIMIT 1;
    IF v_run IS NULL THEN
        RAISE EXCEPTION '% of purpose "%" has not been released yet',
            coalesce(format('table "%s"', (SELECT name FROM migstat.declared_table WHERE id = p_table)), 'the programme'),
            (SELECT name FROM migstat.purpose WHERE id = p_purpose_id)
            USING ERRCODE = 'MS404',
                  HINT = 'a steward of the purpose or an administrator releases it: migstat tables release --purpose '
                         || (SELECT name FROM migstat.purpose WHERE id = p_purpose_id);
    END IF;
    RETURN v_run;
END
$$;
ALTER FUNCTION migstat.programme_latest(p_purpose_id smallint, p_table integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_release(p_purpose text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v_p   migstat.purpose;
    v_run migstat.programme_run;
    v_id  bigint;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not release the programme of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'administrators and the stewards of the purpose release its tables';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its last release stands', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    v_id := migstat.programme_compute(v_p.id);
    SELECT * INTO v_run FROM migstat.programme_run WHERE id = v_id;
    PERFORM migstat.audit('programme.release', jsonb_build_object(
        'run', v_run.id, 'tables', (SELECT jsonb_agg(d.name ORDER BY d.id) FROM migstat.declared_table d WHERE d.id = ANY (v_run.tables)),
        'batches', to_jsonb(v_run.batches), 'batch_sha256', to_jsonb(v_run.batch_sha256), 'seconds', v_run.seconds), v_p.id);
    RETURN v_run.id;
END
$$;
ALTER FUNCTION migstat.programme_release(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_releases(p_purpose text DEFAULT NULL::text) RETURNS TABLE(purpose text, run bigint, released_at timestamp with time zone, released_by name, tables text[], batches integer, stale boolean, seconds numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_admin') OR migstat.caller_is('migstat_auditor')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    RETURN QUERY
        SELECT p.name::text, r.id, r.computed_at, r.computed_by,
               ARRAY(SELECT d.name FROM migstat.declared_table d WHERE d.id = ANY (r.tables) ORDER BY d.id),
               cardinality(r.batches),
               r.batches IS DISTINCT FROM ARRAY(SELECT b.id FROM migstat.batch b
                                                 WHERE b.purpose_id = r.purpose_id AND b.status = 'loaded' ORDER BY b.id),
               r.seconds
          FROM migstat.programme_run r JOIN migstat.purpose p ON p.id = r.purpose_id
         WHERE p_purpose IS NULL OR p.name = p_purpose
         ORDER BY p.name, r.id;
END
$$;
ALTER FUNCTION migstat.programme_releases(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.programme_table_cells(p_run bigint, p_table integer) RETURNS TABLE(k bigint, cell_dims text[], v bigint, status "char")
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    r      migstat.programme_run;
    t      migstat.declared_table;
    v_pos  integer[] := '{}';      -- per table dimension: its index in the run's dimensions
    v_n    integer[] := '{}';      -- per table dimension: categories + 1
    v_req  bigint := 0;
    v_i    integer;
    v_p    integer;
    v_sql  text;
    v_key  text;
    v_lab  text;
    v_cnt  bigint := 1;
BEGIN
    SELECT * INTO r FROM migstat.programme_run WHERE id = p_run;
    SELECT * INTO t FROM migstat.declared_table WHERE id = p_table;
    FOR v_i IN 1..cardinality(t.dims) LOOP
        v_p := array_position(r.dims, t.dims[v_i]);
        v_pos := v_pos || v_p;
        v_n := v_n || cardinality(r.labels[v_p]::text[]);
    END LOOP;
    FOR v_i IN 1..cardinality(r.dims) LOOP
        IF t.filters ? r.dims[v_i] THEN
            v_p := coalesce(array_position(r.labels[v_i]::text[], t.filters -> r.dims[v_i] ->> 0),
                            array_position(r.labels[v_i]::text[], upper(t.filters -> r.dims[v_i] ->> 0)));
            IF v_p IS NULL THEN
                v_req := NULL;          -- the filter code does not occur: every cell is 0
            ELSE
                v_req := v_req + ((v_p - 1)::bigint << r.key_offset[v_i]);
            END IF;
        END IF;
    END LOOP;
    -- row number s -> index of each table dimension (last fastest)
    FOR v_i IN REVERSE cardinality(t.dims)..1 LOOP
        v_sql := concat_ws(', ', format('(s.i / %s) %% %s AS x%s', v_cnt, v_n[v_i], v_i), v_sql);
        v_cnt := v_cnt * v_n[v_i];
    END LOOP;
    v_key := coalesce(v_req::text, '-1') || ' + ' || (SELECT string_agg(format('(x.x%s << %s)', i, r.key_offset[v_pos[i]]), ' + ')
                                                      FROM generate_series(1, cardinality(t.dims)) i);
    v_lab := 'ARRAY[' || (SELECT string_agg(format('(%L::text[])[(x.x%s + 1)::integer]', r.labels[v_pos[i]], i), ', ')
                            FROM generate_series(1, cardinality(t.dims)) i) || ']';
    RETURN QUERY EXECUTE format($q$
        SELECT o.k, o.cell_dims, CASE WHEN c.k IS NULL THEN 0 ELSE c.v END::bigint, coalesce(c.status, 'F')::"char"
          FROM (SELECT s.i, (%1$s)::bigint AS k, %2$s AS cell_dims
                  FROM generate_series(0::bigint, %3$s - 1) s(i) CROSS JOIN LATERAL (SELECT %4$s) x) o
          LEFT JOIN migstat.programme_cell c ON c.run_id = $1 AND c.k = o.k AND %5$s
         ORDER BY o.i$q$, v_key, v_lab, v_cnt, v_sql, (v_req IS NOT NULL)::text)
        USING p_run;
END
$_$;
ALTER FUNCTION migstat.programme_table_cells(p_run bigint, p_table integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purge_due_receipt(p_purpose_id smallint) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE id = p_purpose_id;
    IF EXISTS (SELECT 1 FROM migstat.audit_log WHERE action = 'purge.due' AND purpose_id = p_purpose_id) THEN
        RETURN false;
    END IF;
    PERFORM migstat.audit('purge.due', jsonb_build_object(
        'purpose', v.name, 'retention_rule', v.retention_rule, 'retain_until', v.retain_until, 'status', v.status,
        'batches', coalesce((SELECT jsonb_agg(jsonb_build_object('batch', b.id, 'sha256', b.sha256, 'status', b.status,
                                                                   'rows', b.accepted) ORDER BY b.id)
                               FROM migstat.batch b WHERE b.purpose_id = v.id), '[]')), v.id);
    RETURN true;
END
$$;
ALTER FUNCTION migstat.purge_due_receipt(p_purpose_id smallint) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purge_execute(p_purpose text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v        migstat.purpose;
    v_latest migstat.programme_run;
    v_run    bigint;
    v_drop   record;
    v_id     bigint;
    v_k      text;
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % may not purge', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF v.status = 'purged' THEN
        RAISE EXCEPTION 'purpose "%" is already purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    IF v.status = 'active' AND v.retain_until > current_date THEN
        RAISE EXCEPTION 'purpose "%" is not due before %', p_purpose, v.retain_until USING ERRCODE = 'invalid_parameter_value',
            HINT = 'end it first when its purpose is achieved: migstat purpose end ' || p_purpose || ' --reason TEXT';
    END IF;
    -- No import of it runs meanwhile; nothing new starts.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.purge'), v.id);
    PERFORM migstat.purge_due_receipt(v.id);
    -- 1. The statistics that outlive the records.
    IF EXISTS (SELECT 1 FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL) THEN
        SELECT * INTO v_latest FROM migstat.programme_run r WHERE r.purpose_id = v.id ORDER BY r.id DESC LIMIT 1;
        IF v_latest.id IS NULL
           OR v_latest.batches IS DISTINCT FROM ARRAY(SELECT b.id FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loaded' ORDER BY b.id)
           OR v_latest.tables IS DISTINCT FROM ARRAY(SELECT d.id FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL ORDER BY d.id) THEN
            v_run := migstat.programme_compute(v.id);
            PERFORM migstat.audit('programme.release', jsonb_build_object('run', v_run, 'before_purge', true,
                'tables', (SELECT jsonb_agg(d.name ORDER BY d.id) FROM migstat.declared_table d WHERE d.purpose_id = v.id AND d.retired_at IS NULL)), v.id);
        ELSE
            v_run := v_latest.id;
        END IF;
    END IF;
    -- 2. The storage.
    SELECT * INTO v_drop FROM migstat.drop_record_storage(
        ARRAY['purpose_' || v.id] || ARRAY(SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loading'));
    -- 3. What only protected the records.
    UPDATE migstat.programme_cell c SET v = NULL
      FROM migstat.programme_run r WHERE r.purpose_id = v.id AND c.run_id = r.id AND c.status IN ('A', 'D');
    UPDATE migstat.programme_run r SET method = (r.method - 'certificates') || jsonb_build_object('certificates_removed_at', now())
     WHERE r.purpose_id = v.id;
    FOREACH v_k IN ARRAY ARRAY['load', 'read', 'special'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = migstat.compartment_role(v.name, v_k)) THEN
            EXECUTE format('DROP ROLE %I', migstat.compartment_role(v.name, v_k));
        END IF;
    END LOOP;
    -- 4. The record of it.
    INSERT INTO migstat.purge (purpose_id, batches, rows_dropped, relations, files, preserved_run)
    VALUES (v.id,
            coalesce((SELECT jsonb_agg(jsonb_build_object('batch', b.id, 'sha256', b.sha256, 'status', b.status, 'rows', b.accepted) ORDER BY b.id)
                        FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status IN ('loading', 'loaded')), '[]'),
            (SELECT coalesce(sum(b.accepted), 0) FROM migstat.batch b WHERE b.purpose_id = v.id AND b.status = 'loaded'),
            v_drop.relations, v_drop.files, v_run)
    RETURNING id INTO v_id;
    UPDATE migstat.batch SET status = 'purged' WHERE purpose_id = v.id AND status IN ('loading', 'loaded');
    UPDATE migstat.purpose SET status = 'purged', purged_at = now(), purged_by = session_user WHERE id = v.id;
    RETURN v_id;
END
$$;
ALTER FUNCTION migstat.purge_execute(p_purpose text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purge_plan(p_purpose text DEFAULT NULL::text, p_due boolean DEFAULT false) RETURNS TABLE(purpose text, status text, retain_until date, due boolean, batches integer, loaded_batches integer, rows_to_drop bigint, tables_to_drop text[], declared_tables_kept text[], blocker text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR migstat.caller_is('migstat_auditor')) THEN
        RAISE EXCEPTION 'permission denied: % may not plan purges', session_user USING ERRCODE = 'insufficient_privilege',
            HINT = 'administrators purge; auditors may look at the plan';
    END IF;
    IF p_purpose IS NOT NULL AND NOT EXISTS (SELECT 1 FROM migstat.purpose p WHERE p.name = p_purpose) THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    RETURN QUERY
        SELECT p.name::text, p.status, p.retain_until, p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date),
               (SELECT count(*)::integer FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status IN ('loading', 'loaded')),
               (SELECT count(*)::integer FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded'),
               (SELECT coalesce(sum(b.accepted), 0)::bigint FROM migstat.batch b WHERE b.purpose_id = p.id AND b.status = 'loaded'),
               ARRAY(SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'migstat_data' AND c.relkind IN ('r', 'p')
                        AND (c.relname = 'purpose_' || p.id
                             OR c.relname IN (SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = p.id))
                      ORDER BY 1),
               ARRAY(SELECT d.name FROM migstat.declared_table d WHERE d.purpose_id = p.id AND d.retired_at IS NULL ORDER BY d.name),
               CASE WHEN p.status = 'purged' THEN 'already purged'
                    WHEN p.status = 'active' AND p.retain_until > current_date
                        THEN format('not due before %s: end it first (migstat purpose end)', p.retain_until) END
          FROM migstat.purpose p
         WHERE (p_purpose IS NULL OR p.name = p_purpose)
           AND (NOT coalesce(p_due, false) OR (p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date)))
         ORDER BY p.name;
END
$$;
ALTER FUNCTION migstat.purge_plan(p_purpose text, p_due boolean) OWNER TO migstat_owner;
CREATE PROCEDURE migstat.purge_run()
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_caller text := pg_catalog.current_setting('search_path');
    v_path   text := pg_catalog.set_config('search_path', 'pg_catalog, migstat, pg_temp', false);
    v_p      text;
    v_id     bigint;
    v_due    text[] := '{}';
    v_done   text[] := '{}';
    v_failed jsonb := '{}';
BEGIN
    FOR v_p IN SELECT p.name FROM migstat.purpose p
                WHERE p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until <= current_date) ORDER BY p.name LOOP
        v_due := v_due || v_p;
        BEGIN
            v_id := migstat.purge_execute(v_p);
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object(v_p, SQLERRM);
            CONTINUE;
        END;
        COMMIT;
        BEGIN
            PERFORM migstat.purge_verify(v_id);
            v_done := v_done || v_p;
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object(v_p, 'verification: ' || SQLERRM);
        END;
        COMMIT;
    END LOOP;
    -- purges executed earlier whose verification never ran
    FOR v_id IN SELECT g.id FROM migstat.purge g WHERE g.verified_at IS NULL ORDER BY g.id LOOP
        BEGIN
            PERFORM migstat.purge_verify(v_id);
        EXCEPTION WHEN others THEN
            v_failed := v_failed || jsonb_build_object('purge ' || v_id, 'verification: ' || SQLERRM);
        END;
        COMMIT;
    END LOOP;
    INSERT INTO migstat.purge_check (due, purged, failed) VALUES (v_due, v_done, v_failed);
    COMMIT;
    PERFORM pg_catalog.set_config('search_path', v_caller, false);
END
$$;
ALTER PROCEDURE migstat.purge_run() OWNER TO migstat_owner;
CREATE FUNCTION migstat.purge_status() RETURNS TABLE(ok boolean, item text, purpose text, detail text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_last     migstat.purge_check;
    v_sched    text := coalesce((SELECT value FROM migstat.setting WHERE key = 'purge_schedule'), '');
    v_hours    integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'purge_check_hours'), 26);
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % may not read the purge status', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_last FROM migstat.purge_check ORDER BY id DESC LIMIT 1;
    RETURN QUERY
        SELECT false, 'overdue'::text, p.name::text,
               format('due %s (%s), %s; not purged', p.retain_until, p.retention_rule, p.status)
          FROM migstat.purpose p
         WHERE p.status <> 'purged' AND (p.status = 'closed' OR p.retain_until < current_date)
         ORDER BY p.name;
    RETURN QUERY
        SELECT false, 'unverified'::text, p.name::text, format('purged %s; its verification has not succeeded', g.executed_at)
          FROM migstat.purge g JOIN migstat.purpose p ON p.id = g.purpose_id
         WHERE g.verified_at IS NULL;
    IF v_last.id IS NULL THEN
        RETURN QUERY SELECT v_sched = '', 'last run'::text, NULL::text,
            CASE WHEN v_sched = '' THEN 'no due-purge run recorded, no schedule registered (migstat purge schedule)'
                 ELSE format('schedule "%s" registered, but no due-purge run was ever recorded', v_sched) END;
    ELSE
        RETURN QUERY SELECT v_last.at > clock_timestamp() - make_interval(hours => v_hours), 'last run'::text, NULL::text,
            format('%s by %s: due %s, purged %s%s', v_last.at, v_last.run_by, coalesce(nullif(array_to_string(v_last.due, ', '), ''), 'none'),
                   coalesce(nullif(array_to_string(v_last.purged, ', '), ''), 'none'),
                   CASE WHEN v_last.at <= clock_timestamp() - make_interval(hours => v_hours)
                        THEN format(' -- older than %s hours: the scheduler has not run when it should have', v_hours) ELSE '' END);
        RETURN QUERY SELECT false, 'failed'::text, f.key, f.value #>> '{}' FROM jsonb_each(v_last.failed) f;
    END IF;
    RETURN QUERY SELECT true, 'schedule'::text, NULL::text, coalesce(nullif(v_sched, ''), 'none registered');
    RETURN QUERY
        SELECT true, 'next due'::text, p.name::text, format('%s (%s days)', p.retain_until, p.retain_until - current_date)
          FROM migstat.purpose p WHERE p.status = 'active' AND p.retain_until >= current_date
         ORDER BY p.retain_until, p.name LIMIT 3;
END
$$;
ALTER FUNCTION migstat.purge_status() OWNER TO migstat_owner;
CREATE FUNCTION migstat.purge_verify(p_purge bigint) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    g        migstat.purge;
    v        migstat.purpose;
    v_rows   bigint;
    v_tables text[];
    v_files  text[];
    v_out    jsonb;
    v_ok     boolean;
BEGIN
    IF NOT (migstat.caller_is('migstat_admin') OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % may not verify purges', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO g FROM migstat.purge WHERE id = p_purge FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no purge %', p_purge USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v FROM migstat.purpose WHERE id = g.purpose_id;
    IF pg_xact_status((SELECT x.xmin::text::xid8 FROM migstat.purge x WHERE x.id = p_purge)) = 'in progress' THEN
        RAISE EXCEPTION 'verify purge % after its transaction has committed', p_purge USING ERRCODE = 'invalid_transaction_state';
    END IF;
    PERFORM migstat_super.checkpoint();
    SELECT count(*) INTO v_rows FROM migstat.records r WHERE r.purpose_id = g.purpose_id;
    v_tables := ARRAY(SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'migstat_data'
                         AND (c.relname = 'purpose_' || g.purpose_id
                              OR c.relname IN (SELECT 'batch_' || b.id FROM migstat.batch b WHERE b.purpose_id = g.purpose_id)
                              OR c.oid::regclass::text = ANY (g.relations)));
    v_files := ARRAY(SELECT f FROM unnest(g.files) f WHERE pg_stat_file(f, true) IS NOT NULL);
    v_ok := v_rows = 0 AND cardinality(v_tables) = 0 AND cardinality(v_files) = 0 AND v.status = 'purged';
    v_out := jsonb_build_object('ok', v_ok, 'records_left', v_rows, 'tables_left', to_jsonb(v_tables),
                                'files_checked', cardinality(g.files), 'files_left', to_jsonb(v_files), 'checkpoint', true,
                                'at', clock_timestamp());
    UPDATE migstat.purge SET verified_at = CASE WHEN v_ok THEN clock_timestamp() END, verification = v_out WHERE id = g.id;
    IF v_ok THEN
        UPDATE migstat.purpose SET purge_verified_at = clock_timestamp() WHERE id = g.purpose_id;
    END IF;
    PERFORM migstat.audit('purge.executed', jsonb_build_object(
        'purpose', v.name, 'purge', g.id, 'executed_at', g.executed_at, 'executed_by', g.executed_by,
        'batches', g.batches, 'rows', g.rows_dropped, 'relations', cardinality(g.relations),
        'preserved_release', g.preserved_run, 'verification', v_out), g.purpose_id);
    RETURN v_out;
END
$$;
ALTER FUNCTION migstat.purge_verify(p_purge bigint) OWNER TO migstat_owner;
CREATE TABLE migstat.purpose (
    id smallint NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    retain_until date NOT NULL,
    retention_rule text NOT NULL,
    key_id uuid DEFAULT gen_random_uuid() NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    purged_at timestamp with time zone,
    rule_until date,
    closed_at timestamp with time zone,
    closed_by name,
    close_reason text,
    purged_by name,
    purge_verified_at timestamp with time zone,
    key_fingerprint text,
    CONSTRAINT purpose_description_check CHECK ((length(description) > 0)),
    CONSTRAINT purpose_key_fingerprint_check CHECK ((key_fingerprint ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT purpose_name_check CHECK ((name ~ '^[a-z][a-z0-9_]{0,29}$'::text)),
    CONSTRAINT purpose_status_check CHECK ((status = ANY (ARRAY['active'::text, 'closed'::text, 'purged'::text])))
);
ALTER TABLE migstat.purpose OWNER TO migstat_owner;
CREATE FUNCTION migstat.purpose_add(p_name text, p_description text, p_retain text) RETURNS migstat.purpose
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v      migstat.purpose;
    v_date date;
    k      text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_retain ~ '^\d{4}-\d{2}-\d{2}$' THEN
        v_date := p_retain::date;
    ELSE
        BEGIN
            v_date := (current_date + p_retain::interval)::date;
        EXCEPTION WHEN others THEN
            RAISE EXCEPTION 'retention must be a date (YYYY-MM-DD) or a duration such as "5 years"'
                USING ERRCODE = 'invalid_parameter_value';
        END;
    END IF;
    IF v_date <= current_date THEN
        RAISE EXCEPTION 'retention date % is not in the future', v_date USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,29}$' THEN
        RAISE EXCEPTION 'purpose names are 1-30 characters: a-z first, then a-z, 0-9, _'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migstat.purpose (name, description, retain_until, retention_rule, rule_until)
    VALUES (p_name, p_description, v_date, p_retain, v_date) RETURNING * INTO v;
    EXECUTE format('CREATE TABLE migstat_data.%I PARTITION OF migstat.records FOR VALUES IN (%s) PARTITION BY LIST (batch_id)',
                   'purpose_' || v.id, v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', 'purpose_' || v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', 'purpose_' || v.id);
    FOREACH k IN ARRAY ARRAY['load', 'read', 'special'] LOOP
        -- Never adopt a role that already exists: its members would gain the new compartment.
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = migstat.compartment_role(v.name, k)) THEN
            RAISE EXCEPTION 'role % already exists; refusing to reuse it as a compartment',
                migstat.compartment_role(v.name, k) USING ERRCODE = 'duplicate_object';
        END IF;
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', migstat.compartment_role(v.name, k));
        EXECUTE format('COMMENT ON ROLE %I IS %L', migstat.compartment_role(v.name, k),
                       format('migstat compartment: %s access to purpose %s in database %s', k, v.name,
                              current_database()));
    END LOOP;
    PERFORM migstat.audit('purpose.add', jsonb_build_object('purpose', v.name, 'description', v.description,
                          'retain_until', v.retain_until, 'retention_rule', v.retention_rule), v.id);
    RETURN v;
END
$_$;
ALTER FUNCTION migstat.purpose_add(p_name text, p_description text, p_retain text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purpose_end(p_purpose text, p_reason text) RETURNS migstat.purpose
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.purpose;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF v.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is already %', p_purpose, v.status USING ERRCODE = 'MS410';
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'ending purpose "%" needs a reason', p_purpose USING ERRCODE = 'invalid_parameter_value',
            HINT = 'say why the purpose of collection is achieved: --reason TEXT';
    END IF;
    UPDATE migstat.purpose SET status = 'closed', closed_at = now(), closed_by = session_user, close_reason = btrim(p_reason),
                               retain_until = least(retain_until, current_date)
     WHERE id = v.id RETURNING * INTO v;
    PERFORM migstat.audit('purpose.end', jsonb_build_object('purpose', v.name, 'reason', v.close_reason,
                          'retain_until', v.retain_until), v.id);
    PERFORM migstat.purge_due_receipt(v.id);
    RETURN v;
END
$$;
ALTER FUNCTION migstat.purpose_end(p_purpose text, p_reason text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purpose_extend(p_purpose text, p_until date, p_reason text DEFAULT NULL::text) RETURNS migstat.purpose
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.purpose;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF v.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its retention cannot be extended', p_purpose, v.status USING ERRCODE = 'MS410';
    END IF;
    IF p_until IS NULL OR p_until <= v.retain_until THEN
        RAISE EXCEPTION 'the new date % is not after the current retention date %', p_until, v.retain_until
            USING ERRCODE = 'invalid_parameter_value', HINT = 'to bring the end forward: migstat purpose end';
    END IF;
    IF p_until > v.rule_until AND coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'extending purpose "%" to % goes past its rule "%" (%): a reason is required', p_purpose, p_until,
            v.retention_rule, v.rule_until USING ERRCODE = 'invalid_parameter_value', HINT = '--reason TEXT';
    END IF;
    UPDATE migstat.purpose SET retain_until = p_until WHERE id = v.id RETURNING * INTO v;
    PERFORM migstat.audit('purpose.extend', jsonb_build_object('purpose', v.name, 'retain_until', p_until,
                          'rule', v.retention_rule, 'rule_until', v.rule_until, 'beyond_rule', p_until > v.rule_until,
                          'reason', nullif(btrim(p_reason), '')), v.id);
    RETURN v;
END
$$;
ALTER FUNCTION migstat.purpose_extend(p_purpose text, p_until date, p_reason text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purpose_key(p_purpose text, p_fingerprint text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v migstat.purpose;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF p_fingerprint IS NULL OR p_fingerprint !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'a key fingerprint is 64 hex digits' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.key_fingerprint IS NOT NULL THEN
        IF v.key_fingerprint = p_fingerprint THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'purpose "%" already has a key: a purpose''s key is created once', p_purpose USING ERRCODE = 'MS409';
    END IF;
    UPDATE migstat.purpose SET key_fingerprint = p_fingerprint WHERE id = v.id;
    PERFORM migstat.audit('key.register', jsonb_build_object('purpose', v.name, 'key_id', v.key_id, 'fingerprint', p_fingerprint), v.id);
END
$_$;
ALTER FUNCTION migstat.purpose_key(p_purpose text, p_fingerprint text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.purposes() RETURNS TABLE(name text, description text, retention_rule text, retain_until date, rule_until date, status text, days_left integer, closed_at timestamp with time zone, close_reason text, purged_at timestamp with time zone, purge_verified_at timestamp with time zone, created_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF NOT (migstat.caller_is('migstat_loader') OR migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_auditor') OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % holds no migstat role', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
        SELECT p.name::text, p.description, p.retention_rule, p.retain_until, p.rule_until, p.status,
               CASE WHEN p.status <> 'purged' THEN (p.retain_until - current_date) END, p.closed_at, p.close_reason,
               p.purged_at, p.purge_verified_at, p.created_at
          FROM migstat.purpose p ORDER BY p.name;
END
$$;
ALTER FUNCTION migstat.purposes() OWNER TO migstat_owner;
CREATE FUNCTION migstat.read_begin(p_call text, p_args jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_wrote boolean := pg_current_xact_id_if_assigned() IS NOT NULL;   -- first: nextval may assign an xid
    v_no    bigint;
BEGIN
    v_no := nextval('migstat.read_seq');
    RAISE LOG 'migstat read %: user=% call=% args=% db=%', v_no, session_user, p_call, coalesce(p_args, 'null'::jsonb),
        current_database();
    IF v_wrote THEN
        RAISE EXCEPTION 'run reports in a transaction that has not written data (read %)', v_no
            USING ERRCODE = 'invalid_transaction_state',
                  HINT = 'a report, coverage or extract counts only what others committed: commit or roll back first, '
                         'or run it in its own transaction';
    END IF;
    RETURN v_no;
END
$$;
ALTER FUNCTION migstat.read_begin(p_call text, p_args jsonb) OWNER TO migstat_owner;
CREATE FUNCTION migstat.read_gaps() RETURNS TABLE(read_no bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_last   bigint;
    v_called boolean;
BEGIN
    PERFORM migstat.require_role('migstat_auditor');
    SELECT s.last_value, s.is_called INTO v_last, v_called FROM migstat.read_seq s;
    RETURN QUERY
    SELECT g.n FROM generate_series(1::bigint, CASE WHEN v_called THEN v_last ELSE 0 END) AS g(n)
     WHERE NOT EXISTS (SELECT 1 FROM migstat.audit_log a
                        WHERE a.details ? 'read' AND a.details ->> 'read' = g.n::text)
     ORDER BY g.n;
END
$$;
ALTER FUNCTION migstat.read_gaps() OWNER TO migstat_owner;
CREATE FUNCTION migstat.record_id_ranges(p_purpose_id smallint) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    t text := format('migstat_data.%I', 'record_id_ranges_' || p_purpose_id);
BEGIN
    IF to_regclass(t) IS NULL THEN
        EXECUTE format('CREATE TABLE %s PARTITION OF migstat.record_id_range FOR VALUES IN (%s)', t, p_purpose_id);
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
    END IF;
    RETURN t;
END
$$;
ALTER FUNCTION migstat.record_id_ranges(p_purpose_id smallint) OWNER TO migstat_owner;
CREATE FUNCTION migstat.record_key_draw() RETURNS double precision
    LANGUAGE internal STABLE STRICT PARALLEL RESTRICTED
    AS $$drandom$$;
ALTER FUNCTION migstat.record_key_draw() OWNER TO migstat_owner;
COMMENT ON FUNCTION migstat.record_key_draw() IS 'migstat: random() (drandom) declared STABLE, used only in the default of records.record_key, so that COPY into a batch inserts in buffered groups (migration 0014)';
CREATE FUNCTION migstat.report(p_dims text[], p_filters jsonb DEFAULT '{}'::jsonb, p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_period_unit text DEFAULT NULL::text, p_age_bands text DEFAULT NULL::text, p_threshold integer DEFAULT NULL::integer, p_count text DEFAULT 'records'::text, p_occupation_level integer DEFAULT 1, p_with_estimates boolean DEFAULT false) RETURNS TABLE(cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric, upper_bound numeric, is_estimate boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
DECLARE
    v_plan  migstat.report_plan;
    v_out   text[];
    v_jit   text := current_setting('jit');
    v_wm    text := current_setting('work_mem');
    v_hj    text := current_setting('enable_hashjoin');
    v_note  text;
BEGIN
    -- Role, read number, threshold refusal, parameters, bounds, the perturbed tables and the
    -- minimum population (shared with migstat.report_cells).
    v_plan := migstat.report_prepare(NULL, p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                     p_threshold, p_count, p_occupation_level, p_with_estimates);
    v_out := migstat.report_output(v_plan);
    -- The cells in key order by a merge join of presorted inputs (report_output), not a hash join
    -- followed by a sort of every output row.
    PERFORM set_config('enable_hashjoin', 'off', true);
    RETURN QUERY EXECUTE v_out[1];
    PERFORM set_config('enable_hashjoin', v_hj, true);
    IF v_out[2] IS NOT NULL THEN
        RETURN QUERY EXECUTE v_out[2];
        -- Estimates of the report's shape that do not fit its bands, period or level: said, not hidden.
        EXECUTE v_out[3] INTO v_note;
        IF v_note IS NOT NULL THEN
            RAISE NOTICE '%', v_note;
        END IF;
    END IF;
    -- Work tables dropped, settings restored, the audit row last.
    PERFORM migstat.report_finish(v_plan, v_jit, v_wm, p_period_from, p_period_to, p_age_bands, p_with_estimates, NULL);
    RETURN;
END
$$;
ALTER FUNCTION migstat.report(p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_threshold integer, p_count text, p_occupation_level integer, p_with_estimates boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_age_bands(p_spec text) RETURNS TABLE(band integer, lo integer, hi integer, label text)
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_item  text;
    v_m     text[];
    v_lo    integer;
    v_hi    integer;
    v_next  integer := 0;
    v_i     integer := 0;
BEGIN
    IF p_spec IS NULL THEN
        FOR v_i IN 0..17 LOOP
            band := v_i + 1;
            lo := v_i * 5;
            hi := CASE WHEN v_i = 17 THEN 130 ELSE v_i * 5 + 4 END;
            label := CASE v_i WHEN 0 THEN 'Y_LT5' WHEN 17 THEN 'Y_GE85' ELSE format('Y%s-%s', lo, hi) END;
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    FOREACH v_item IN ARRAY string_to_array(p_spec, ',') LOOP
        v_item := btrim(v_item);
        v_i := v_i + 1;
        IF v_next > 130 THEN
            RAISE EXCEPTION 'age band % ("%") follows the open band', v_i, v_item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_m := regexp_match(v_item, '^(\d{1,3})(?:\s*(-)\s*(\d{1,3})|\s*(\+))?$');
        IF v_m IS NULL THEN
            RAISE EXCEPTION 'age band % ("%") is not N, N-M or N+', v_i, v_item USING ERRCODE = 'invalid_parameter_value',
                HINT = 'bands are N, N-M or N+, contiguous from 0 and ending with an open band, e.g. --age-bands 0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+';
        END IF;
        v_lo := v_m[1]::integer;
        v_hi := CASE WHEN v_m[4] IS NOT NULL THEN 130 WHEN v_m[3] IS NOT NULL THEN v_m[3]::integer ELSE v_lo END;
        IF v_lo <> v_next THEN
            RAISE EXCEPTION 'age band % ("%") must start at %: bands are contiguous from 0', v_i, v_item, v_next
                USING ERRCODE = 'invalid_parameter_value', HINT = 'bands are N, N-M or N+, contiguous from 0 and ending with an open band, e.g. --age-bands 0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+';
        END IF;
        IF v_hi < v_lo OR v_hi > 130 THEN
            RAISE EXCEPTION 'age band % ("%") is not a range within 0-130', v_i, v_item USING ERRCODE = 'invalid_parameter_value';
        END IF;
        band := v_i;
        lo := v_lo;
        hi := v_hi;
        label := v_item;
        RETURN NEXT;
        v_next := v_hi + 1;
    END LOOP;
    IF v_next <= 130 THEN
        RAISE EXCEPTION 'age bands must cover every age: end with an open band such as "65+"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$_$;
ALTER FUNCTION migstat.report_age_bands(p_spec text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_bounds(p_plan migstat.report_plan) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_share    numeric := coalesce((SELECT value::numeric FROM migstat.setting WHERE key = 'flexible_filter_share'), 0.5);
    v_years    integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'flexible_min_band_years'), 3);
    v_key      text;
    v_codes    jsonb;
    v_listed   numeric;
    v_universe numeric;
    v_band     record;
    v_last     integer;
    v_grid     integer[] := coalesce((SELECT string_to_array(replace(value, ' ', ''), ',')::integer[]
                                        FROM migstat.setting WHERE key = 'flexible_band_boundaries'), '{}');
    v_n        bigint;
    v_codes_max integer := coalesce((SELECT value::integer FROM migstat.setting WHERE key = 'flexible_filter_codes'), 1);
    v_unit     text := coalesce((SELECT value FROM migstat.setting WHERE key = 'flexible_period'), 'year');
    v_sets     text[] := coalesce((SELECT string_to_array(replace(value, ' ', ''), ';')
                                     FROM migstat.setting WHERE key = 'flexible_age_bands'), '{}');
BEGIN
    FOR v_key, v_codes IN SELECT key, value FROM jsonb_each(coalesce(p_plan.filter_codes, '{}')) LOOP
        IF v_key = 'occupation' THEN
            SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(v_codes) f
                                                   WHERE f <> '_Z' AND left(c.code, length(f)) = f)) + (v_codes ? '_Z')::integer,
                   count(*) + 1
              INTO v_listed, v_universe
              FROM migstat.code c
             WHERE c.dimension = 'occupation' AND c.active
               AND c.level = (SELECT max(level) FROM migstat.code WHERE dimension = 'occupation');
        ELSE
            v_listed := (SELECT count(DISTINCT f) FROM jsonb_array_elements_text(v_codes) f);
            v_universe := CASE v_key
                WHEN 'source' THEN (SELECT count(*) FROM migstat.source)
                WHEN 'purpose' THEN (SELECT count(*) FROM migstat.purpose WHERE status = 'active')
                WHEN 'age' THEN cardinality(p_plan.band_labels) + 1
                ELSE (SELECT count(*) FROM migstat.code
                       WHERE dimension = CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END AND active) + 1
            END;
        END IF;
        v_n := (SELECT count(DISTINCT f) FROM jsonb_array_elements_text(v_codes) f);
        IF v_n > v_codes_max THEN
            RAISE EXCEPTION 'filter "%" lists % codes: a flexible table filters on at most % code(s) per dimension',
                v_key, v_n, v_codes_max
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('show the dimension itself (--by %s) instead: each union of codes would be a set of records with noise of its own', v_key);
        END IF;
        IF v_listed > 1 AND v_listed > v_share * v_universe THEN
            RAISE EXCEPTION 'filter "%" selects % of % codes: a flexible table may filter on at most % of a code list (% codes here)',
                v_key, v_listed, v_universe, round(v_share * 100) || '%', floor(v_share * v_universe)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'list fewer codes, or show the dimension itself (--by) instead of filtering on its complement';
        END IF;
    END LOOP;
    IF p_plan.age_bands IS NOT NULL THEN
        SELECT max(band) INTO v_last FROM migstat.report_age_bands(p_plan.age_bands);
        FOR v_band IN SELECT * FROM migstat.report_age_bands(p_plan.age_bands) LOOP
            IF v_band.lo % 5 <> 0 AND NOT v_band.lo = ANY (v_grid) THEN
                RAISE EXCEPTION 'age band "%" starts at %: in a flexible table a band starts at a multiple of 5%', v_band.label,
                    v_band.lo, coalesce(' or at ' || nullif(array_to_string(v_grid, ', '), ''), '')
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'move the band''s start to an allowed age, use the default five-year bands, or run a declared table';
            END IF;
            CONTINUE WHEN v_band.band = v_last AND v_band.label LIKE '%+';
            IF v_band.hi - v_band.lo + 1 < v_years THEN
                RAISE EXCEPTION 'age band "%" spans % year(s): in a flexible table every band spans at least % years (an open last band N+ excepted)',
                    v_band.label, v_band.hi - v_band.lo + 1, v_years
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'widen the band, use the default five-year bands, or run a declared table';
            END IF;
        END LOOP;
    END IF;
    IF p_plan.age_bands IS NOT NULL AND NOT replace(p_plan.age_bands, ' ', '') = ANY (v_sets) THEN
        RAISE EXCEPTION 'age bands "%" are not one of the band sets of flexible tables', p_plan.age_bands
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'the default five-year bands, or one of: ' || array_to_string(v_sets, ' | ')
                         || ' (setting flexible_age_bands; a declared table may use other bands)';
    END IF;
    IF v_unit = 'year' AND p_plan.period_from IS NOT NULL AND p_plan.period_from <> date_trunc('year', p_plan.period_from)::date THEN
        RAISE EXCEPTION 'period_from % is not the first day of a year: flexible tables cover whole years', p_plan.period_from
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'start the period on 1 January; for months, use the period unit month over whole years';
    END IF;
    IF v_unit = 'year' AND p_plan.period_to IS NOT NULL
       AND p_plan.period_to <> (date_trunc('year', p_plan.period_to) + interval '1 year - 1 day')::date THEN
        RAISE EXCEPTION 'period_to % is not the last day of a year: flexible tables cover whole years', p_plan.period_to
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'end the period on 31 December; for months, use the period unit month over whole years';
    END IF;
    IF p_plan.period_from IS NOT NULL AND p_plan.period_from <> date_trunc('month', p_plan.period_from)::date THEN
        RAISE EXCEPTION 'period_from % is not the first day of a month: flexible tables cover whole months', p_plan.period_from
            USING ERRCODE = 'invalid_parameter_value', HINT = 'start the period on the first day of a month';
    END IF;
    IF p_plan.period_to IS NOT NULL
       AND p_plan.period_to <> (date_trunc('month', p_plan.period_to) + interval '1 month - 1 day')::date THEN
        RAISE EXCEPTION 'period_to % is not the last day of a month: flexible tables cover whole months', p_plan.period_to
            USING ERRCODE = 'invalid_parameter_value', HINT = 'end the period on the last day of a month';
    END IF;
END
$$;
ALTER FUNCTION migstat.report_bounds(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_categories(p_plan migstat.report_plan) RETURNS migstat.report_plan
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v          migstat.report_plan := p_plan;
    v_d        integer := coalesce(cardinality(p_plan.dims), 0);
    v_big      text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() WHERE big);
    v_dim      text;
    v_base     text;           -- SQL: the group values always listed (then: labels)
    v_sql      text;           -- SQL: the group values that occur (then: the key map)
    v_pmin     integer;
    v_pmax     integer;
    v_i        integer;
    v_n        bigint;
    v_tot_bits integer := 0;
    v_max      numeric;
BEGIN
    CREATE TEMP TABLE migstat_rep_cat (dno integer, g integer, code text, ord bigint) ON COMMIT DROP;
    FOR v_i IN 1..v_d LOOP
        v_dim := v.dims[v_i];
        v_sql := format('SELECT DISTINCT g%s::integer FROM migstat_rep_raw', v_i)
                 || CASE WHEN v.multi THEN format(' UNION SELECT DISTINCT g%s::integer FROM migstat_rep_mraw', v_i) ELSE '' END;
        IF v_dim = 'period' THEN
            EXECUTE format('SELECT min(g), max(g) FROM (%s) x(g)', v_sql) INTO v_pmin, v_pmax;
            v_pmin := coalesce(migstat.report_period_ord(v.period_unit, v.period_from), v_pmin);
            v_pmax := coalesce(migstat.report_period_ord(v.period_unit, v.period_to), v_pmax);
        END IF;
        v_base := CASE
            WHEN v.filter_groups ? v_dim THEN format('SELECT unnest(%L::integer[])',
                (SELECT array_agg(x::integer) FROM jsonb_array_elements_text(v.filter_groups -> v_dim) x))
            WHEN v.filters ? v_dim THEN 'SELECT NULL::integer WHERE false'   -- occupation filtered above the level: what occurs
            WHEN v_dim = 'age' THEN format('SELECT generate_series(1, %s)', array_length(v.band_labels, 1))
            WHEN v_dim = 'period' THEN format('SELECT generate_series(%s, %s)', coalesce(v_pmin, 0), coalesce(v_pmax, -1))
            WHEN v_dim = 'source' THEN 'SELECT id::integer FROM migstat.source'
            WHEN v_dim = 'purpose' THEN $$SELECT id::integer FROM migstat.purpose WHERE status = 'active'$$
            WHEN v_dim = ANY (v_big) OR (v_dim = 'occupation' AND v.occupation_level > 1) THEN 'SELECT NULL::integer WHERE false'
            WHEN v_dim = 'occupation' THEN $$SELECT id::integer FROM migstat.code WHERE dimension = 'occupation' AND active AND level = 1$$
            ELSE format('SELECT id::integer FROM migstat.code WHERE dimension = %L AND active', v_dim)
        END;
        EXECUTE format($q$
            INSERT INTO migstat_rep_cat (dno, g, code, ord)
            SELECT %1$s, x.g,
                   CASE WHEN x.g = 0 AND %2$L NOT IN ('source', 'purpose', 'period') THEN '_Z'
                        WHEN x.g = -1 THEN '_X'
                        ELSE %3$s END,
                   CASE WHEN x.g = 0 AND %2$L NOT IN ('source', 'purpose', 'period') THEN 2147483647
                        WHEN x.g = -1 THEN 2147483646
                        ELSE %4$s END
              FROM (%5$s UNION %6$s) x(g)
              %7$s$q$,
            v_i, v_dim,
            CASE v_dim
                WHEN 'age' THEN format('(%L::text[])[x.g]', v.band_labels)
                WHEN 'period' THEN format('migstat.report_period_label(%L, x.g)', v.period_unit)
                WHEN 'source' THEN '(SELECT name FROM migstat.source WHERE id = x.g)'
                WHEN 'purpose' THEN '(SELECT name FROM migstat.purpose WHERE id = x.g)'
                ELSE 'c.code'
            END,
            CASE WHEN v_dim IN ('age', 'period') THEN 'x.g' WHEN v_dim IN ('source', 'purpose') THEN '0' ELSE 'c.sort_order' END,
            v_base, v_sql,
            CASE WHEN v_dim IN ('age', 'period', 'source', 'purpose') THEN ''
                 ELSE format('LEFT JOIN migstat.code c ON c.dimension = %L AND c.id = x.g', CASE v_dim WHEN 'nationality' THEN 'country' ELSE v_dim END) END);
    END LOOP;
    -- Cell keys: index 0 = _T; dimension 1 in the highest bits, so key order = table order.
    v.ncat := array_fill(0, ARRAY[greatest(v_d, 1)]);
    FOR v_i, v_n IN SELECT dno, count(*) FROM migstat_rep_cat GROUP BY dno LOOP
        v.ncat[v_i] := v_n;
    END LOOP;
    v.cells := 1;
    v.key_bits := array_fill(1, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        v.cells := v.cells * (v.ncat[v_i] + 1);
        WHILE (1::bigint << v.key_bits[v_i]) <= v.ncat[v_i] LOOP
            v.key_bits[v_i] := v.key_bits[v_i] + 1;
        END LOOP;
    END LOOP;
    v_max := coalesce((SELECT value::numeric FROM migstat.setting WHERE key = 'report_max_cells'), 5000000);
    IF v.cells > v_max THEN
        RAISE EXCEPTION 'the table would have % cells (limit %): use fewer dimensions, filters or coarser categories',
            v.cells, v_max USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v.key_offset := array_fill(0, ARRAY[greatest(v_d, 1)]);
    v.key_mask := array_fill(0::bigint, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN REVERSE v_d..1 LOOP
        v.key_offset[v_i] := v_tot_bits;
        v.key_mask[v_i] := ((1::bigint << v.key_bits[v_i]) - 1) << v_tot_bits;
        v_tot_bits := v_tot_bits + v.key_bits[v_i];
    END LOOP;
    IF v_tot_bits > 62 THEN
        RAISE EXCEPTION 'the table has too many dimensions' USING ERRCODE = 'program_limit_exceeded';
    END IF;
    v.labels := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    v.key_map := array_fill(NULL::text, ARRAY[greatest(v_d, 1)]);
    FOR v_i IN 1..v_d LOOP
        WITH c AS (SELECT g, code, row_number() OVER (ORDER BY ord, code) AS idx FROM migstat_rep_cat WHERE dno = v_i),
             b AS (SELECT min(g) AS lo, max(g) AS hi FROM c)
        SELECT (ARRAY['_T'] || ARRAY(SELECT code FROM c ORDER BY idx))::text,
               coalesce((SELECT format('[%s:%s]=%s', b.lo, b.hi, array_agg(c.idx << v.key_offset[v_i] ORDER BY s.g))
                           FROM b CROSS JOIN generate_series(b.lo, b.hi) s(g) LEFT JOIN c ON c.g = s.g
                          GROUP BY b.lo, b.hi), '{}')
          INTO v_base, v_sql;
        v.labels[v_i] := v_base;
        v.key_map[v_i] := v_sql;
    END LOOP;
    v.key_expr := coalesce((SELECT string_agg(format('(%L::bigint[])[g%s]', v.key_map[i], i), ' + ' ORDER BY i)
                              FROM generate_series(1, v_d) i), '0');
    RETURN v;
END
$_$;
ALTER FUNCTION migstat.report_categories(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_cells(p_dims text[], p_filters jsonb DEFAULT '{}'::jsonb, p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_period_unit text DEFAULT NULL::text, p_age_bands text DEFAULT NULL::text, p_count text DEFAULT 'records'::text, p_occupation_level integer DEFAULT 1) RETURNS TABLE(k bigint, obs_value bigint, labels text[])
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
DECLARE
    v_plan  migstat.report_plan;
    v_d     integer;
    v_jit   text := current_setting('jit');
    v_wm    text := current_setting('work_mem');
    v_valid text;
BEGIN
    v_plan := migstat.report_prepare('cells', p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                     NULL, p_count, p_occupation_level, false);
    v_d := coalesce(cardinality(v_plan.dims), 0);
    RETURN QUERY SELECT (-i)::bigint, v_plan.key_offset[i]::bigint, v_plan.labels[i]::text[]
                   FROM generate_series(1, v_d) i ORDER BY i;
    -- Only keys of the cube (every index within its dimension's categories), as migstat.report's
    -- output query keeps by its join with the generated keys.
    SELECT string_agg(format('((q.k >> %s) & %s) <= %s', v_plan.key_offset[i], (1::bigint << v_plan.key_bits[i]) - 1,
                             v_plan.ncat[i]), ' AND ')
      INTO v_valid FROM generate_series(1, v_d) i;
    RETURN QUERY EXECUTE format('SELECT q.k, q.v::bigint, NULL::text[] FROM migstat_rep_sup q WHERE %s ORDER BY q.k',
                                coalesce(v_valid, 'q.k = 0'));
    PERFORM migstat.report_finish(v_plan, v_jit, v_wm, p_period_from, p_period_to, p_age_bands, false, 'cells');
    RETURN;
END
$$;
ALTER FUNCTION migstat.report_cells(p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_count text, p_occupation_level integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_cube(p_plan migstat.report_plan) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_d  integer := coalesce(cardinality(p_plan.dims), 0);
    v_k  integer := p_plan.threshold;
    v_j  integer;
    v_pt smallint[];   -- the p-table as one array: pvalue of (pcv, ckey) at pcv * 256 + ckey + 1
BEGIN
    IF p_plan.perturb THEN
        v_k := 1;   -- no primary suppression: the cells are perturbed below
        -- In (pcv, ckey) order without a sort of the 192,256 values (a sort costs 20 ms a report, the
        -- expansion 7 ms): the p-table rows in primary-key order, each expanded by the function it is
        -- LATERAL to, which makes the join a nested loop over them, in their order; every cell key of
        -- every pcv is covered once (ranges 0..255 without gap or overlap: checked when db init loads
        -- the p-table), so the count below also checks the layout.
        v_pt := ARRAY(SELECT p.pvalue
                        FROM (SELECT * FROM migstat.ptable ORDER BY pcv, ckey_lo) p
                       CROSS JOIN LATERAL generate_series(p.ckey_lo::integer, p.ckey_hi::integer) g);
        IF cardinality(v_pt) <> 751 * 256 THEN
            RAISE EXCEPTION 'the perturbation table migstat.ptable is not loaded (run migstat db init)'
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END IF;
    -- The work table: integer counts and key sums (sum(integer) adds in int8, where sum(bigint) adds in
    -- numeric: the margins take half the time); ks is kept mod 256 (only ks % 256 is ever used, and
    -- (a + b) % 256 = (a % 256 + b % 256) % 256). Statuses are set when migstat_rep_sup is written.
    EXECUTE format('CREATE TEMP TABLE migstat_rep_cw ON COMMIT DROP AS SELECT (%s)::bigint AS k, n::integer AS v, '
                   '(ks %% 256)::integer AS ks FROM migstat_rep_raw WHERE n > 0', p_plan.key_expr);
    FOR v_j IN 1..v_d LOOP
        EXECUTE 'INSERT INTO migstat_rep_cw (k, v, ks) SELECT k & $1, sum(v), sum(ks) % 256 '
                'FROM migstat_rep_cw WHERE k & $2 <> 0 GROUP BY 1'
            USING ~p_plan.key_mask[v_j], p_plan.key_mask[v_j];
    END LOOP;
    IF p_plan.multi THEN
        -- Persons in several cells: distinct (cell, person) pairs at every margin level, added
        -- to the single-cell persons' counts.
        EXECUTE format('CREATE TEMP TABLE migstat_rep_pairs ON COMMIT DROP AS SELECT (%s)::bigint AS k, p, pk FROM migstat_rep_mraw',
                       p_plan.key_expr);
        FOR v_j IN 1..v_d LOOP
            EXECUTE 'INSERT INTO migstat_rep_pairs (k, p, pk) SELECT k & $1, p, min(pk) FROM migstat_rep_pairs WHERE k & $2 <> 0 GROUP BY 1, 2'
                USING ~p_plan.key_mask[v_j], p_plan.key_mask[v_j];
        END LOOP;
        ALTER TABLE migstat_rep_cw RENAME TO migstat_rep_simple;
        CREATE TEMP TABLE migstat_rep_cw ON COMMIT DROP AS
            SELECT u.k, sum(u.v)::integer AS v, (sum(u.ks) % 256)::integer AS ks
              FROM (SELECT x.k, x.v, x.ks FROM migstat_rep_simple x
                    UNION ALL SELECT y.k, count(*)::integer, (sum(y.pk) % 256)::integer FROM migstat_rep_pairs y GROUP BY y.k) u
             GROUP BY u.k;
        DROP TABLE migstat_rep_simple, migstat_rep_pairs, migstat_rep_mraw;
    END IF;
    IF p_plan.perturb THEN
        -- (a lookup in an array of fixed-width elements, not a join: one subscript per cell); the
        -- true values are gone with the work table.
        EXECUTE $q$
        CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS
            SELECT c.k, c.v::bigint + $1[(CASE WHEN c.v <= 750 THEN c.v ELSE (c.v - 1) % 250 + 501 END) * 256 + c.ks + 1] AS v,
                   'F'::text AS st, c.ks::bigint AS ks
              FROM migstat_rep_cw c$q$ USING v_pt;
    ELSE
        CREATE TEMP TABLE migstat_rep_sup ON COMMIT DROP AS
            SELECT c.k, c.v::bigint AS v, CASE WHEN c.v BETWEEN 1 AND v_k - 1 THEN 'A' ELSE 'F' END AS st,
                   NULL::bigint AS ks
              FROM migstat_rep_cw c;
    END IF;
    DROP TABLE migstat_rep_cw;
END
$_$;
ALTER FUNCTION migstat.report_cube(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_dimension_info() RETURNS TABLE(dimension text, ord integer, special_category boolean, not_null boolean, big boolean)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT d.name, d.ord::integer, d.is_special_category, d.is_record_column AND d.is_required,
           d.only_occurring_codes
      FROM migstat.dimension d
     ORDER BY d.ord
$$;
ALTER FUNCTION migstat.report_dimension_info() OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_exact(p_dims text[], p_filters jsonb DEFAULT '{}'::jsonb, p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_period_unit text DEFAULT NULL::text, p_age_bands text DEFAULT NULL::text, p_threshold integer DEFAULT NULL::integer, p_count text DEFAULT 'records'::text, p_occupation_level integer DEFAULT 1, p_with_estimates boolean DEFAULT false) RETURNS TABLE(cell_dims text[], obs_value bigint, obs_status text, conf_status text, lower_bound numeric, upper_bound numeric, is_estimate boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
#variable_conflict use_column
DECLARE
    v_plan  migstat.report_plan;
    v_out   text[];
    v_jit   text := current_setting('jit');
    v_wm    text := current_setting('work_mem');
BEGIN
    PERFORM migstat.require_report_reader();
    v_plan := migstat.report_parameters(p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                        p_threshold, p_count, p_occupation_level, p_with_estimates);
    v_plan.perturb := false;
    v_plan := migstat.report_tables(v_plan);
    v_out := migstat.report_output(v_plan);
    RETURN QUERY EXECUTE v_out[1];
    IF v_out[2] IS NOT NULL THEN
        RETURN QUERY EXECUTE v_out[2];
    END IF;
    DROP TABLE migstat_rep_sup, migstat_rep_new, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', v_jit, true);
    PERFORM set_config('work_mem', v_wm, true);
    -- Last, so the audit log's lock is held only for the end of the transaction.
    PERFORM migstat.audit('report.exact', jsonb_build_object(
        'dims', to_jsonb(v_plan.dims), 'filters', v_plan.filter_codes, 'period_from', p_period_from,
        'period_to', p_period_to, 'period_unit', v_plan.period_unit, 'age_bands', p_age_bands,
        'threshold_requested', p_threshold, 'threshold', v_plan.threshold, 'count', v_plan.counting,
        'occupation_level', v_plan.occupation_level, 'with_estimates', coalesce(p_with_estimates, false)));
    RETURN;
END
$$;
ALTER FUNCTION migstat.report_exact(p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_threshold integer, p_count text, p_occupation_level integer, p_with_estimates boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_filters(p_plan migstat.report_plan) RETURNS migstat.report_plan
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v        migstat.report_plan := p_plan;
    c_all    text[] := ARRAY(SELECT dimension FROM migstat.report_dimension_info() ORDER BY ord);
    v_key    text;
    v_codes  jsonb;
    v_code   text;
    v_ids    integer[];
    v_id     integer;
BEGIN
    v.where_sql := ARRAY['true'];
    v.filter_groups := '{}';
    v.filter_codes := '{}';
    FOR v_key, v_codes IN SELECT key, value FROM jsonb_each(v.filters) LOOP
        IF NOT v_key = ANY (c_all) OR v_key = 'period' THEN
            RAISE EXCEPTION 'cannot filter on "%"', v_key USING ERRCODE = 'invalid_parameter_value',
                HINT = 'filter dimensions: ' || array_to_string(array_remove(c_all, 'period'), ', ')
                       || '; periods: period_from/period_to';
        END IF;
        IF jsonb_typeof(v_codes) <> 'array' OR jsonb_array_length(v_codes) = 0
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_codes) e WHERE jsonb_typeof(e) <> 'string') THEN
            RAISE EXCEPTION 'filter "%" must be a non-empty array of codes', v_key USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_ids := '{}';
        FOR v_code IN SELECT btrim(e) FROM jsonb_array_elements_text(v_codes) e LOOP
            IF v_key IN ('source', 'purpose') THEN
                IF v_key = 'source' THEN
                    SELECT id INTO v_id FROM migstat.source WHERE name = v_code;
                ELSE
                    SELECT id INTO v_id FROM migstat.purpose WHERE name = v_code;
                    IF (SELECT status FROM migstat.purpose WHERE id = v_id) = 'purged' THEN
                        RAISE EXCEPTION 'purpose "%" was purged on %: its records are gone', v_code,
                            (SELECT purged_at::date FROM migstat.purpose WHERE id = v_id)
                            USING ERRCODE = 'MS410',
                                  HINT = format('its declared tables are preserved: migstat report --table NAME --purpose %s (migstat tables list --purpose %s)', v_code, v_code);
                    END IF;
                END IF;
            ELSIF upper(v_code) = '_Z' THEN
                v_code := '_Z';
                v_id := 0;
            ELSIF v_key = 'age' THEN
                v_id := array_position(v.band_labels, v_code);
            ELSE
                v_code := upper(v_code);
                SELECT id INTO v_id FROM migstat.code
                 WHERE dimension = CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END AND code = v_code;
                IF FOUND AND v_key = 'occupation' AND 'occupation' = ANY (v.dims) AND length(v_code) > v.occupation_level THEN
                    RAISE EXCEPTION 'occupation filter "%" is more detailed than the report level %', v_code, v.occupation_level
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END IF;
            IF v_id IS NULL THEN
                RAISE EXCEPTION 'filter "%": unknown code "%"', v_key, v_code USING ERRCODE = 'invalid_parameter_value',
                    HINT = CASE v_key
                        WHEN 'age' THEN 'an age filter names one of the report''s bands: ' || array_to_string(v.band_labels, ', ')
                        WHEN 'source' THEN 'the sources: migstat batches (the source column)'
                        WHEN 'purpose' THEN 'the purposes: migstat purpose list'
                        ELSE format('the codes: migstat codes list %s ("not stated" is _Z)',
                                    CASE v_key WHEN 'nationality' THEN 'country' ELSE v_key END) END;
            END IF;
            v.filter_codes := jsonb_set(v.filter_codes, ARRAY[v_key], coalesce(v.filter_codes -> v_key, '[]') || to_jsonb(v_code));
            IF v_key = 'occupation' AND v_id <> 0 THEN
                -- the code and every sub-group of it
                v_ids := v_ids || ARRAY(SELECT id FROM migstat.code WHERE dimension = 'occupation'
                                                                    AND left(code, length(v_code)) = v_code);
                IF length(v_code) = v.occupation_level THEN
                    v.filter_groups := jsonb_set(v.filter_groups, ARRAY[v_key], coalesce(v.filter_groups -> v_key, '[]') || to_jsonb(v_id));
                END IF;
            ELSE
                v_ids := v_ids || v_id;
                v.filter_groups := jsonb_set(v.filter_groups, ARRAY[v_key], coalesce(v.filter_groups -> v_key, '[]') || to_jsonb(v_id));
            END IF;
        END LOOP;
        v.where_sql := v.where_sql || format('%s = ANY (%L::integer[])',
            CASE v_key
                WHEN 'age' THEN v.age_expr
                WHEN 'source' THEN 'r.source_id'
                WHEN 'purpose' THEN 'r.purpose_id'
                ELSE format('coalesce(r.%I, 0)', v_key)
            END, v_ids);
    END LOOP;
    IF v.period_from IS NOT NULL THEN
        v.where_sql := v.where_sql || format('r.event_date >= %L::date', v.period_from);
    END IF;
    IF v.period_to IS NOT NULL THEN
        v.where_sql := v.where_sql || format('r.event_date <= %L::date', v.period_to);
    END IF;
    RETURN v;
END
$$;
ALTER FUNCTION migstat.report_filters(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_fine_cells(p_plan migstat.report_plan) RETURNS migstat.report_plan
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $_$
DECLARE
    v       migstat.report_plan := p_plan;
    v_d     integer := coalesce(cardinality(p_plan.dims), 0);
    v_g     text[] := p_plan.dim_expr;
    v_cols  text;
    v_gcols text;
    v_from  text := format('migstat.records r WHERE %s', array_to_string(p_plan.where_sql, ' AND '));
    v_same  text;
    v_tmp   text;            -- unlogged work table (persons)
    v_ptc   text;
BEGIN
    SELECT string_agg(format('%s AS g%s', v_g[i], i), ', ' ORDER BY i), string_agg(format('g%s', i), ', ' ORDER BY i)
      INTO v_cols, v_gcols FROM generate_series(1, v_d) i;
    v.multi := false;
    IF v.counting = 'records' THEN
        EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s count(*)::bigint AS n, %s AS ks FROM %s %s',
                       coalesce(v_cols || ',', ''),
                       CASE WHEN v.perturb THEN 'sum(r.record_key)::bigint' ELSE 'NULL::bigint' END, v_from,
                       CASE WHEN v_d > 0 THEN 'GROUP BY ' || v_gcols ELSE '' END);
        RETURN v;
    END IF;
    -- One hash table entry per person: give the person-level steps room (never less than the
    -- session's own setting).
    IF pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v_same := (SELECT coalesce(string_agg(format('mn%1$s = mx%1$s', j), ' AND '), 'true') FROM generate_series(1, v_d) j);
    EXECUTE format($q$
        CREATE TEMP TABLE migstat_rep_s1 ON COMMIT DROP AS
        SELECT %1$s CASE WHEN %2$s THEN NULL ELSE p END AS p,
               sum(CASE WHEN p IS NULL THEN cnt ELSE 1 END)::bigint AS n, sum(pk)::bigint AS ks
          FROM (SELECT r.person_pseudonym AS p, %3$s count(*) AS cnt,
                       CASE WHEN r.person_pseudonym IS NULL THEN sum(r.record_key) ELSE get_byte(r.person_pseudonym, 0) END AS pk
                  FROM %4$s
                 GROUP BY r.person_pseudonym %5$s) s
         GROUP BY %6$s$q$,
        (SELECT string_agg(format('CASE WHEN %s THEN mn%s END AS g%s,', v_same, i, i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
        v_same,
        (SELECT string_agg(format('min(%1$s) AS mn%2$s, max(%1$s) AS mx%2$s,', v_g[i], i), ' ' ORDER BY i) FROM generate_series(1, v_d) i),
        v_from,
        (SELECT string_agg(format(', CASE WHEN r.person_pseudonym IS NULL THEN %s END', v_g[i]), '' ORDER BY i) FROM generate_series(1, v_d) i),
        (SELECT string_agg(i::text, ', ') FROM generate_series(1, v_d + 1) i));
    EXECUTE format('CREATE TEMP TABLE migstat_rep_raw ON COMMIT DROP AS SELECT %s n, ks FROM migstat_rep_s1 WHERE p IS NULL',
                   coalesce(v_gcols || ',', ''));
    SELECT EXISTS (SELECT 1 FROM migstat_rep_s1 WHERE p IS NOT NULL) INTO v.multi;
    IF v.multi THEN
        -- The distinct (fine cell, person) pairs of the persons found in several cells. Their
        -- list goes to an unlogged table of this transaction (never visible to any other
        -- session): parallel workers cannot read temporary tables.
        v_tmp := format('report_work_%s', pg_backend_pid());
        -- Each gets a small number (pid) so that the pairs below are narrow.
        EXECUTE format('CREATE UNLOGGED TABLE migstat_data.%I AS SELECT p, (row_number() OVER ())::integer AS pid, '
                       'ks::integer AS pk FROM migstat_rep_s1 WHERE p IS NOT NULL', v_tmp);
        EXECUTE format('ANALYZE migstat_data.%I', v_tmp);
        -- The join returns few rows for the records it scans: let workers scan in parallel.
        v_ptc := current_setting('parallel_tuple_cost');
        PERFORM set_config('parallel_tuple_cost', '0.01', true);
        EXECUTE format('CREATE TEMP TABLE migstat_rep_mraw ON COMMIT DROP AS SELECT DISTINCT %s, m.pid AS p, m.pk '
                       'FROM migstat.records r JOIN migstat_data.%I m ON m.p = r.person_pseudonym WHERE %s',
                       v_cols, v_tmp, array_to_string(v.where_sql, ' AND '));
        PERFORM set_config('parallel_tuple_cost', v_ptc, true);
        EXECUTE format('DROP TABLE migstat_data.%I', v_tmp);
    END IF;
    DROP TABLE migstat_rep_s1;
    RETURN v;
END
$_$;
ALTER FUNCTION migstat.report_fine_cells(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_finish(p_plan migstat.report_plan, p_jit text, p_work_mem text, p_period_from date, p_period_to date, p_age_bands text, p_with_estimates boolean, p_output text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
BEGIN
    DROP TABLE migstat_rep_sup, migstat_rep_new, migstat_rep_cat, migstat_rep_raw;
    PERFORM set_config('jit', p_jit, true);
    PERFORM set_config('work_mem', p_work_mem, true);
    PERFORM migstat.audit('report.run', jsonb_build_object(
        'dims', to_jsonb(p_plan.dims), 'filters', p_plan.filter_codes, 'period_from', p_period_from,
        'period_to', p_period_to, 'period_unit', p_plan.period_unit, 'age_bands', p_age_bands,
        'count', p_plan.counting, 'occupation_level', p_plan.occupation_level,
        'with_estimates', coalesce(p_with_estimates, false), 'method', 'cell-key',
        'ptable_sha256', (SELECT value FROM migstat.setting WHERE key = 'ptable_sha256'), 'read', p_plan.read_no)
        || CASE WHEN p_output IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('output', p_output) END);
END
$$;
ALTER FUNCTION migstat.report_finish(p_plan migstat.report_plan, p_jit text, p_work_mem text, p_period_from date, p_period_to date, p_age_bands text, p_with_estimates boolean, p_output text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_output(p_plan migstat.report_plan) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v      migstat.report_plan := p_plan;
    v_d    integer := coalesce(cardinality(p_plan.dims), 0);
    v_sql  text;
    v_n    bigint := 1;
    v_i    integer;
    v_shape   text;
    v_period  text;
    v_overlap text;
    v_age     text;
    v_occ     text;
BEGIN
    -- Row number i -> the cell's key: index x_j = (i / stride_j) % (ncat_j + 1) of each dimension, at
    -- its key offset. Dimension 1 is in the highest bits, so key order is row order.
    FOR v_i IN REVERSE v_d..1 LOOP
        v_sql := concat_ws(' + ', format('(((s.i / %s) %% %s) << %s)', v_n, v.ncat[v_i] + 1, v.key_offset[v_i]), v_sql);
        v_n := v_n * (v.ncat[v_i] + 1);
    END LOOP;
    -- Which estimates [2] shows: their dimensions are among the report's (the others are _T) or are
    -- filtered to a single code, and they satisfy every filter (v_shape); they lie within the period range
    -- (with a period dimension: they cover exactly one period) (v_period); their codes are categories of
    -- this report: age bands (v_age), occupation level (v_occ). [3] counts those of the report's shape that
    -- overlap its period (v_overlap) but fail v_period, v_age or v_occ.
    IF v.with_estimates THEN
        v_shape := format('ARRAY(SELECT jsonb_object_keys(e.dims)) <@ %L::text[]',
                          v.dims || ARRAY(SELECT f.key FROM jsonb_each(v.filter_codes) f WHERE jsonb_array_length(f.value) = 1))
            || coalesce((SELECT string_agg(CASE f.key
                    WHEN 'source' THEN format(' AND s.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                    WHEN 'purpose' THEN format(' AND pu.name = ANY (%L::text[])', ARRAY(SELECT jsonb_array_elements_text(f.value)))
                    ELSE format(' AND e.dims ->> %L = ANY (%L::text[])', f.key, ARRAY(SELECT jsonb_array_elements_text(f.value))) END, '')
               FROM jsonb_each(v.filter_codes) f), '');
        v_period := format('((%1$L::date IS NULL OR e.period_from >= %1$L::date) AND (%2$L::date IS NULL OR e.period_to <= %2$L::date)',
                           v.period_from, v.period_to)
            || CASE WHEN 'period' = ANY (v.dims) THEN format(
                ' AND e.period_from = migstat.report_period_start(%1$L, migstat.report_period_ord(%1$L, e.period_from))'
                ' AND e.period_to = migstat.report_period_end(%1$L, migstat.report_period_ord(%1$L, e.period_from))', v.period_unit)
               ELSE '' END || ')';
        v_overlap := format('(%1$L::date IS NULL OR e.period_to >= %1$L::date) AND (%2$L::date IS NULL OR e.period_from <= %2$L::date)',
                            v.period_from, v.period_to);
        v_age := CASE WHEN 'age' = ANY (v.dims)
                      THEN format('(NOT e.dims ? %L OR e.dims ->> %1$L = ANY (%2$L::text[]))', 'age', v.band_labels) ELSE 'true' END;
        v_occ := CASE WHEN 'occupation' = ANY (v.dims)
                      THEN format('(NOT e.dims ? %L OR length(e.dims ->> %1$L) = %2$s)', 'occupation', v.occupation_level) ELSE 'true' END;
    END IF;
    -- Rows in key order without a sort of the output: the keys of all cells, generated in order, merge-
    -- joined to the non-zero cells (the sort the merge join puts on each side finds its input sorted);
    -- migstat.report turns hash joins off for this query (report_exact leaves the choice to the planner:
    -- same rows, same order, ORDER BY g.k either way). Labels are looked up after the join, from the
    -- key's bits.
    RETURN ARRAY[format($q$
        SELECT %1$s AS cell_dims,
               %5$s, 'A'::text, %4$s, NULL::numeric, NULL::numeric, false
          FROM (SELECT %3$s AS k FROM generate_series(0::bigint, %2$s - 1) s(i)) g
          LEFT JOIN migstat_rep_sup q ON q.k = g.k
          %6$s
         ORDER BY g.k$q$,
        -- labels as name[] (fixed width: a subscript is O(1), where text[] walks its elements)
        coalesce('ARRAY[' || (SELECT string_agg(format('((%L::name[])[((g.k >> %s) & %s)::integer + 1]::text COLLATE "default")',
                                                       v.labels[i], v.key_offset[i], (1::bigint << v.key_bits[i]) - 1), ', ' ORDER BY i)
                                FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
        v.cells, coalesce(v_sql, '0::bigint'),
        -- a perturbed (flexible) table suppresses nothing: no join with migstat_rep_new
        CASE WHEN v.perturb THEN $s$'F'::text$s$ ELSE $s$coalesce(CASE WHEN n.pass = 0 THEN 'A' WHEN n.pass > 0 THEN 'D' END, 'F')$s$ END,
        CASE WHEN v.perturb THEN 'coalesce(q.v, 0)' ELSE 'CASE WHEN n.pass >= 0 THEN NULL ELSE coalesce(q.v, 0) END' END,
        CASE WHEN v.perturb THEN '' ELSE 'LEFT JOIN migstat_rep_new n ON n.k = g.k' END),
      CASE WHEN v.with_estimates THEN format($q$
        SELECT %1$s, round(e.value)::bigint, 'E'::text, 'F'::text, e.lower_bound, e.upper_bound, true
          FROM migstat.estimate e
          JOIN migstat.source s ON s.id = e.source_id
          JOIN migstat.purpose pu ON pu.id = e.purpose_id
         WHERE %2$s AND %3$s AND %4$s AND %5$s
         ORDER BY 1, e.id$q$,
        coalesce('ARRAY[' || (SELECT string_agg(CASE v.dims[i]
                    WHEN 'source' THEN 's.name'
                    WHEN 'purpose' THEN 'pu.name'
                    WHEN 'period' THEN format('migstat.report_period_label(%L, migstat.report_period_ord(%1$L, e.period_from))', v.period_unit)
                    ELSE format('coalesce(e.dims ->> %L, %L)', v.dims[i], '_T') END, ', ' ORDER BY i)
                  FROM generate_series(1, v_d) i) || ']', 'ARRAY[]::text[]'),
        v_shape, v_period, v_age, v_occ) END,
      -- [3]: what the estimates that have the report's shape but do not fit it (bands, period, level) are,
      -- as one note (NULL when none), for migstat.report to say so.
      CASE WHEN v.with_estimates THEN format($q$
        SELECT 'estimates left out: ' || concat_ws('; ',
                   CASE WHEN count(*) FILTER (WHERE NOT %3$s) > 0 THEN count(*) FILTER (WHERE NOT %3$s)
                        || ' whose age band is not one of this report''s bands (' || %6$L || ')' END,
                   CASE WHEN count(*) FILTER (WHERE NOT %2$s) > 0 THEN count(*) FILTER (WHERE NOT %2$s)
                        || ' whose period ' || %7$L END,
                   CASE WHEN count(*) FILTER (WHERE NOT %4$s) > 0 THEN count(*) FILTER (WHERE NOT %4$s)
                        || ' whose occupation is not at ISCO-08 level ' || %8$s END)
          FROM migstat.estimate e
          JOIN migstat.source s ON s.id = e.source_id
          JOIN migstat.purpose pu ON pu.id = e.purpose_id
         WHERE %1$s AND %5$s AND NOT (%2$s AND %3$s AND %4$s)
        HAVING count(*) > 0$q$,
        v_shape, v_period, v_age, v_occ, v_overlap, array_to_string(v.band_labels, ', '),
        CASE WHEN 'period' = ANY (v.dims)
             THEN format('is not within the report''s period or not one whole %s', v.period_unit)
             ELSE 'is not within the report''s period' END,
        v.occupation_level) END];
END
$_$;
ALTER FUNCTION migstat.report_output(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_parameters(p_dims text[], p_filters jsonb DEFAULT '{}'::jsonb, p_period_from date DEFAULT NULL::date, p_period_to date DEFAULT NULL::date, p_period_unit text DEFAULT NULL::text, p_age_bands text DEFAULT NULL::text, p_threshold integer DEFAULT NULL::integer, p_count text DEFAULT 'records'::text, p_occupation_level integer DEFAULT 1, p_with_estimates boolean DEFAULT false) RETURNS migstat.report_plan
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    c_all      text[];
    c_special  text[];
    c_notnull  text[];
    v          migstat.report_plan;
    v_dim      text;
    v_occ_map  text;            -- '{...}': occupation id -> id of its group at the level (-1: coarser)
BEGIN
    SELECT array_agg(dimension ORDER BY ord), array_agg(dimension ORDER BY ord) FILTER (WHERE special_category),
           array_agg(dimension ORDER BY ord) FILTER (WHERE not_null)
      INTO c_all, c_special, c_notnull FROM migstat.report_dimension_info();
    v.dims := '{}';
    v.period_unit := lower(p_period_unit);
    v.occupation_level := coalesce(p_occupation_level, 1);
    v.counting := lower(coalesce(p_count, 'records'));
    v.filters := coalesce(p_filters, '{}');
    v.period_from := p_period_from;
    v.period_to := p_period_to;
    v.age_bands := p_age_bands;
    v.threshold_requested := p_threshold;
    v.with_estimates := coalesce(p_with_estimates, false);
    v.multi := false;
    FOREACH v_dim IN ARRAY coalesce(p_dims, '{}') LOOP
        v_dim := lower(btrim(v_dim));
        IF v_dim IS NULL OR NOT v_dim = ANY (c_all) THEN
            RAISE EXCEPTION 'unknown report dimension "%"', v_dim USING ERRCODE = 'invalid_parameter_value',
                HINT = 'one of ' || array_to_string(c_all, ', ');
        END IF;
        IF v_dim = ANY (v.dims) THEN
            RAISE EXCEPTION 'dimension "%" is listed twice', v_dim USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v.dims := v.dims || v_dim;
    END LOOP;
    IF v.period_unit IS NOT NULL AND v.period_unit NOT IN ('year', 'quarter', 'month') THEN
        RAISE EXCEPTION 'period unit must be year, quarter or month' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.period_unit IS NOT NULL AND NOT 'period' = ANY (v.dims) THEN
        v.dims := v.dims || 'period'::text;
    END IF;
    IF 'period' = ANY (v.dims) THEN
        v.period_unit := coalesce(v.period_unit, 'year');
    END IF;
    IF p_period_from > p_period_to THEN
        RAISE EXCEPTION 'period_from is after period_to' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.counting NOT IN ('records', 'persons') THEN
        RAISE EXCEPTION 'count must be records or persons' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.occupation_level NOT BETWEEN 1 AND 4 THEN
        RAISE EXCEPTION 'occupation level must be 1 to 4 (ISCO-08)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_typeof(v.filters) <> 'object' THEN
        RAISE EXCEPTION 'filters must be a JSON object {"dimension": ["CODE", ...]}' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Age bands.
    SELECT array_agg(b.label ORDER BY b.band) INTO v.band_labels FROM migstat.report_age_bands(p_age_bands) b;
    IF p_age_bands IS NULL THEN
        v.age_expr := 'CASE WHEN r.age IS NULL THEN 0 WHEN r.age >= 85 THEN 18 ELSE r.age / 5 + 1 END';
    ELSE
        SELECT format('coalesce((%L::integer[])[r.age + 1], 0)', array_agg(b.band ORDER BY a))::text INTO v.age_expr
          FROM generate_series(0, 130) a JOIN migstat.report_age_bands(p_age_bands) b ON a BETWEEN b.lo AND b.hi;
    END IF;
    -- Occupation groups of the requested level.
    SELECT array_agg(coalesce(g.id, -1) ORDER BY s.i)::text INTO v_occ_map
      FROM generate_series(1, (SELECT coalesce(max(id), 1) FROM migstat.code WHERE dimension = 'occupation')) s(i)
      LEFT JOIN migstat.code c ON c.dimension = 'occupation' AND c.id = s.i
      LEFT JOIN migstat.code g ON g.dimension = 'occupation' AND g.level = v.occupation_level AND c.level >= v.occupation_level
                              AND g.code = left(c.code, v.occupation_level);
    -- Filters and the period range: the WHERE conditions, the group values a filtered dimension lists.
    v := migstat.report_filters(v);
    v.threshold := migstat.report_threshold(v.dims && c_special OR ARRAY(SELECT jsonb_object_keys(v.filters)) && c_special,
                                            p_threshold);
    -- Group value of each dimension (0 = not stated).
    v.dim_expr := '{}';
    FOREACH v_dim IN ARRAY v.dims LOOP
        v.dim_expr := v.dim_expr || CASE v_dim
            WHEN 'age' THEN v.age_expr
            WHEN 'occupation' THEN format('coalesce((%L::integer[])[r.occupation], 0)', v_occ_map)
            WHEN 'period' THEN CASE v.period_unit
                WHEN 'year' THEN $$date_part('year', r.event_date)::integer$$
                WHEN 'quarter' THEN $$(date_part('year', r.event_date)::integer * 4 + (date_part('month', r.event_date)::integer - 1) / 3)$$
                WHEN 'month' THEN $$(date_part('year', r.event_date)::integer * 12 + date_part('month', r.event_date)::integer - 1)$$
            END
            WHEN 'source' THEN 'r.source_id'
            WHEN 'purpose' THEN 'r.purpose_id'
            ELSE CASE WHEN v_dim = ANY (c_notnull) THEN format('r.%I', v_dim) ELSE format('coalesce(r.%I, 0::smallint)', v_dim) END
        END;
    END LOOP;
    RETURN v;
END
$_$;
ALTER FUNCTION migstat.report_parameters(p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_threshold integer, p_count text, p_occupation_level integer, p_with_estimates boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_period_end(p_unit text, p_ord integer) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT (migstat.report_period_start(p_unit, p_ord)
            + CASE p_unit WHEN 'year' THEN interval '1 year' WHEN 'quarter' THEN interval '3 months'
                          ELSE interval '1 month' END)::date - 1
$$;
ALTER FUNCTION migstat.report_period_end(p_unit text, p_ord integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_period_label(p_unit text, p_ord integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN p_ord::text
        WHEN 'quarter' THEN format('%s-Q%s', p_ord / 4, p_ord % 4 + 1)
        WHEN 'month' THEN format('%s-%s', p_ord / 12, lpad((p_ord % 12 + 1)::text, 2, '0'))
    END
$$;
ALTER FUNCTION migstat.report_period_label(p_unit text, p_ord integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_period_ord(p_unit text, p_date date) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN date_part('year', p_date)::integer
        WHEN 'quarter' THEN date_part('year', p_date)::integer * 4 + (date_part('month', p_date)::integer - 1) / 3
        WHEN 'month' THEN date_part('year', p_date)::integer * 12 + date_part('month', p_date)::integer - 1
    END
$$;
ALTER FUNCTION migstat.report_period_ord(p_unit text, p_date date) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_period_start(p_unit text, p_ord integer) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT CASE p_unit
        WHEN 'year' THEN make_date(p_ord, 1, 1)
        WHEN 'quarter' THEN make_date(p_ord / 4, (p_ord % 4) * 3 + 1, 1)
        WHEN 'month' THEN make_date(p_ord / 12, p_ord % 12 + 1, 1)
    END
$$;
ALTER FUNCTION migstat.report_period_start(p_unit text, p_ord integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_perturb(p_n bigint, p_ks bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_p smallint;
BEGIN
    IF p_n IS NULL OR p_n = 0 THEN
        RETURN p_n;
    END IF;
    SELECT p.pvalue INTO v_p FROM migstat.ptable p
     WHERE p.pcv = CASE WHEN p_n <= 750 THEN p_n ELSE (p_n - 1) % 250 + 501 END
       AND (coalesce(p_ks, 0) % 256) BETWEEN p.ckey_lo AND p.ckey_hi;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the perturbation table migstat.ptable is not loaded (run migstat db init)'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN p_n + v_p;
END
$$;
ALTER FUNCTION migstat.report_perturb(p_n bigint, p_ks bigint) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_prepare(p_output text, p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_threshold integer, p_count text, p_occupation_level integer, p_with_estimates boolean) RETURNS migstat.report_plan
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v_plan  migstat.report_plan;
    v_read  bigint;
    v_total bigint;
    v_min   bigint := coalesce((SELECT value::bigint FROM migstat.setting WHERE key = 'flexible_min_total'), 20);
BEGIN
    PERFORM migstat.require_report_reader();
    -- Every call, refused ones included, gets its read number and server-log line first.
    v_read := migstat.read_begin('report', jsonb_build_object(
        'dims', to_jsonb(p_dims), 'filters', p_filters, 'period_from', p_period_from, 'period_to', p_period_to,
        'period_unit', p_period_unit, 'age_bands', p_age_bands, 'threshold', p_threshold, 'count', p_count,
        'occupation_level', p_occupation_level, 'with_estimates', p_with_estimates)
        || CASE WHEN p_output IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('output', p_output) END);
    IF p_threshold IS NOT NULL THEN
        RAISE EXCEPTION 'flexible tables are perturbed; thresholds apply to declared tables'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'leave the threshold out (NULL), or run a declared table of the output programme';
    END IF;
    v_plan := migstat.report_parameters(p_dims, p_filters, p_period_from, p_period_to, p_period_unit, p_age_bands,
                                        NULL, p_count, p_occupation_level, p_with_estimates);
    v_plan.perturb := true;
    v_plan.read_no := v_read;
    PERFORM migstat.report_bounds(v_plan);
    v_plan := migstat.report_tables(v_plan);
    -- The minimum population, decided on the published (perturbed) grand total, never the true one.
    SELECT q.v INTO v_total FROM migstat_rep_sup q WHERE q.k = 0;
    IF coalesce(v_total, 0) < v_min THEN
        RAISE EXCEPTION 'the table''s total is below % (flexible_min_total): a flexible table covers at least % records or persons',
            v_min, v_min USING ERRCODE = 'invalid_parameter_value',
            HINT = 'widen the filters or the period';
    END IF;
    RETURN v_plan;
END
$$;
ALTER FUNCTION migstat.report_prepare(p_output text, p_dims text[], p_filters jsonb, p_period_from date, p_period_to date, p_period_unit text, p_age_bands text, p_threshold integer, p_count text, p_occupation_level integer, p_with_estimates boolean) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_suppression(p_plan migstat.report_plan) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $_$
DECLARE
    v_d       integer := coalesce(cardinality(p_plan.dims), 0);
    v_mask    bigint[] := p_plan.key_mask;
    v_j       integer;
    v_n       bigint;
    v_changed bigint;
    v_last    integer[];
    v_pass    integer;
    v_rows    bigint;
    v_few     boolean;
    v_index   boolean;
    v_planner text[];
BEGIN
    CREATE TEMP TABLE migstat_rep_new ON COMMIT DROP AS SELECT k, 0 AS pass FROM migstat_rep_sup WHERE st = 'A';
    IF v_d = 0 OR NOT EXISTS (SELECT 1 FROM migstat_rep_new) THEN
        RETURN;
    END IF;
    SELECT count(*) INTO v_rows FROM migstat_rep_sup;
    v_index := v_rows > coalesce((SELECT value::bigint FROM migstat.setting WHERE key = 'report_index_cells'), 50000);
    CREATE UNIQUE INDEX ON migstat_rep_new (k);
    IF v_index THEN
        FOR v_j IN 1..v_d LOOP
            EXECUTE format('CREATE INDEX ON migstat_rep_sup ((k & (%s)::bigint))', ~v_mask[v_j]);
        END LOOP;
    END IF;
    ANALYZE migstat_rep_sup;
    v_last := array_fill(-1, ARRAY[v_d]);
    v_pass := 0;
    v_planner := ARRAY[current_setting('enable_nestloop'), current_setting('enable_hashjoin'),
                       current_setting('enable_mergejoin')];
    LOOP
        v_changed := 0;
        FOR v_j IN 1..v_d LOOP
            v_pass := v_pass + 1;
            SELECT count(*) INTO v_n FROM migstat_rep_new WHERE pass > v_last[v_j];
            IF v_n > 0 THEN
                -- Few relations to look at (after the first round): index lookups. Many: every
                -- relation, by hash joins over the whole table (a relation that gained no
                -- suppressed cell since the previous pass over j has 0 or >= 2 already, so
                -- looking at it changes nothing).
                v_few := v_index AND v_last[v_j] >= 0 AND v_n < v_rows / 50;
                PERFORM set_config('enable_nestloop', CASE WHEN v_few THEN 'on' ELSE 'off' END, true),
                        set_config('enable_hashjoin', CASE WHEN v_few THEN 'off' ELSE 'on' END, true),
                        set_config('enable_mergejoin', 'off', true);
                EXECUTE replace($q$
                    WITH d AS (SELECT DISTINCT k & $1 AS lk FROM migstat_rep_new WHERE pass > $3),
                         l AS (SELECT c.k & $1 AS lk,
                                      min(CASE WHEN n.k IS NULL AND c.v > 0
                                               THEN (c.v << ($4 + 1)) | (((c.k & $2) = 0)::integer::bigint << $4)
                                                    | ((c.k & $2) >> $5) END) AS best
                                 FROM migstat_rep_sup c
                                 LEFT JOIN migstat_rep_new n ON n.k = c.k
                                WHERE #relations#
                                GROUP BY 1
                               HAVING count(n.k) = 1)
                    INSERT INTO migstat_rep_new (k, pass)
                    SELECT lk | ((best & ((1::bigint << $4) - 1)) << $5), $6 FROM l WHERE best IS NOT NULL$q$,
                    '#relations#', CASE WHEN v_few THEN '(c.k & $1) IN (SELECT lk FROM d)' ELSE 'true' END)
                    USING ~v_mask[v_j], v_mask[v_j], v_last[v_j], p_plan.key_bits[v_j], p_plan.key_offset[v_j], v_pass;
                GET DIAGNOSTICS v_n = ROW_COUNT;
                v_changed := v_changed + v_n;
            END IF;
            v_last[v_j] := v_pass;
        END LOOP;
        EXIT WHEN v_changed = 0;
    END LOOP;
    PERFORM set_config('enable_nestloop', v_planner[1], true), set_config('enable_hashjoin', v_planner[2], true),
            set_config('enable_mergejoin', v_planner[3], true);
END
$_$;
ALTER FUNCTION migstat.report_suppression(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_tables(p_plan migstat.report_plan) RETURNS migstat.report_plan
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v_plan migstat.report_plan;
BEGIN
    v_plan := migstat.report_fine_cells(p_plan);
    PERFORM set_config('jit', 'off', true);
    IF pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('256MB') THEN
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v_plan := migstat.report_categories(v_plan);
    PERFORM migstat.report_cube(v_plan);
    PERFORM migstat.report_suppression(v_plan);
    -- Statistics for the output query's join (without them the planner guesses billions of rows
    -- and sorts the whole table three times).
    ANALYZE migstat_rep_sup;
    RETURN v_plan;
END
$$;
ALTER FUNCTION migstat.report_tables(p_plan migstat.report_plan) OWNER TO migstat_owner;
CREATE FUNCTION migstat.report_threshold(p_special boolean, p_requested integer) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
    SELECT greatest(coalesce(p_requested, 0),
                    (SELECT value::integer FROM migstat.setting WHERE key = 'threshold'),
                    CASE WHEN p_special THEN (SELECT value::integer FROM migstat.setting WHERE key = 'threshold_special') END,
                    1)
$$;
ALTER FUNCTION migstat.report_threshold(p_special boolean, p_requested integer) OWNER TO migstat_owner;
CREATE FUNCTION migstat.require_compartment(p_purpose text, p_kind text) RETURNS migstat.purpose
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v migstat.purpose;
BEGIN
    SELECT * INTO v FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404',
            HINT = 'migstat purpose list shows the declared purposes; an administrator declares one with migstat purpose add';
    END IF;
    IF v.status = 'purged' THEN
        RAISE EXCEPTION 'purpose "%" has been purged', p_purpose USING ERRCODE = 'MS410';
    END IF;
    IF NOT migstat.caller_is(migstat.compartment_role(v.name, p_kind)) THEN
        IF p_kind = 'special' THEN
            RAISE EXCEPTION 'permission denied: % is not cleared for the special-category columns of purpose %',
                session_user, p_purpose USING ERRCODE = 'insufficient_privilege',
                HINT = format('an administrator can run: migstat access grant %s steward --purpose %s --special-category',
                              session_user, p_purpose);
        END IF;
        RAISE EXCEPTION 'permission denied: % is not a % of purpose %', session_user,
            CASE p_kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p_purpose
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s %s --purpose %s', session_user,
                                CASE p_kind WHEN 'load' THEN 'loader' ELSE 'steward' END, p_purpose);
    END IF;
    RETURN v;
END
$$;
ALTER FUNCTION migstat.require_compartment(p_purpose text, p_kind text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.require_report_reader() RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
BEGIN
    IF NOT (migstat.caller_is('migstat_analyst') OR migstat.caller_is('migstat_steward')
            OR migstat.caller_is('migstat_admin')) THEN
        RAISE EXCEPTION 'permission denied: % is not an analyst, a steward or an admin: reports are theirs', session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s analyst', session_user);
    END IF;
END
$$;
ALTER FUNCTION migstat.require_report_reader() OWNER TO migstat_owner;
CREATE FUNCTION migstat.require_role(p_role name) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_kind text := CASE WHEN p_role::text LIKE 'migstat\_%' THEN substr(p_role, 9) ELSE p_role::text END;
BEGIN
    IF NOT migstat.caller_is(p_role) THEN
        RAISE EXCEPTION 'permission denied: % is not %', session_user,
            CASE WHEN v_kind ~ '^[aeiou]' THEN 'an ' ELSE 'a ' END || v_kind
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('an administrator can run: migstat access grant %s %s%s', session_user, v_kind,
                                CASE WHEN v_kind IN ('loader', 'steward') THEN ' --purpose PURPOSE' ELSE '' END);
    END IF;
END
$$;
ALTER FUNCTION migstat.require_role(p_role name) OWNER TO migstat_owner;
CREATE FUNCTION migstat.retire_table(p_purpose text, p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
DECLARE
    v_p  migstat.purpose;
    v_id integer;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT migstat.caller_edits_programme(v_p.name) THEN
        RAISE EXCEPTION 'permission denied: % may not retire tables of purpose "%"', session_user, p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_p.status <> 'active' THEN
        RAISE EXCEPTION 'purpose "%" is %: its programme is frozen', p_purpose, v_p.status USING ERRCODE = 'MS410';
    END IF;
    UPDATE migstat.declared_table SET retired_at = now(), retired_by = session_user
     WHERE purpose_id = v_p.id AND name = p_name AND retired_at IS NULL
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'purpose "%" has no active table "%"', p_purpose, p_name USING ERRCODE = 'MS404';
    END IF;
    PERFORM migstat.audit('table.retire', jsonb_build_object('table', p_name), v_p.id);
END
$$;
ALTER FUNCTION migstat.retire_table(p_purpose text, p_name text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.table_audit(p_purpose text, p_table text) RETURNS TABLE(cell_dims text[], value bigint, status text, lower_bound bigint, upper_bound bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_p    migstat.purpose;
    v_t    migstat.declared_table;
    v_run  bigint;
    v_cert jsonb;
BEGIN
    SELECT * INTO v_p FROM migstat.purpose WHERE name = p_purpose;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" is not declared', p_purpose USING ERRCODE = 'MS404';
    END IF;
    IF NOT (migstat.caller_is('migstat_auditor')
            OR (migstat.caller_is('migstat_steward') AND migstat.caller_is(migstat.compartment_role(v_p.name, 'read')))) THEN
        RAISE EXCEPTION 'permission denied: only auditors and the stewards of purpose "%" see how its tables are protected', p_purpose
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO v_t FROM migstat.declared_table d WHERE d.purpose_id = v_p.id AND d.name = p_table AND d.retired_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purpose "%" has no declared table "%"', p_purpose, p_table USING ERRCODE = 'MS404';
    END IF;
    v_run := migstat.programme_latest(v_p.id, v_t.id);
    v_cert := (SELECT r.method -> 'certificates' FROM migstat.programme_run r WHERE r.id = v_run);
    RETURN QUERY
        SELECT c.cell_dims, c.v, CASE c.status WHEN 'A' THEN 'primary' ELSE 'secondary' END,
               CASE WHEN c.status = 'A' THEN c.v - (v_cert -> c.k::text ->> 'down')::bigint END,
               CASE WHEN c.status = 'A' THEN c.v + (v_cert -> c.k::text ->> 'up')::bigint END
          FROM migstat.programme_table_cells(v_run, v_t.id) c
         WHERE c.status IN ('A', 'D');
    PERFORM migstat.audit('table.audit', jsonb_build_object('table', p_table, 'run', v_run), v_p.id);
END
$$;
ALTER FUNCTION migstat.table_audit(p_purpose text, p_table text) OWNER TO migstat_owner;
CREATE FUNCTION migstat.withdraw_batch(p_batch_id integer, p_reason text) RETURNS migstat.batch
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'migstat', 'pg_temp'
    SET row_security TO 'on'
    AS $$
DECLARE
    v migstat.batch;
    v_purpose migstat.purpose;
    v_rng     text;
    v_ids     integer[];
    v_srcs    smallint[];
    v_los     text[];
    v_his     text[];
BEGIN
    SELECT * INTO v FROM migstat.batch WHERE id = p_batch_id FOR UPDATE;
    IF NOT FOUND OR v.status <> 'loaded' THEN
        RAISE EXCEPTION 'no loaded batch %', p_batch_id USING ERRCODE = 'MS404';
    END IF;
    SELECT * INTO v_purpose FROM migstat.purpose WHERE id = v.purpose_id;
    IF NOT (migstat.caller_is('migstat_admin')
            OR (migstat.caller_is('migstat_loader') AND migstat.caller_is(migstat.compartment_role(v_purpose.name, 'load')))) THEN
        RAISE EXCEPTION 'permission denied: % is not a loader of purpose %, which batch % belongs to', session_user,
            v_purpose.name, p_batch_id USING ERRCODE = 'insufficient_privilege',
            HINT = format('an administrator can withdraw it, or run: migstat access grant %s loader --purpose %s',
                          session_user, v_purpose.name);
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'a reason is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM migstat.drop_record_storage(ARRAY['batch_' || p_batch_id]);   -- the purge's code path
    v_rng := 'record_id_ranges_' || v.purpose_id;
    IF to_regclass(format('migstat_data.%I', v_rng)) IS NOT NULL THEN
        SELECT array_agg(r.batch_id), array_agg(r.source_id), array_agg(r.lo), array_agg(r.hi)
          INTO v_ids, v_srcs, v_los, v_his
          FROM migstat.record_id_range r WHERE r.purpose_id = v.purpose_id AND r.batch_id <> p_batch_id;
        PERFORM migstat.drop_record_storage(ARRAY[v_rng]);
        PERFORM migstat.record_id_ranges(v.purpose_id);
        INSERT INTO migstat.record_id_range (purpose_id, batch_id, source_id, lo, hi)
        SELECT v.purpose_id, x.b, x.s, x.l, x.h FROM unnest(v_ids, v_srcs, v_los, v_his) AS x(b, s, l, h);
    END IF;
    UPDATE migstat.batch SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = session_user,
                             withdraw_reason = p_reason
     WHERE id = p_batch_id RETURNING * INTO v;
    PERFORM migstat.audit('batch.withdraw', jsonb_build_object('batch', v.id, 'reason', p_reason,
                          'records_removed', v.accepted), v.purpose_id, v.id);
    RETURN v;
END
$$;
ALTER FUNCTION migstat.withdraw_batch(p_batch_id integer, p_reason text) OWNER TO migstat_owner;
CREATE FUNCTION migstat_super.checkpoint() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    CHECKPOINT;
END
$$;
ALTER FUNCTION migstat_super.checkpoint() OWNER TO postgres;
CREATE TABLE migstat.setting (
    key text NOT NULL,
    value text NOT NULL
);
ALTER TABLE migstat.setting OWNER TO migstat_owner;
CREATE VIEW migstat.access WITH (security_barrier='true') AS
 WITH RECURSIVE membership(member, roleid) AS (
         SELECT m.member,
            m.roleid
           FROM pg_auth_members m
        UNION
         SELECT m.member,
            x.roleid
           FROM (pg_auth_members m
             JOIN membership x ON ((x.member = m.roleid)))
        ), tag AS (
         SELECT setting.value
           FROM migstat.setting
          WHERE (setting.key = 'instance_tag'::text)
        )
 SELECT u.rolname AS login,
    substr((g.rolname)::text, 9) AS role,
    NULL::text AS purpose,
    NULL::text AS access
   FROM ((membership x
     JOIN pg_roles u ON (((u.oid = x.member) AND u.rolcanlogin)))
     JOIN pg_roles g ON ((g.oid = x.roleid)))
  WHERE (g.rolname = ANY (ARRAY['migstat_loader'::name, 'migstat_analyst'::name, 'migstat_steward'::name, 'migstat_auditor'::name, 'migstat_admin'::name]))
UNION ALL
 SELECT u.rolname AS login,
        CASE k.kind
            WHEN 'load'::text THEN 'loader'::text
            ELSE 'steward'::text
        END AS role,
    p.name AS purpose,
    k.kind AS access
   FROM ((((membership x
     JOIN pg_roles u ON (((u.oid = x.member) AND u.rolcanlogin)))
     JOIN pg_roles g ON ((g.oid = x.roleid)))
     CROSS JOIN ( VALUES ('load'::text), ('read'::text), ('special'::text)) k(kind))
     JOIN migstat.purpose p ON ((g.rolname = migstat.compartment_role(p.name, k.kind))));
ALTER TABLE migstat.access OWNER TO migstat_owner;
CREATE TABLE migstat.audit_pending (
    seq bigint NOT NULL
);
ALTER TABLE migstat.audit_pending OWNER TO migstat_owner;
CREATE SEQUENCE migstat.audit_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER TABLE migstat.audit_seq OWNER TO migstat_owner;
CREATE TABLE migstat.audit_tree (
    level smallint NOT NULL,
    idx bigint NOT NULL,
    hash bytea NOT NULL,
    seq bigint,
    sealed_at timestamp with time zone,
    CONSTRAINT audit_tree_check CHECK (((level = 0) = (seq IS NOT NULL))),
    CONSTRAINT audit_tree_hash_check CHECK ((octet_length(hash) = 32)),
    CONSTRAINT audit_tree_idx_check CHECK ((idx >= 0)),
    CONSTRAINT audit_tree_level_check CHECK (((level >= 0) AND (level <= 62)))
);
ALTER TABLE migstat.audit_tree OWNER TO migstat_owner;
ALTER TABLE migstat.batch ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.batch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE migstat.source (
    id smallint NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT source_name_check CHECK ((name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'::text))
);
ALTER TABLE migstat.source OWNER TO migstat_owner;
CREATE VIEW migstat.batches WITH (security_barrier='true') AS
 SELECT b.id,
    s.name AS source,
    p.name AS purpose,
    b.file_name,
    b.sha256,
    b.rows_read,
    b.accepted,
    b.rejected,
    b.status,
    b.imported_at,
    b.imported_by,
    b.withdrawn_at,
    b.withdrawn_by,
    b.withdraw_reason,
    b.profile_sha256
   FROM ((migstat.batch b
     JOIN migstat.source s ON ((s.id = b.source_id)))
     JOIN migstat.purpose p ON ((p.id = b.purpose_id)));
ALTER TABLE migstat.batches OWNER TO migstat_owner;
CREATE TABLE migstat.code (
    dimension text NOT NULL,
    id smallint NOT NULL,
    code text NOT NULL,
    label text NOT NULL,
    parent text,
    level smallint DEFAULT 1 NOT NULL,
    sort_order integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT code_code_check CHECK ((code = upper(code))),
    CONSTRAINT code_id_check CHECK ((id > 0))
);
ALTER TABLE migstat.code OWNER TO migstat_owner;
COMMENT ON TABLE migstat.code IS 'Code lists (ISO 3166-1/-2, ICAO 9303, ISCO-08, SDMX CL_SEX, ICMW art. 2, Washington Group, national ethnicity list)';
CREATE TABLE migstat.code_label (
    dimension text NOT NULL,
    code text NOT NULL,
    lang text NOT NULL,
    label text NOT NULL,
    CONSTRAINT code_label_label_check CHECK ((label <> ''::text)),
    CONSTRAINT code_label_lang_check CHECK (((lang ~ '^[a-z]{2,3}$'::text) AND (lang <> 'en'::text)))
);
ALTER TABLE migstat.code_label OWNER TO migstat_owner;
COMMENT ON TABLE migstat.code_label IS 'Labels of codes in languages other than English (the English label is migstat.code.label)';
CREATE TABLE migstat.declared_table (
    id integer NOT NULL,
    purpose_id smallint NOT NULL,
    name text NOT NULL,
    title text NOT NULL,
    dims text[] NOT NULL,
    filters jsonb DEFAULT '{}'::jsonb NOT NULL,
    age_bands text,
    period_unit text,
    declared_at timestamp with time zone DEFAULT now() NOT NULL,
    declared_by name DEFAULT SESSION_USER NOT NULL,
    retired_at timestamp with time zone,
    retired_by name,
    CONSTRAINT declared_table_filters_check CHECK ((jsonb_typeof(filters) = 'object'::text)),
    CONSTRAINT declared_table_name_check CHECK ((name ~ '^[a-z][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT declared_table_period_unit_check CHECK ((period_unit = ANY (ARRAY['year'::text, 'quarter'::text, 'month'::text]))),
    CONSTRAINT declared_table_title_check CHECK ((length(btrim(title)) > 0))
);
ALTER TABLE migstat.declared_table OWNER TO migstat_owner;
COMMENT ON TABLE migstat.declared_table IS 'Output programme: tables declared per purpose, published with exact counts and joint suppression';
ALTER TABLE migstat.declared_table ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.declared_table_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE migstat.dimension (
    name text NOT NULL,
    ord smallint NOT NULL,
    code_list text,
    is_record_column boolean NOT NULL,
    is_required boolean NOT NULL,
    is_special_category boolean NOT NULL,
    is_paragraph20 boolean NOT NULL,
    only_occurring_codes boolean NOT NULL,
    sdmx_id text NOT NULL,
    label text NOT NULL,
    unknown_codes text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT dimension_name_check CHECK ((name ~ '^[a-z][a-z_]*$'::text))
);
ALTER TABLE migstat.dimension OWNER TO migstat_owner;
COMMENT ON TABLE migstat.dimension IS 'The dimension catalogue (written by migstat db init from DimensionCatalog.swift)';
CREATE TABLE migstat.estimate (
    id bigint NOT NULL,
    purpose_id smallint NOT NULL,
    source_id smallint NOT NULL,
    period_from date NOT NULL,
    period_to date NOT NULL,
    dims jsonb DEFAULT '{}'::jsonb NOT NULL,
    value numeric NOT NULL,
    lower_bound numeric,
    upper_bound numeric,
    method text NOT NULL,
    source_reference text,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    loaded_by name DEFAULT SESSION_USER NOT NULL,
    file_id bigint,
    CONSTRAINT estimate_check CHECK ((period_from <= period_to)),
    CONSTRAINT estimate_check1 CHECK (((value >= (0)::numeric) AND (COALESCE(lower_bound, (0)::numeric) >= (0)::numeric))),
    CONSTRAINT estimate_check2 CHECK (((lower_bound IS NULL) OR (lower_bound <= value))),
    CONSTRAINT estimate_check3 CHECK (((upper_bound IS NULL) OR (value <= upper_bound))),
    CONSTRAINT estimate_dims_check CHECK ((jsonb_typeof(dims) = 'object'::text)),
    CONSTRAINT estimate_method_check CHECK ((length(btrim(method)) > 0))
);
ALTER TABLE migstat.estimate OWNER TO migstat_owner;
COMMENT ON TABLE migstat.estimate IS 'Estimates (studies, other sources) shown in reports flagged OBS_STATUS E; dims: {dimension: code}, a missing dimension = total';
CREATE TABLE migstat.estimate_file (
    id bigint NOT NULL,
    purpose_id smallint NOT NULL,
    source_id smallint NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    estimates integer NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by name DEFAULT SESSION_USER NOT NULL,
    withdrawn_at timestamp with time zone,
    withdrawn_by name,
    withdraw_reason text,
    CONSTRAINT estimate_file_check CHECK (((status = 'withdrawn'::text) = ((withdrawn_at IS NOT NULL) AND (withdrawn_by IS NOT NULL) AND (withdraw_reason IS NOT NULL)))),
    CONSTRAINT estimate_file_estimates_check CHECK ((estimates >= 0)),
    CONSTRAINT estimate_file_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT estimate_file_status_check CHECK ((status = ANY (ARRAY['active'::text, 'withdrawn'::text])))
);
ALTER TABLE migstat.estimate_file OWNER TO migstat_owner;
COMMENT ON TABLE migstat.estimate_file IS 'One import of an estimates file: SHA-256 of its content (refused again while active), count, who and when; withdrawn with who, when and why';
ALTER TABLE migstat.estimate_file ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.estimate_file_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE migstat.estimate ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.estimate_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE SEQUENCE migstat.extract_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER TABLE migstat.extract_seq OWNER TO migstat_owner;
CREATE SEQUENCE migstat.import_call_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER TABLE migstat.import_call_seq OWNER TO migstat_owner;
CREATE TABLE migstat.profile (
    id integer NOT NULL,
    source_id smallint NOT NULL,
    version integer NOT NULL,
    profile text NOT NULL,
    sha256 text NOT NULL,
    registered_by name DEFAULT SESSION_USER NOT NULL,
    registered_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT profile_check CHECK ((sha256 = encode(sha256(convert_to(profile, 'UTF8'::name)), 'hex'::text))),
    CONSTRAINT profile_profile_check CHECK (((length(profile) >= 1) AND (length(profile) <= 1048576))),
    CONSTRAINT profile_version_check CHECK ((version > 0))
);
ALTER TABLE migstat.profile OWNER TO migstat_owner;
COMMENT ON TABLE migstat.profile IS 'mapping profiles of the sources, every version (the highest is current)';
ALTER TABLE migstat.profile ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.profile_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE migstat.programme_cell (
    run_id bigint NOT NULL,
    k bigint NOT NULL,
    v bigint,
    status "char" NOT NULL,
    cost real,
    CONSTRAINT programme_cell_status_check CHECK ((status = ANY (ARRAY['F'::"char", 'A'::"char", 'D'::"char"])))
);
ALTER TABLE migstat.programme_cell OWNER TO migstat_owner;
CREATE TABLE migstat.programme_run (
    id bigint NOT NULL,
    purpose_id smallint NOT NULL,
    tables integer[] NOT NULL,
    batches integer[] NOT NULL,
    batch_sha256 text[] NOT NULL,
    dims text[] NOT NULL,
    age_bands text,
    period_unit text,
    threshold integer NOT NULL,
    threshold_special integer NOT NULL,
    labels text[] NOT NULL,
    key_offset integer[] NOT NULL,
    key_mask bigint[] NOT NULL,
    method jsonb NOT NULL,
    info_loss jsonb NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    computed_by name DEFAULT SESSION_USER NOT NULL,
    seconds numeric
);
ALTER TABLE migstat.programme_run OWNER TO migstat_owner;
ALTER TABLE migstat.programme_run ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.programme_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE migstat.ptable (
    pcv smallint NOT NULL,
    ckey_lo smallint NOT NULL,
    ckey_hi smallint NOT NULL,
    pvalue smallint NOT NULL,
    CONSTRAINT ptable_check CHECK (((0 <= ckey_lo) AND (ckey_lo <= ckey_hi) AND (ckey_hi <= 255))),
    CONSTRAINT ptable_check1 CHECK (((pcv + pvalue) >= 0)),
    CONSTRAINT ptable_pcv_check CHECK (((pcv >= 0) AND (pcv <= 750)))
);
ALTER TABLE migstat.ptable OWNER TO migstat_owner;
COMMENT ON TABLE migstat.ptable IS 'Cell-key perturbation table (ONS layout, cell-key ranges); see Docs/PTABLE.md';
CREATE TABLE migstat.purge (
    id bigint NOT NULL,
    purpose_id smallint NOT NULL,
    executed_at timestamp with time zone DEFAULT now() NOT NULL,
    executed_by name DEFAULT SESSION_USER NOT NULL,
    batches jsonb NOT NULL,
    rows_dropped bigint NOT NULL,
    relations text[] NOT NULL,
    files text[] NOT NULL,
    preserved_run bigint,
    verified_at timestamp with time zone,
    verification jsonb
);
ALTER TABLE migstat.purge OWNER TO migstat_owner;
CREATE TABLE migstat.purge_check (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    run_by name DEFAULT SESSION_USER NOT NULL,
    due text[] NOT NULL,
    purged text[] NOT NULL,
    failed jsonb DEFAULT '{}'::jsonb NOT NULL
);
ALTER TABLE migstat.purge_check OWNER TO migstat_owner;
ALTER TABLE migstat.purge_check ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.purge_check_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE migstat.purge ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.purge_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE migstat.purpose ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.purpose_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE SEQUENCE migstat.read_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER TABLE migstat.read_seq OWNER TO migstat_owner;
CREATE TABLE migstat.record_id_range (
    purpose_id smallint NOT NULL,
    batch_id integer NOT NULL,
    source_id smallint NOT NULL,
    lo text NOT NULL COLLATE pg_catalog."C",
    hi text NOT NULL COLLATE pg_catalog."C"
)
PARTITION BY LIST (purpose_id);
ALTER TABLE ONLY migstat.record_id_range FORCE ROW LEVEL SECURITY;
ALTER TABLE migstat.record_id_range OWNER TO migstat_owner;
COMMENT ON TABLE migstat.record_id_range IS 'Smallest and largest record_id of each loaded batch (record-level: dropped with its purpose). Access only via migstat functions.';
CREATE TABLE migstat.records (
    purpose_id smallint NOT NULL,
    source_id smallint NOT NULL,
    batch_id integer NOT NULL,
    line_no integer NOT NULL,
    event_date date NOT NULL,
    direction smallint NOT NULL,
    sex smallint NOT NULL,
    age smallint,
    nationality smallint NOT NULL,
    country smallint,
    region smallint,
    reason smallint,
    occupation smallint,
    worker_category smallint,
    ethnicity smallint,
    migration_status smallint NOT NULL,
    disability smallint,
    record_id text NOT NULL,
    person_pseudonym bytea,
    record_key smallint DEFAULT (floor((migstat.record_key_draw() * (256)::double precision)))::smallint NOT NULL
)
PARTITION BY LIST (purpose_id);
ALTER TABLE ONLY migstat.records FORCE ROW LEVEL SECURITY;
ALTER TABLE migstat.records OWNER TO migstat_owner;
COMMENT ON TABLE migstat.records IS 'Record-level migration-flow events (personal data). Access only via migstat functions.';
CREATE TABLE migstat.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    applied_by name DEFAULT SESSION_USER NOT NULL
);
ALTER TABLE migstat.schema_migrations OWNER TO migstat_owner;
CREATE TABLE migstat.schema_objects (
    path text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    applied_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT schema_objects_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);
ALTER TABLE migstat.schema_objects OWNER TO migstat_owner;
ALTER TABLE migstat.source ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME migstat.source_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE ONLY migstat.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);
ALTER TABLE ONLY migstat.audit_pending
    ADD CONSTRAINT audit_pending_pkey PRIMARY KEY (seq);
ALTER TABLE ONLY migstat.audit_tree
    ADD CONSTRAINT audit_tree_pkey PRIMARY KEY (level, idx);
ALTER TABLE ONLY migstat.batch
    ADD CONSTRAINT batch_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.code
    ADD CONSTRAINT code_dimension_code_key UNIQUE (dimension, code);
ALTER TABLE ONLY migstat.code_label
    ADD CONSTRAINT code_label_pkey PRIMARY KEY (dimension, code, lang);
ALTER TABLE ONLY migstat.code
    ADD CONSTRAINT code_pkey PRIMARY KEY (dimension, id);
ALTER TABLE ONLY migstat.declared_table
    ADD CONSTRAINT declared_table_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.declared_table
    ADD CONSTRAINT declared_table_purpose_id_name_key UNIQUE (purpose_id, name);
ALTER TABLE ONLY migstat.dimension
    ADD CONSTRAINT dimension_ord_key UNIQUE (ord);
ALTER TABLE ONLY migstat.dimension
    ADD CONSTRAINT dimension_pkey PRIMARY KEY (name);
ALTER TABLE ONLY migstat.estimate_file
    ADD CONSTRAINT estimate_file_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.estimate
    ADD CONSTRAINT estimate_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.profile
    ADD CONSTRAINT profile_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.profile
    ADD CONSTRAINT profile_source_id_version_key UNIQUE (source_id, version);
ALTER TABLE ONLY migstat.programme_cell
    ADD CONSTRAINT programme_cell_pkey PRIMARY KEY (run_id, k);
ALTER TABLE ONLY migstat.programme_run
    ADD CONSTRAINT programme_run_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.ptable
    ADD CONSTRAINT ptable_pkey PRIMARY KEY (pcv, ckey_lo);
ALTER TABLE ONLY migstat.purge_check
    ADD CONSTRAINT purge_check_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.purge
    ADD CONSTRAINT purge_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.purpose
    ADD CONSTRAINT purpose_key_id_key UNIQUE (key_id);
ALTER TABLE ONLY migstat.purpose
    ADD CONSTRAINT purpose_name_key UNIQUE (name);
ALTER TABLE ONLY migstat.purpose
    ADD CONSTRAINT purpose_pkey PRIMARY KEY (id);
ALTER TABLE ONLY migstat.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);
ALTER TABLE ONLY migstat.schema_objects
    ADD CONSTRAINT schema_objects_pkey PRIMARY KEY (path);
ALTER TABLE ONLY migstat.setting
    ADD CONSTRAINT setting_pkey PRIMARY KEY (key);
ALTER TABLE ONLY migstat.source
    ADD CONSTRAINT source_name_key UNIQUE (name);
ALTER TABLE ONLY migstat.source
    ADD CONSTRAINT source_pkey PRIMARY KEY (id);
CREATE INDEX audit_log_actor_action ON migstat.audit_log USING btree (actor, action, seq);
CREATE INDEX audit_log_at ON migstat.audit_log USING btree (at);
CREATE UNIQUE INDEX audit_tree_seq ON migstat.audit_tree USING btree (seq) WHERE (level = 0);
CREATE UNIQUE INDEX batch_live_sha256 ON migstat.batch USING btree (purpose_id, sha256) WHERE (status = ANY (ARRAY['loading'::text, 'loaded'::text]));
CREATE INDEX estimate_file_id ON migstat.estimate USING btree (file_id);
CREATE UNIQUE INDEX estimate_file_sha256 ON migstat.estimate_file USING btree (sha256) WHERE (status = 'active'::text);
CREATE INDEX estimate_period ON migstat.estimate USING btree (period_from, period_to);
CREATE INDEX programme_run_purpose ON migstat.programme_run USING btree (purpose_id, id);
CREATE UNIQUE INDEX purge_once ON migstat.purge USING btree (purpose_id);
CREATE TRIGGER audit_log_insert_guard BEFORE INSERT ON migstat.audit_log FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON migstat.audit_log FOR EACH STATEMENT EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE TRIGGER audit_log_no_update BEFORE DELETE OR UPDATE ON migstat.audit_log FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE TRIGGER audit_pending_guard BEFORE INSERT OR DELETE OR UPDATE ON migstat.audit_pending FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
CREATE TRIGGER audit_tree_insert_guard BEFORE INSERT ON migstat.audit_tree FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_insert_guard();
CREATE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON migstat.audit_tree FOR EACH STATEMENT EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE TRIGGER audit_tree_no_update BEFORE DELETE OR UPDATE ON migstat.audit_tree FOR EACH ROW EXECUTE FUNCTION migstat.audit_log_immutable();
CREATE TRIGGER batch_profile BEFORE INSERT ON migstat.batch FOR EACH ROW EXECUTE FUNCTION migstat.batch_profile();
ALTER TABLE ONLY migstat.batch
    ADD CONSTRAINT batch_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
ALTER TABLE ONLY migstat.batch
    ADD CONSTRAINT batch_source_id_fkey FOREIGN KEY (source_id) REFERENCES migstat.source(id);
ALTER TABLE ONLY migstat.code_label
    ADD CONSTRAINT code_label_dimension_code_fkey FOREIGN KEY (dimension, code) REFERENCES migstat.code(dimension, code);
ALTER TABLE ONLY migstat.declared_table
    ADD CONSTRAINT declared_table_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
ALTER TABLE ONLY migstat.estimate
    ADD CONSTRAINT estimate_file_id_fkey FOREIGN KEY (file_id) REFERENCES migstat.estimate_file(id);
ALTER TABLE ONLY migstat.estimate_file
    ADD CONSTRAINT estimate_file_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
ALTER TABLE ONLY migstat.estimate_file
    ADD CONSTRAINT estimate_file_source_id_fkey FOREIGN KEY (source_id) REFERENCES migstat.source(id);
ALTER TABLE ONLY migstat.estimate
    ADD CONSTRAINT estimate_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
ALTER TABLE ONLY migstat.estimate
    ADD CONSTRAINT estimate_source_id_fkey FOREIGN KEY (source_id) REFERENCES migstat.source(id);
ALTER TABLE ONLY migstat.profile
    ADD CONSTRAINT profile_source_id_fkey FOREIGN KEY (source_id) REFERENCES migstat.source(id);
ALTER TABLE ONLY migstat.programme_cell
    ADD CONSTRAINT programme_cell_run_id_fkey FOREIGN KEY (run_id) REFERENCES migstat.programme_run(id) ON DELETE CASCADE;
ALTER TABLE ONLY migstat.programme_run
    ADD CONSTRAINT programme_run_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
ALTER TABLE ONLY migstat.purge
    ADD CONSTRAINT purge_preserved_run_fkey FOREIGN KEY (preserved_run) REFERENCES migstat.programme_run(id);
ALTER TABLE ONLY migstat.purge
    ADD CONSTRAINT purge_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES migstat.purpose(id);
CREATE POLICY owner_only ON migstat.record_id_range TO migstat_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_only ON migstat.records TO migstat_owner USING (true) WITH CHECK (true);
ALTER TABLE migstat.record_id_range ENABLE ROW LEVEL SECURITY;
ALTER TABLE migstat.records ENABLE ROW LEVEL SECURITY;
ACL function migstat."extract"(text,text,text[],jsonb) migstat_steward EXECUTE
ACL function migstat.access_grant(name,text,text[],boolean) migstat_admin EXECUTE
ACL function migstat.access_revoke(name,text,text[],boolean) migstat_admin EXECUTE
ACL function migstat.audit_escalation_risks() migstat_admin EXECUTE
ACL function migstat.audit_escalation_risks() migstat_auditor EXECUTE
ACL function migstat.audit_payload(migstat.audit_log) migstat_auditor EXECUTE
ACL function migstat.audit_root(bigint) migstat_auditor EXECUTE
ACL function migstat.audit_seal(boolean) migstat_admin EXECUTE
ACL function migstat.audit_seal(boolean) migstat_analyst EXECUTE
ACL function migstat.audit_seal(boolean) migstat_auditor EXECUTE
ACL function migstat.audit_seal(boolean) migstat_loader EXECUTE
ACL function migstat.audit_seal(boolean) migstat_steward EXECUTE
ACL function migstat.audit_verify() migstat_auditor EXECUTE
ACL function migstat.batch_columns(integer,text[]) migstat_loader EXECUTE
ACL function migstat.begin_batch(text,text,text,text,text) migstat_loader EXECUTE
ACL function migstat.check_batch(integer,text[]) migstat_loader EXECUTE
ACL function migstat.compartment_role(text,text) migstat_admin EXECUTE
ACL function migstat.compartment_role(text,text) migstat_auditor EXECUTE
ACL function migstat.coverage(date,date,text) migstat_admin EXECUTE
ACL function migstat.coverage(date,date,text) migstat_analyst EXECUTE
ACL function migstat.coverage(date,date,text) migstat_steward EXECUTE
ACL function migstat.coverage_sent(date,date,text) migstat_admin EXECUTE
ACL function migstat.coverage_sent(date,date,text) migstat_analyst EXECUTE
ACL function migstat.coverage_sent(date,date,text) migstat_steward EXECUTE
ACL function migstat.declare_table(text,text,text,text[],jsonb,text,text) migstat_admin EXECUTE
ACL function migstat.declare_table(text,text,text,text[],jsonb,text,text) migstat_steward EXECUTE
ACL function migstat.declared_report(text,text) migstat_admin EXECUTE
ACL function migstat.declared_report(text,text) migstat_analyst EXECUTE
ACL function migstat.declared_report(text,text) migstat_steward EXECUTE
ACL function migstat.declared_tables(text) migstat_admin EXECUTE
ACL function migstat.declared_tables(text) migstat_analyst EXECUTE
ACL function migstat.declared_tables(text) migstat_auditor EXECUTE
ACL function migstat.declared_tables(text) migstat_steward EXECUTE
ACL function migstat.estimates_import(text,text,jsonb,text,text) migstat_loader EXECUTE
ACL function migstat.estimates_list(text) migstat_admin EXECUTE
ACL function migstat.estimates_list(text) migstat_analyst EXECUTE
ACL function migstat.estimates_list(text) migstat_auditor EXECUTE
ACL function migstat.estimates_list(text) migstat_loader EXECUTE
ACL function migstat.estimates_list(text) migstat_steward EXECUTE
ACL function migstat.estimates_withdraw(bigint,text) migstat_admin EXECUTE
ACL function migstat.estimates_withdraw(bigint,text) migstat_loader EXECUTE
ACL function migstat.extract_gaps() migstat_auditor EXECUTE
ACL function migstat.finish_batch(integer,integer,integer) migstat_loader EXECUTE
ACL function migstat.key_destroyed(uuid,text,text) migstat_admin EXECUTE
ACL function migstat.key_destroyed(uuid,text,text) migstat_analyst EXECUTE
ACL function migstat.key_destroyed(uuid,text,text) migstat_auditor EXECUTE
ACL function migstat.key_destroyed(uuid,text,text) migstat_loader EXECUTE
ACL function migstat.key_destroyed(uuid,text,text) migstat_steward EXECUTE
ACL function migstat.load_code_labels(text,text,text[],text[]) migstat_admin EXECUTE
ACL function migstat.load_codes(text,text[],text[],text[],smallint[],boolean) migstat_admin EXECUTE
ACL function migstat.my_access() migstat_admin EXECUTE
ACL function migstat.my_access() migstat_analyst EXECUTE
ACL function migstat.my_access() migstat_auditor EXECUTE
ACL function migstat.my_access() migstat_loader EXECUTE
ACL function migstat.my_access() migstat_steward EXECUTE
ACL function migstat.profile_add(text,text,boolean) migstat_admin EXECUTE
ACL function migstat.profiles(text,boolean) migstat_admin EXECUTE
ACL function migstat.profiles(text,boolean) migstat_auditor EXECUTE
ACL function migstat.profiles(text,boolean) migstat_loader EXECUTE
ACL function migstat.programme_info_loss(text) migstat_admin EXECUTE
ACL function migstat.programme_info_loss(text) migstat_auditor EXECUTE
ACL function migstat.programme_info_loss(text) migstat_steward EXECUTE
ACL function migstat.programme_release(text) migstat_admin EXECUTE
ACL function migstat.programme_release(text) migstat_steward EXECUTE
ACL function migstat.programme_releases(text) migstat_admin EXECUTE
ACL function migstat.programme_releases(text) migstat_analyst EXECUTE
ACL function migstat.programme_releases(text) migstat_auditor EXECUTE
ACL function migstat.programme_releases(text) migstat_steward EXECUTE
ACL function migstat.purge_execute(text) migstat_admin EXECUTE
ACL function migstat.purge_plan(text,boolean) migstat_admin EXECUTE
ACL function migstat.purge_plan(text,boolean) migstat_auditor EXECUTE
ACL function migstat.purge_status() migstat_admin EXECUTE
ACL function migstat.purge_status() migstat_analyst EXECUTE
ACL function migstat.purge_status() migstat_auditor EXECUTE
ACL function migstat.purge_status() migstat_steward EXECUTE
ACL function migstat.purge_verify(bigint) migstat_admin EXECUTE
ACL function migstat.purpose_add(text,text,text) migstat_admin EXECUTE
ACL function migstat.purpose_end(text,text) migstat_admin EXECUTE
ACL function migstat.purpose_extend(text,date,text) migstat_admin EXECUTE
ACL function migstat.purpose_key(text,text) migstat_admin EXECUTE
ACL function migstat.purposes() migstat_admin EXECUTE
ACL function migstat.purposes() migstat_analyst EXECUTE
ACL function migstat.purposes() migstat_auditor EXECUTE
ACL function migstat.purposes() migstat_loader EXECUTE
ACL function migstat.purposes() migstat_steward EXECUTE
ACL function migstat.read_gaps() migstat_auditor EXECUTE
ACL function migstat.record_key_draw() migstat_loader EXECUTE
ACL function migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean) migstat_admin EXECUTE
ACL function migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean) migstat_analyst EXECUTE
ACL function migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean) migstat_steward EXECUTE
ACL function migstat.report_cells(text[],jsonb,date,date,text,text,text,integer) migstat_admin EXECUTE
ACL function migstat.report_cells(text[],jsonb,date,date,text,text,text,integer) migstat_analyst EXECUTE
ACL function migstat.report_cells(text[],jsonb,date,date,text,text,text,integer) migstat_steward EXECUTE
ACL function migstat.retire_table(text,text) migstat_admin EXECUTE
ACL function migstat.retire_table(text,text) migstat_steward EXECUTE
ACL function migstat.table_audit(text,text) migstat_auditor EXECUTE
ACL function migstat.table_audit(text,text) migstat_steward EXECUTE
ACL function migstat.withdraw_batch(integer,text) migstat_admin EXECUTE
ACL function migstat.withdraw_batch(integer,text) migstat_loader EXECUTE
ACL relation migstat.access migstat_admin SELECT
ACL relation migstat.access migstat_auditor SELECT
ACL relation migstat.audit_log migstat_auditor SELECT
ACL relation migstat.audit_pending migstat_auditor SELECT
ACL relation migstat.audit_tree migstat_auditor SELECT
ACL relation migstat.batch migstat_admin SELECT
ACL relation migstat.batch migstat_auditor SELECT
ACL relation migstat.batch migstat_loader SELECT
ACL relation migstat.batch migstat_steward SELECT
ACL relation migstat.batches migstat_admin SELECT
ACL relation migstat.batches migstat_auditor SELECT
ACL relation migstat.batches migstat_loader SELECT
ACL relation migstat.batches migstat_steward SELECT
ACL relation migstat.code migstat_admin SELECT
ACL relation migstat.code migstat_analyst SELECT
ACL relation migstat.code migstat_auditor SELECT
ACL relation migstat.code migstat_loader SELECT
ACL relation migstat.code migstat_steward SELECT
ACL relation migstat.code_label migstat_admin SELECT
ACL relation migstat.code_label migstat_analyst SELECT
ACL relation migstat.code_label migstat_auditor SELECT
ACL relation migstat.code_label migstat_loader SELECT
ACL relation migstat.code_label migstat_steward SELECT
ACL relation migstat.dimension migstat_admin SELECT
ACL relation migstat.dimension migstat_analyst SELECT
ACL relation migstat.dimension migstat_auditor SELECT
ACL relation migstat.dimension migstat_loader SELECT
ACL relation migstat.dimension migstat_steward SELECT
ACL relation migstat.profile migstat_admin SELECT
ACL relation migstat.profile migstat_auditor SELECT
ACL relation migstat.profile migstat_loader SELECT
ACL relation migstat.purpose migstat_admin SELECT
ACL relation migstat.purpose migstat_analyst SELECT
ACL relation migstat.purpose migstat_auditor SELECT
ACL relation migstat.purpose migstat_loader SELECT
ACL relation migstat.purpose migstat_steward SELECT
ACL relation migstat.records migstat_pgaudit DELETE
ACL relation migstat.records migstat_pgaudit INSERT
ACL relation migstat.records migstat_pgaudit SELECT
ACL relation migstat.records migstat_pgaudit UPDATE
ACL relation migstat.schema_migrations migstat_admin SELECT
ACL relation migstat.schema_migrations migstat_auditor SELECT
ACL relation migstat.schema_objects migstat_admin SELECT
ACL relation migstat.schema_objects migstat_auditor SELECT
ACL relation migstat.setting migstat_admin SELECT
ACL relation migstat.setting migstat_analyst SELECT
ACL relation migstat.setting migstat_auditor SELECT
ACL relation migstat.setting migstat_loader SELECT
ACL relation migstat.setting migstat_steward SELECT
ACL relation migstat.source migstat_admin SELECT
ACL relation migstat.source migstat_analyst SELECT
ACL relation migstat.source migstat_auditor SELECT
ACL relation migstat.source migstat_loader SELECT
ACL relation migstat.source migstat_steward SELECT
ACL schema migstat migstat_admin USAGE
ACL schema migstat migstat_analyst USAGE
ACL schema migstat migstat_auditor USAGE
ACL schema migstat migstat_loader USAGE
ACL schema migstat migstat_steward USAGE
ACL schema migstat_data migstat_loader USAGE
