-- As an auditor: how the declared tables of "flows" are protected (primary and secondary cells,
-- certified intervals, information loss); auditors read no table itself.
\ir ../helpers/tap.sql
SELECT plan(4);

SELECT ok((SELECT count(*) FROM migstat.table_audit('flows', 'sex_age') WHERE status = 'primary') > 0,
          'an auditor sees the primary cells of a declared table');
SELECT is((SELECT count(*) FROM migstat.table_audit('flows', 'sex_age') WHERE status = 'primary' AND upper_bound IS NOT NULL
             AND upper_bound < value + 4), 0::bigint, 'an auditor sees each certified interval reach value + K - 1');
SELECT ok((SELECT count(*) FROM migstat.programme_info_loss('flows')) >= 3, 'an auditor sees the information loss');
SELECT throws_ok($$SELECT * FROM migstat.declared_report('flows', 'sex_age')$$, '42501', NULL,
                 'an auditor does not read the tables themselves');

SELECT * FROM finish();
