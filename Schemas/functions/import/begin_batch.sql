-- Starts an import (step 1 of 4, all in the loader's one transaction):
--   1. begin_batch registers the batch and creates its empty table migstat_data.batch_<id> (no
--      CHECK constraint: check_batch checks every row once), on which the caller gets INSERT only,
--      on the columns migstat sends (not purpose_id, batch_id, source_id, record_key);
--      the table is new in this transaction, so the COPY may use FREEZE. Its columns are those of
--      migstat.records, NOT NULLs and defaults included, with one difference of order: record_key
--      comes right after batch_id, among the fixed-width columns that are never NULL, instead of
--      last (where 0004 added it), after record_id and person_pseudonym. A perturbed report sums
--      the record keys in its scan, and a key stored after the two variable-length columns has to
--      be found by walking every column before it in every row: in the benchmark's 3-dimension
--      table that cost 0.3-0.4 s of a 1.7 s scan of 10M records, and 0.1 s in this order. (A
--      partition may order its columns differently from its parent; every statement that reads or
--      writes a batch table names its columns.);
--   2. COPY migstat_data.batch_<id> (...) FROM STDIN: rows validated and encoded by migstat;
--   3. check_batch: every row against the code lists, the record store's CHECKs and the batch's
--      purpose, batch and source, in one query; duplicates within the batch and against the
--      earlier batches of the compartment (source within purpose);
--   4. finish_batch: accounting, seal, attach as a partition, audit row (refused unless 3 ran).
-- Killed at any point, the transaction rolls back and nothing of the batch exists. Imports of one
-- compartment run one at a time (advisory lock), so duplicate checks see every earlier batch; two
-- purposes never wait for each other. Holds a SHARE lock on migstat.code until the import ends, so
-- the lists migstat validates with (read after this call) are the ones check_batch enforces.
-- Every call (also one refused or rolled back) writes the server-log line
--   migstat import call N: user=<session_user> call=begin_batch args=<source, purpose, file, sha256> db=<database>
-- with N from migstat.import_call_seq (not transactional); the batch's audit row carries N.
-- The file's SHA-256 is unique among the live batches of the purpose (another purpose's files are
-- neither seen nor blocked).
-- p_key_fingerprint: HMAC-SHA256(key, 'migstat key fingerprint v1') of the key migstat will
-- pseudonymise with; a purpose whose key is registered (migstat.purpose_key) refuses any other, and
-- one without gets this one registered (its first import).
CREATE OR REPLACE FUNCTION migstat.begin_batch(p_source text, p_purpose text, p_file_name text, p_sha256 text,
                                    p_key_fingerprint text DEFAULT NULL,
                                    OUT batch_id integer, OUT table_name text, OUT key_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
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
$$;
