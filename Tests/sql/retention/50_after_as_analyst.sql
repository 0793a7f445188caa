-- As an analyst, after the purge: the preserved declared table is there; any other table of the
-- purged purpose is refused with a clear message; the purpose list shows it purged.
\ir ../helpers/tap.sql
SELECT plan(4);
SELECT ok((SELECT count(*) FROM migstat.declared_report('gone', 'sex_dir')) = 15, 'the preserved declared table is readable');
SELECT throws_like($$SELECT * FROM migstat.report(ARRAY['sex'], '{"purpose": ["gone"]}')$$, 'purpose "gone" was purged on %: its records are gone',
                   'an ad-hoc table of the purged purpose is refused');
SELECT is((SELECT status FROM migstat.purposes() WHERE name = 'gone'), 'purged', 'purposes(): purged (readable by an analyst)');
SELECT is((SELECT count(*) FROM migstat.purge_status() WHERE NOT ok), 0::bigint, 'purge status: nothing overdue, nothing unverified');
SELECT * FROM finish();
