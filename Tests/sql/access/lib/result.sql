-- After a query run with \gset that sets `pass` (boolean) and optionally `info` (text): passes
-- when the query succeeded and pass is true. Needs :d.
\o
\set _st :SQLSTATE
SELECT :'_st' = '00000' AS _ran \gset
\if :{?pass}
\else
\set _ran false
\endif
\if :_ran
\if :pass
\set _m 'ok - ' :d
\else
\set _m 'not ok - ' :d
\endif
\if :{?info}
\set _m :_m ' (' :info ')'
\endif
\else
\set _m 'not ok - ' :d ' [query failed: sqlstate ' :_st ']'
\endif
\echo :_m
\unset pass
\unset info
