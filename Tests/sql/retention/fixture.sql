-- Retention test data (Scripts/test-sql-retention.sh, as the superuser, -v prefix=<login prefix>):
-- purposes "gone" (to be ended and purged: two loaded batches, one unfinished import, a declared
-- table released) and "stays" (untouched), the logins' grants, and schema t with the helpers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA t;
GRANT USAGE ON SCHEMA t TO PUBLIC;
SELECT migstat.purpose_add('gone', 'retention tests: purged', '5 years');
SELECT migstat.purpose_add('stays', 'retention tests: kept', '5 years');
SELECT migstat.purpose_add('crash', 'retention tests: a purge killed half-way', '5 years');
SELECT migstat.access_grant(:'prefix' || 'loader', 'loader', ARRAY['gone', 'stays']);
SELECT migstat.access_grant(:'prefix' || 'analyst', 'analyst');
SELECT migstat.access_grant(:'prefix' || 'auditor', 'auditor');

-- n records of purpose p through the loader path (begin_batch, INSERT, finish_batch).
CREATE FUNCTION t.load(p text, n integer, p_finish boolean DEFAULT true) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE b integer;
BEGIN
    SELECT batch_id INTO b FROM migstat.begin_batch('src', p, p || '.csv',
        encode(sha256(convert_to(p || n || clock_timestamp()::text, 'UTF8')), 'hex'));
    EXECUTE format($q$INSERT INTO migstat_data.%I (line_no, record_id, event_date, direction, sex, age, nationality,
                                                    migration_status, person_pseudonym)
        SELECT i, %L || i, date '2024-01-01' + i %% 365, 1 + i %% 2, CASE WHEN i %% 250 = 0 THEN (SELECT id FROM migstat.code WHERE dimension = 'sex' AND code = '_U') ELSE 1 + (i %% 7 = 0)::int END, 18 + i %% 50,
               (SELECT id FROM migstat.code WHERE dimension = 'country' AND code = 'UZB'), 1,
               sha256(convert_to(%L || i, 'UTF8'))
          FROM generate_series(1, %s) i$q$, 'batch_' || b, p || n || '-', p || n, n);
    IF p_finish THEN
        PERFORM migstat.finish_batch(b, n, 0);
    END IF;
    RETURN b;
END
$$;
SELECT t.load('gone', 600), t.load('gone', 300), t.load('stays', 200), t.load('crash', 400);
-- An import of "gone" that never finished (committed after begin_batch: a staging leftover).
SELECT t.load('gone', 7, false);
SELECT migstat.declare_table('gone', 'sex_dir', 'By sex and direction', ARRAY['sex', 'direction']);
SELECT migstat.programme_release('gone');

-- Every row of every migstat table, as text, for "a dry run changes nothing".
CREATE FUNCTION t.state() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; v text := ''; n text;
BEGIN
    FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
              WHERE s.nspname IN ('migstat', 'migstat_data') AND c.relkind IN ('r', 'p') ORDER BY 1 LOOP
        EXECUTE format('SELECT md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM %s x', ',', '', r.t) INTO n;
        v := v || r.t || '=' || n || ' ';
    END LOOP;
    RETURN v || (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'migstat%');
END
$$;
