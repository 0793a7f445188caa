-- For loader sessions (access suite): rows to import are written with codes (pg_temp.rows_in), turned into
-- code ids from migstat.code (which loaders may read) by copy_rows.sql.
CREATE TEMP TABLE rows_in (
    line_no int, record_id text, event_date text, direction text, sex text, age int, nationality text,
    country text, region text, reason text, occupation text, worker_category text, ethnicity text,
    migration_status text, disability text, person text);
-- '#n' stands for the raw id n (to send a code that is not in the list).
CREATE FUNCTION pg_temp.code_id(p_dimension text, p_code text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_code IS NULL THEN ''
                WHEN p_code LIKE '#%' THEN substr(p_code, 2)
                ELSE (SELECT id::text FROM migstat.code WHERE dimension = p_dimension AND code = p_code) END
$$;
