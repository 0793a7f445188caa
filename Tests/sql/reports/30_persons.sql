-- Counting persons: count(DISTINCT person_pseudonym) per cell, each record without a pseudonym
-- counting as one person. Fixture persons: a0-a19 (2 entries each, then 1 exit each: F, UZB,
-- age 25), b0-b9 (3 entries each in 2023, M 30), b0-b4 again (3 entries each in 2024, M 33,
-- source labour), c0-c2, d0-d1, e0-e24, f0-f7, g0-g1 one record each; 12 + 6 records without
-- a pseudonym.
\ir ../helpers/tap.sql
SELECT plan(10);
SELECT t.thresholds(1, 1) \gset

SELECT is(t.show(ARRAY['sex'], p_count => 'persons'), '{_T}=88 {F}=53 {M}=27 {_O}=0 {_U}=8', 'persons by sex (records: F 93, M 62)');
SELECT is(
    t.show(ARRAY['sex', 'direction'], p_count => 'persons'), '{_T,_T}=88 {_T,IN}=66 {_T,OUT}=42 {F,_T}=53 {F,IN}=53 {F,OUT}=20 {M,_T}=27 {M,IN}=13 {M,OUT}=14 '
    '{_O,_T}=0 {_O,IN}=0 {_O,OUT}=0 {_U,_T}=8 {_U,IN}=0 {_U,OUT}=8', 'persons: margins are distinct counts, not sums (a0-a19 entered and left)');
SELECT is(t.show(ARRAY['sex'], '{"sex": ["M"]}', p_unit => 'year', p_count => 'persons'), '{_T,_T}=27 {_T,2023}=10 {_T,2024}=22 {M,_T}=27 {M,2023}=10 {M,2024}=22', 'persons by year: b0-b4 counted in 2023 and in 2024, once in the total (no range: the years that occur)');
SELECT is(
    t.show(ARRAY['sex', 'age'], '{"nationality": ["UZB"], "age": ["Y25-29", "Y30-34"]}', p_count => 'persons'), '{_T,_T}=30 {_T,Y25-29}=20 {_T,Y30-34}=10 {F,_T}=20 {F,Y25-29}=20 {F,Y30-34}=0 {M,_T}=10 {M,Y25-29}=0 {M,Y30-34}=10 '
    '{_O,_T}=0 {_O,Y25-29}=0 {_O,Y30-34}=0 {_U,_T}=0 {_U,Y25-29}=0 {_U,Y30-34}=0', 'persons whose records stay in one cell: a single fine cell each');
SELECT is(t.show(ARRAY[]::text[], '{"age": ["_Z"]}', p_count => 'persons'), '{}=12', 'persons: records without a pseudonym count one each');

SELECT t.check_report('reference persons, K=1: sex x direction x nationality', 1, ARRAY['sex', 'direction', 'nationality'],
                      p_count => 'persons');
SELECT t.check_report('reference persons, K=1: source x sex x period (quarter)', 1, ARRAY['source', 'sex'],
                      p_unit => 'quarter', p_count => 'persons');
SELECT t.check_report('reference persons, K=1: no dimension', 1, ARRAY[]::text[], p_count => 'persons');
SELECT t.thresholds(5, 10) \gset
SELECT t.check_report('reference persons, K=5: direction x age x nationality', 5, ARRAY['direction', 'age', 'nationality'],
                      p_count => 'persons');
SELECT t.check_report('reference persons, K=10: migration_status x sex x year', 10, ARRAY['migration_status', 'sex'],
                      p_unit => 'year', p_count => 'persons');

SELECT * FROM finish();
