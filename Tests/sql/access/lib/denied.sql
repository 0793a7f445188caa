-- After a probe run with its output sent to :out (\o :out): passes when the probe failed with
-- SQLSTATE 42501, or succeeded without printing or affecting a single row. Needs :d (the check).
\o
\set _st :SQLSTATE
\set _rc :ROW_COUNT
\set _n `wc -l < :out`
SELECT (:'_st' = '42501' OR (:'_st' = '00000' AND :_n = 0 AND :_rc = 0)) AS _pass \gset
\if :_pass
\set _m 'ok - ' :d
\else
\set _m 'not ok - ' :d ' [sqlstate ' :_st ', ' :_n ' lines out, ' :_rc ' rows]'
\endif
\echo :_m
