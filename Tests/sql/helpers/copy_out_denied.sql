-- A COPY ... TO STDOUT probe, which PL/pgSQL cannot run (so pg_temp.denied cannot): runs :probe
-- in psql itself with its output written to the file :copyout, and emits one pgTAP check named :d
-- that passes when the COPY failed with SQLSTATE 42501, or succeeded and wrote no line. (psql 15
-- leaves :ROW_COUNT at 0 after COPY ... TO STDOUT, so the lines written are counted instead.)
-- Needs ON_ERROR_ROLLBACK on inside a transaction, and :copyout (the scripts set it).
--   \set probe 'COPY ' :rel ' TO STDOUT'
--   \set d :who ': COPY ' :rel ' TO STDOUT'
--   \ir ../helpers/copy_out_denied.sql
\set ON_ERROR_STOP 0
\o :copyout
:probe;
\o
\set ON_ERROR_STOP 1
\set _copied `wc -l < :copyout`
SELECT ok(x.pass, :'d') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag(x.info) END
  FROM (SELECT :'SQLSTATE' = '42501' OR (:'SQLSTATE' = '00000' AND :_copied = 0) AS pass,
               '    SQLSTATE ' || :'SQLSTATE' || ', ' || :_copied || ' line(s) copied (want 42501 or none)' AS info) x;
