-- After a query that prints its own `ok - ` / `not ok - ` lines: prints a failing line if the
-- query itself failed (so a broken check never disappears silently). Needs :d.
\o
\set _st :SQLSTATE
SELECT :'_st' <> '00000' AS _failed \gset
\if :_failed
\set _m 'not ok - ' :d ' [query failed: sqlstate ' :_st ']'
\echo :_m
\endif
