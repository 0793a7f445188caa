-- As the superuser: a dry run (purge_plan, for one purpose and for the due ones) changes nothing
-- (every row of every migstat table and the roles before and after); a purge of a purpose that is
-- neither ended nor due is refused.
\ir ../helpers/tap.sql
SELECT plan(5);
SELECT t.state() AS before \gset
SELECT is((SELECT rows_to_drop FROM migstat.purge_plan('gone')), 900::bigint, 'the plan counts the loaded rows');
SELECT is((SELECT declared_tables_kept FROM migstat.purge_plan('gone')), ARRAY['sex_dir'], 'the plan names the declared tables kept');
SELECT is((SELECT count(*) FROM migstat.purge_plan(p_due => true)), 0::bigint, 'nothing is due yet');
SELECT is(t.state(), :'before', 'a dry run changes nothing: every row of every table, and the roles');
SELECT throws_like($$SELECT migstat.purge_execute('gone')$$, 'purpose "gone" is not due before %', 'an active purpose that is not due is not purged');
SELECT * FROM finish();
