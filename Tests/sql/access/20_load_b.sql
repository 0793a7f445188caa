-- As the loader of purpose B: import one batch into B (begin_batch -> COPY -> check_batch ->
-- finish_batch). Same source as A's batches, so A's loader later meets these record_ids.
\ir ../helpers/tap.sql
\ir ../helpers/loader.sql
SELECT plan(4);
INSERT INTO rows_in VALUES
 (1, 'B1', '2024-01-20', 'IN',  'F', 30, 'UZB', 'UZB', 'KG-GB', 'OCC',  '9',  'SEASONAL',   'UZBEK',   'IRR',      'NODIS', 'person-b1'),
 (2, 'B2', '2024-02-21', 'OUT', 'M', 45, 'KGZ', 'RUS', 'KG-C',  'OCC',  '7',  'OTHER',      'KYRGYZ',  'REG',      'DIS',   'person-b2'),
 (3, 'B3', '2024-03-22', 'IN',  'F', 19, 'TJK', 'TJK', 'KG-B',  'EDUC', NULL, 'NOT_WORKER', 'TAJIK',   'ASY_APPL', 'NODIS', 'person-b3'),
 (4, 'B4', '2024-04-23', 'IN',  'M', 60, 'AFG', 'AFG', 'KG-O',  'ASY',  NULL, 'NOT_WORKER', 'OTH',     'REF',      'UNK',   NULL);

BEGIN;
SELECT batch_id AS b1_id, 'batch_' || batch_id AS copy_table
  FROM migstat.begin_batch('acc-border', :'pb', 'b1.csv', encode(sha256(convert_to(:'run' || '/b1', 'UTF8')), 'hex')) \gset
SELECT ok(:b1_id > 0, 'loader_b: begin_batch in B');
\ir ../helpers/copy_rows.sql
SELECT is(:ROW_COUNT, 4, 'loader_b: COPY rows into its batch table');
SELECT is_empty(format('SELECT * FROM migstat.check_batch(%s)', :b1_id), 'loader_b: check_batch finds nothing to reject');
SELECT ok(accepted = 4 AND status = 'loaded', 'loader_b: finish_batch seals the batch (4 accepted)') FROM migstat.finish_batch(:b1_id, 4, 0);
COMMIT;

SELECT * FROM finish();
