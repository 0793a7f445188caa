-- As the loader of purpose A: withdraws its squatting batch (21_loader.sql, 22_load_b_after.sql),
-- so the later files count A's batches of 21_loader.sql only; the purpose's record_id ranges are
-- rewritten without it.
\ir ../helpers/tap.sql
SELECT plan(1);
SELECT id AS sq_id FROM migstat.batch WHERE file_name = 'squat.csv' AND status = 'loaded' \gset
SELECT ok(status = 'withdrawn', 'loader: withdraws its squatting batch') FROM migstat.withdraw_batch(:sq_id, 'test: squatting check done');
SELECT * FROM finish();
