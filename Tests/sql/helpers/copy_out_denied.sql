-- A COPY ... TO STDOUT probe, which PL/pgSQL cannot run (so pg_temp.denied cannot): runs :probe
-- in psql itself, output discarded, and emits one pgTAP check named :d that passes when the COPY
-- failed with SQLSTATE 42501 or copied no row. Needs ON_ERROR_ROLLBACK on inside a transaction.
--   \set probe 'COPY ' :rel ' TO STDOUT'
--   \set d :who ': COPY ' :rel ' TO STDOUT'
--   \ir ../helpers/copy_out_denied.sql
\set ON_ERROR_STOP 0
\o /dev/null
:probe;
\o
\set ON_ERROR_STOP 1
SELECT ok(x.pass, :'d') || CASE WHEN x.pass THEN '' ELSE E'\n' || diag(x.info) END
  FROM (SELECT :'SQLSTATE' = '42501' OR (:'SQLSTATE' = '00000' AND :ROW_COUNT = 0) AS pass,
               '    SQLSTATE ' || :'SQLSTATE' || ', ' || :ROW_COUNT || ' row(s) copied (want 42501 or no row)' AS info) x;
