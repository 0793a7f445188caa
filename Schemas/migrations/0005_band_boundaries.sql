-- migstat 0005: where a flexible table's custom age bands may start (issue 9, the zero-difference
-- oracle). Cell-key perturbation gives the same records the same value in every table, so two
-- tables whose bands differ by one year of age publish equal cells exactly when nobody is of that
-- age: with bands that may start anywhere, the difference of two admissible tables would tell
-- whether any single year of age is empty. Bands that start only on a grid (multiples of five
-- and the national boundaries listed here) make every such difference a band of the grid, which a
-- flexible table may show directly anyway.
SET LOCAL ROLE migstat_owner;
INSERT INTO migstat.setting (key, value) VALUES
    ('flexible_band_boundaries', '15,18')   -- besides multiples of 5: ages where a custom band may start
ON CONFLICT (key) DO NOTHING;
