-- As an administrator: a purpose's life. Extending past the declared rule needs a reason; ending
-- needs one; a closed purpose takes no batch and cannot be extended; purposes() shows the state.
\ir ../helpers/tap.sql
SELECT plan(8);
SELECT throws_like($$SELECT migstat.purpose_extend('stays', current_date + 3000)$$, '%goes past its rule "5 years"%: a reason is required',
                   'extending past the rule without a reason is refused');
SELECT lives_ok($$SELECT migstat.purpose_extend('stays', current_date + 3000, 'court order 123/2026')$$, 'with a reason it is recorded');
SELECT is((SELECT retain_until FROM migstat.purposes() WHERE name = 'stays'), current_date + 3000, 'the new date');
SELECT throws_like($$SELECT migstat.purpose_end('gone', ' ')$$, 'ending purpose "gone" needs a reason', 'ending needs a reason');
SELECT lives_ok($$SELECT migstat.purpose_end('gone', 'the 2024 report was delivered')$$, 'end the purpose');
SELECT is((SELECT status || ' ' || days_left FROM migstat.purposes() WHERE name = 'gone'), 'closed 0', 'closed, due today');
SELECT throws_like($$SELECT migstat.purpose_extend('gone', current_date + 10, 'x')$$, '%is closed: its retention cannot be extended',
                   'a closed purpose is not extended');
SELECT is((SELECT count(*) FROM migstat.purge_plan(p_due => true) WHERE purpose = 'gone' AND blocker IS NULL), 1::bigint,
          'its purge is due');
SELECT * FROM finish();
