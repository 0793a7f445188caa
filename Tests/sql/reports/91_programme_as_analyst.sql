-- As an analyst (a login granted only migstat_analyst, through psql): declared tables of the
-- fixture's purpose "flows" (declared by 90_programme.sql) are readable with exact counts and
-- public flags only; nothing about how they are protected, and no way to change the programme.
\ir ../helpers/tap.sql
SELECT plan(12);

SELECT ok((SELECT count(*) FROM migstat.declared_report('flows', 'sex_age')) = 50, 'an analyst runs a declared table');
SELECT is((SELECT array_agg(DISTINCT conf_status ORDER BY conf_status) FROM migstat.declared_report('flows', 'sex_age')),
          ARRAY['C', 'F'], 'an analyst sees F and C, never which withheld cell was primary');
SELECT ok((SELECT count(*) FROM migstat.declared_tables('flows') WHERE name = 'sex_age' AND withheld > 0) = 1,
          'an analyst lists the programme, with how many cells are withheld');
SELECT throws_ok($$SELECT migstat.declare_table('flows', 'mine', 'Mine', ARRAY['sex'])$$, '42501', NULL,
                 'an analyst may not declare tables');
SELECT throws_ok($$SELECT migstat.retire_table('flows', 'sex_age')$$, '42501', NULL, 'an analyst may not retire tables');
SELECT throws_ok($$SELECT migstat.programme_release('flows')$$, '42501', NULL, 'an analyst may not release a programme');
SELECT throws_ok($$SELECT * FROM migstat.table_audit('flows', 'sex_age')$$, '42501', NULL,
                 'an analyst may not see primary cells or certificates');
SELECT throws_ok($$SELECT * FROM migstat.programme_info_loss('flows')$$, '42501', NULL,
                 'an analyst may not see withheld values');
SELECT throws_ok($$SELECT * FROM migstat.programme_cell$$, '42501', NULL, 'programme cells are not readable');
SELECT throws_ok($$SELECT * FROM migstat.programme_run$$, '42501', NULL, 'programme runs are not readable');
SELECT throws_ok($$SELECT * FROM migstat.declared_table$$, '42501', NULL, 'the programme table is read through functions');

-- Padding: a transaction that has written anything (here a temp table) may not read a table.
CREATE FUNCTION pg_temp.padded() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE pad (x integer);
    RETURN (SELECT count(*) FROM migstat.declared_report('flows', 'sex_age'));
END
$$;
SELECT throws_like($$SELECT pg_temp.padded()$$, '%has not written%', 'a declared table read in a transaction that has written is refused');

SELECT * FROM finish();
