-- migstat 0013: the cost weight of withholding a margin in secondary suppression goes from 0.5 to
-- 0.3 (setting protection_cost_margin; residual 0.1 and interior 1 unchanged), where it is still
-- the shipped 0.5 (an office that chose its own weight keeps it).
-- Why: with the demo's five batches (3,503 records) two small residual cells in one age column of
-- the sex x age pyramid (other sex 2, unknown sex 3, aged 18-24) can be protected only by a
-- substantive cell of the same column (Female 18-24, 193) or by the column's total together with
-- the grand total, which the programme's other table shares. At 0.5 the programme withheld the
-- Female cell, at 0.3 the totals: every Female and Male age group that is not itself small is
-- published again, and the withheld interior value falls in both declared tables (sex x age 209 to
-- 62, migration status x disability 1,625 to 1,413) for one and two more withheld margins
-- (Benchmarks/README.md, "Information loss"). Below 0.3 the same data loses the row totals of
-- migration status (how many irregular migrants, how many asylum seekers) instead of residual cells.
-- Releases already made keep what they withheld and published (programme_compute).
SET LOCAL ROLE migstat_owner;

UPDATE migstat.setting SET value = '0.3' WHERE key = 'protection_cost_margin' AND value = '0.5';
INSERT INTO migstat.setting (key, value) VALUES ('protection_cost_margin', '0.3') ON CONFLICT (key) DO NOTHING;
