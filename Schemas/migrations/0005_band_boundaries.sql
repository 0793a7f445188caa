-- migstat 0005: where a flexible table's custom age bands may start (issue 9, the zero-difference
-- oracle). Cell-key perturbation gives the same records the same value in every table, so two
-- tables whose bands differ by one year of age publish equal cells exactly when nobody is of that
-- age: with bands that may start anywhere, the difference of two admissible tables would tell
-- whether any single year of age is empty. Bands that start only on a grid (multiples of five
-- and the national boundaries listed here) make every such difference a band of the grid, which a
-- flexible table may show directly anyway.
-- And bands come from a catalogue (flexible_age_bands, sets separated by ';', besides the default
-- five-year bands): every other way of writing the same age group as a difference of two bands
-- has noise of its own, and an attacker who may choose bands freely can average the noise away.
-- For the same reason a filter fixes one code (a union of codes is a new set of records, and
-- {A, x} - {x} over many x averages the noise of A away) and a period is whole calendar years
-- (Jan..k - Feb..k over many k likewise); months and codes are shown as dimensions instead.
SET LOCAL ROLE migstat_owner;
INSERT INTO migstat.setting (key, value) VALUES
    ('flexible_band_boundaries', '15,18'),  -- besides multiples of 5: ages where a custom band may start
    ('flexible_age_bands', '0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+;0-17,18-64,65+;0-14,15-64,65+'),
    ('flexible_filter_codes', '1'),         -- codes a flexible table's filter may list per dimension
    ('flexible_period', 'year')             -- a flexible table's period range: whole years (or: month)
ON CONFLICT (key) DO NOTHING;
