-- As an auditor: both receipts, with batches and their SHA-256, and no personal data; the chain
-- verifies; how the preserved tables were protected is known by status only.
\ir ../helpers/tap.sql
SELECT plan(6);
SELECT is((SELECT count(*) FROM migstat.audit_log WHERE action = 'purge.due' AND details ->> 'purpose' = 'gone'), 1::bigint,
          'one receipt when the purge fell due');
SELECT is((SELECT count(*) FROM migstat.audit_log WHERE action = 'purge.executed' AND details ->> 'purpose' = 'gone'
              AND details -> 'verification' ->> 'ok' = 'true'), 1::bigint, 'one receipt of the purge, verified');
SELECT is((SELECT jsonb_array_length(details -> 'batches') FROM migstat.audit_log WHERE action = 'purge.executed'), 3,
          'the receipt lists the batches (two loaded, one unfinished)');
SELECT is((SELECT count(*) FROM migstat.audit_log, jsonb_array_elements(details -> 'batches') b
            WHERE action = 'purge.executed' AND (b ->> 'sha256') ~ '^[0-9a-f]{64}$'), 3::bigint, 'each with its SHA-256');
SELECT is((SELECT count(*) FROM migstat.audit_log WHERE action LIKE 'purge.%' AND details::text ~ '(person|pseudonym|record_id|gone600-)'),
          0::bigint, 'no personal data in the receipts');
SELECT is((SELECT count(*) FROM migstat.table_audit('gone', 'sex_dir') WHERE value IS NOT NULL), 0::bigint,
          'after the purge even auditors see only which cells were withheld, not their values');
SELECT * FROM finish();
