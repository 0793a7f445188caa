-- As the loader of purpose B, after A's loader stored, in A, the record_ids B sends now (same
-- source name, 21_loader.sql "squatting"): B's genuine batch is stored whole. Duplicates are
-- looked for within the compartment (source within purpose) only, so A can neither block B's
-- records nor learn, by a check_batch rolled back, which record_ids B holds.
\ir ../helpers/tap.sql
\ir ../helpers/loader.sql
SELECT plan(5);
INSERT INTO rows_in SELECT g, 'SQ' || g, '2024-10-02', 'OUT', 'M', 40, 'UZB', 'UZB', 'KG-GB', 'OCC', NULL, 'OTHER', NULL, 'REG', NULL, 'person-b-sq' || g
  FROM generate_series(1, 10) g;
BEGIN;
SELECT batch_id AS b2_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pb', 'b-squat.csv', encode(sha256(convert_to(:'run' || '/b-squat', 'UTF8')), 'hex')) \gset
\ir ../helpers/copy_rows.sql
SELECT is(:ROW_COUNT, 10, 'loader_b: COPY the ten record_ids A stored in its own purpose');
SELECT is_empty(format('SELECT * FROM migstat.check_batch(%s)', :b2_id), 'loader_b: none is "already stored" (A''s records are another compartment)');
SELECT ok(accepted = 10 AND rejected = 0, 'loader_b: B''s batch is stored whole (10 accepted)') FROM migstat.finish_batch(:b2_id, 10, 0);
COMMIT;
-- The same file content as another purpose's batch is not "already imported" either.
BEGIN;
SELECT lives_ok(format($$SELECT * FROM migstat.begin_batch('acc-border', %L, 'squat-copy.csv', %L)$$, :'pb',
                encode(sha256(convert_to(:'run' || '/squat', 'UTF8')), 'hex')),
                'loader_b: begin_batch of a file whose SHA-256 a batch of A has (not refused, nothing revealed)');
ROLLBACK;
SELECT ok(status = 'withdrawn', 'loader_b: withdraws the batch again (the later files count B''s first batch only)') FROM migstat.withdraw_batch(:b2_id, 'test: squatting check done');
SELECT * FROM finish();
