-- Record-level rows of one purpose, for a steward with that purpose's `read` compartment: the only
-- way record-level rows leave the database. Checks the connected user (session_user): a steward and
-- not an administrator (separation of duties), a reason, the purpose's `read` compartment and, when
-- a special-category column is shown or filtered on, its `special` compartment. The rows are
-- computed first (a PL/pgSQL set-returning function materialises its whole result), then the audit
-- row `extract` is written in the same transaction. A caller who rolls its transaction back after
-- reading the rows also rolls the audit row back; so every extract that passed its checks draws a
-- number from migstat.extract_seq (not transactional) and logs "migstat: extract #n ..." at LOG
-- level, and migstat.extract_gaps() lists the numbers with no committed audit row. Besides, like
-- every read, each call draws a read number first thing after the role check (migstat.read_begin:
-- server-log line "migstat read N: ..." with the purpose, columns and filters -- never the reason,
-- free text that could name a person --; refused in a transaction that has written data), so a
-- refused call (no reason, no compartment, bad filter) is recorded too; the audit row carries
-- "read": N and migstat.read_gaps() lists the reads without one.
--   p_purpose  the purpose's name
--   p_reason   why (at least 10 characters, 5 of them letters); stored in the audit log
--   p_columns  the columns wanted (names of the result columns); NULL = every column except
--              person_pseudonym and the special-category ones. Columns not asked for come back
--              NULL. ethnicity, disability, migration_status need the `special` compartment.
--   p_filters  {"sex": ["F"], "nationality": ["UZB"], "event_date_from": "2024-01-01",
--               "event_date_to": "2024-12-31", "age_from": 18, "age_to": 64, "batch_id": [3, 4], ...}
--              code filters: direction, sex, nationality, country, region, reason, occupation,
--              worker_category, and (special compartment) ethnicity, migration_status, disability.
-- Errors: 42501 not a steward / an administrator / no compartment; 22023 no reason, unknown
-- column, bad filter; MS404 purpose not declared; MS410 purpose purged.
CREATE OR REPLACE FUNCTION migstat.extract(p_purpose text, p_reason text, p_columns text[] DEFAULT NULL,
                                p_filters jsonb DEFAULT '{}')
RETURNS TABLE (batch_id integer, line_no integer, record_id text, person_pseudonym text, event_date date,
               direction text, sex text, age smallint, nationality text, country text, region text,
               reason text, occupation text, worker_category text, ethnicity text, migration_status text,
               disability text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp SET row_security = on AS $$
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
