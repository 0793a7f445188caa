-- Synthetic data of the disclosure-control attacks (Scripts/test-sql-disclosure.sh), run with psql
-- as the superuser after migstat db init, with -v analyst=, steward=, admin=, auditor=, padder= <logins>.
-- Not a test: it checks nothing. Shaped like issue 9: ~5,000 border crossings of one year (2024),
-- single-year ages 0-90, ten nationalities, a few records of unknown sex, the special categories
-- (migration status with IRR / asylum seekers / refugees / stateless, disability, ethnicity).
-- Fixed seed (setseed), so every run has the same records; record_key is left to the database's
-- default, as an import leaves it. Purpose "mig" holds the 5,000; purpose "other" a few records
-- (the steward's only compartment).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA dcx;   -- superuser only (no grant): the loader helper and the generated rows

SELECT migstat.purpose_add('mig', 'disclosure attacks: border crossings 2024', '5 years');
SELECT migstat.purpose_add('other', 'disclosure attacks: the steward''s compartment', '5 years');
SELECT migstat.access_grant(:'analyst', 'analyst');
SELECT migstat.access_grant(:'steward', 'steward', ARRAY['other']);
SELECT migstat.access_grant(:'admin', 'admin');
SELECT migstat.access_grant(:'auditor', 'auditor');
SELECT migstat.access_grant(:'padder', 'loader', ARRAY['mig']);
SELECT migstat.access_grant(:'padder', 'analyst');

CREATE FUNCTION dcx.id(p_dim text, p_code text) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT id FROM migstat.code WHERE dimension = CASE WHEN p_dim IN ('nationality', 'country') THEN 'country' ELSE p_dim END
                                  AND code = p_code
$$;

-- Picks from a weighted list: codes[i] with probability weights[i] / sum(weights), u uniform in [0,1).
CREATE FUNCTION dcx.pick(p_codes text[], p_weights numeric[], p_u double precision) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT c FROM (SELECT c, sum(w) OVER (ORDER BY i) / sum(w) OVER () AS cum
                     FROM unnest(p_codes, p_weights) WITH ORDINALITY AS x(c, w, i)) y
     WHERE cum > p_u ORDER BY cum LIMIT 1
$$;

SELECT setseed(0.20240909);
CREATE TABLE dcx.gen AS
SELECT i,
       date '2024-01-01' + floor(random() * 366)::integer AS d,
       dcx.pick('{IN,OUT}', '{55,45}', random()) AS dir,
       dcx.pick('{F,M,_U}', '{480,510,10}', random()) AS sex,
       -- ages 0-90: mostly working age, a child and an old tail
       least(90, greatest(0, CASE WHEN random() < 0.82 THEN floor(18 + random() * 30 + random() * 12)
                                  ELSE floor(random() * 91) END))::integer AS age,
       dcx.pick('{UZB,TJK,KAZ,RUS,CHN,TUR,AFG,PAK,IND,KGZ}', '{30,20,14,10,7,6,4,3,3,3}', random()) AS nat,
       dcx.pick('{REG,IRR,ASY_APPL,REF,STLS,UNK}', '{88,5,2,1.5,1,2.5}', random()) AS ms,
       dcx.pick('{DIS,NODIS,UNK}', '{6,88,6}', random()) AS dis,
       dcx.pick('{UZBEK,TAJIK,KAZAKH,RUSSIAN,KYRGYZ,UYGHUR,DUNGAN}', '{30,20,14,12,12,6,6}', random()) AS eth,
       dcx.pick('{OCC,FAM,EDUC,ASY,RET,OTH}', '{50,15,8,3,20,4}', random()) AS reason
  FROM generate_series(1, 5000) i;
-- the purpose "other": 40 records of its own
CREATE TABLE dcx.gen_other AS
SELECT i, date '2024-03-01' + (i % 60) AS d, CASE WHEN i % 2 = 0 THEN 'IN' ELSE 'OUT' END AS dir,
       CASE WHEN i % 3 = 0 THEN 'M' ELSE 'F' END AS sex, 20 + i % 30 AS age, 'UZB' AS nat, 'REG' AS ms,
       'NODIS' AS dis, 'UZBEK' AS eth, 'OCC' AS reason
  FROM generate_series(1, 40) i;

CREATE FUNCTION dcx.load(p_source text, p_purpose text, p_table text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_batch integer;
    v_n     integer;
BEGIN
    SELECT batch_id INTO v_batch
      FROM migstat.begin_batch(p_source, p_purpose, p_table || '.csv',
                               encode(sha256(convert_to(p_table || clock_timestamp()::text, 'UTF8')), 'hex'));
    EXECUTE format($q$INSERT INTO migstat_data.%I (line_no, record_id, event_date, direction, sex, age, nationality,
                        reason, ethnicity, migration_status, disability, person_pseudonym)
                   SELECT g.i, %L || g.i, g.d, dcx.id('direction', g.dir), dcx.id('sex', g.sex), g.age,
                          dcx.id('nationality', g.nat), dcx.id('reason', g.reason), dcx.id('ethnicity', g.eth),
                          dcx.id('migration_status', g.ms), dcx.id('disability', g.dis),
                          sha256(convert_to(%L || g.i, 'UTF8'))
                     FROM dcx.%I g ORDER BY g.i$q$, 'batch_' || v_batch, p_table, p_table, p_table);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM migstat.finish_batch(v_batch, v_n, 0);
    RETURN v_batch;
END
$$;
SELECT dcx.load('border', 'mig', 'gen');
SELECT dcx.load('border', 'other', 'gen_other');

-- The truth, for the assertions only (read by the test as the superuser): one row per record with
-- its codes, in the layout the attack scripts use.
CREATE VIEW dcx.truth AS
SELECT p.name AS purpose, to_char(r.event_date, 'YYYY-MM') AS month, cd.code AS direction, cs.code AS sex, r.age,
       cn.code AS nationality, cm.code AS migration_status, ci.code AS disability, ce.code AS ethnicity,
       cr.code AS reason
  FROM migstat.records r
  JOIN migstat.purpose p ON p.id = r.purpose_id
  LEFT JOIN migstat.code cd ON cd.dimension = 'direction' AND cd.id = r.direction
  LEFT JOIN migstat.code cs ON cs.dimension = 'sex' AND cs.id = r.sex
  LEFT JOIN migstat.code cn ON cn.dimension = 'country' AND cn.id = r.nationality
  LEFT JOIN migstat.code cm ON cm.dimension = 'migration_status' AND cm.id = r.migration_status
  LEFT JOIN migstat.code ci ON ci.dimension = 'disability' AND ci.id = r.disability
  LEFT JOIN migstat.code ce ON ce.dimension = 'ethnicity' AND ce.id = r.ethnicity
  LEFT JOIN migstat.code cr ON cr.dimension = 'reason' AND cr.id = r.reason;
