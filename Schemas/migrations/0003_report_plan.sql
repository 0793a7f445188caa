-- migstat 0003: the plan that migstat.report's phases hand each other (functions/reports/report*.sql).
--
SET LOCAL ROLE migstat_owner;
CREATE TYPE migstat.report_plan AS (
    dims                text[],     -- dimensions in output order ('period' last when a unit adds it)
    period_unit         text,       -- year | quarter | month; NULL without a period dimension
    occupation_level    integer,    -- ISCO-08 level 1-4 of the occupation categories
    counting            text,       -- records | persons
    filters             jsonb,      -- the filters as given ('{}' for none)
    period_from         date,
    period_to           date,
    age_bands           text,       -- the band list as given (NULL = Eurostat five-year bands)
    threshold_requested integer,    -- p_threshold as given
    threshold           integer,    -- K: cells 1..K-1 are suppressed
    with_estimates      boolean,
    band_labels         text[],     -- age band labels by band number
    age_expr            text,       -- scan expression: age band number (0 = not stated)
    dim_expr            text[],     -- per dimension: scan expression of its group value
    where_sql           text[],     -- conditions on migstat.records r, all ANDed
    filter_groups       jsonb,      -- filtered dimension -> group values it lists
    filter_codes        jsonb,      -- filtered dimension -> codes (audit, estimates)
    multi               boolean,    -- persons: some span several fine cells (migstat_rep_mraw)
    ncat                integer[],  -- per dimension: number of categories
    key_bits            integer[],  -- per dimension: bits of its index in the cell key
    key_offset          integer[],  -- per dimension: lowest bit of its index
    key_mask            bigint[],   -- per dimension: its bits in the cell key
    labels              text[],     -- per dimension: '{_T,code1,...}' in index order
    key_map             text[],     -- per dimension: '[lo:hi]={...}' group value -> index << offset
    key_expr            text,       -- the key of a row of group values g1..gd
    cells               numeric     -- cells of the full table, zero cells included
);
