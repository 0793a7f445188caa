-- As a loader: a closed purpose takes no new batch; another key than the purpose's is refused.
\ir ../helpers/tap.sql
SELECT plan(3);
SELECT throws_like($$SELECT * FROM migstat.begin_batch('src', 'gone', 'late.csv', repeat('a', 64))$$,
                   'purpose "gone" is closed: it takes no new batches', 'a closed purpose takes no batch');
SELECT lives_ok($$SELECT * FROM migstat.begin_batch('src', 'stays', 'k1.csv', repeat('b', 64), repeat('1', 64))$$,
                'the first import registers the key fingerprint');
SELECT throws_like($$SELECT * FROM migstat.begin_batch('src', 'stays', 'k2.csv', repeat('c', 64), repeat('2', 64))$$,
                   'the pseudonym key on this machine is not the key of purpose "stays"', 'another key is refused');
SELECT * FROM finish();
