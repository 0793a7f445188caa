-- Passes when the statement just run ended with SQLSTATE :want (00000 = success). Needs :d.
\o
\set _st :SQLSTATE
SELECT :'_st' = :'want' AS _pass \gset
\if :_pass
\set _m 'ok - ' :d
\else
\set _m 'not ok - ' :d ' [expected sqlstate ' :want ', got ' :_st ']'
\endif
\echo :_m
