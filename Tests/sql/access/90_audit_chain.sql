-- As the auditor, after all the activity: every committed entry is sealed into the Merkle tree
-- (audit_seal, which every migstat role may call) and the tree verifies.
\ir ../helpers/tap.sql
SELECT plan(2);
SELECT is(migstat.audit_seal(), (SELECT count(*) FROM migstat.audit_log),
          'auditor: audit_seal() puts every committed entry into the tree (size = entries)');
SELECT ok(v.problem IS NULL AND v.first_bad_seq IS NULL AND v.size = v.entries AND v.pending = 0
          AND v.root = migstat.audit_root(v.size),
          format('auditor: audit_verify() reports the tree intact over every entry (%s entries, root %s)', v.size, v.root))
  FROM migstat.audit_verify() v;
SELECT * FROM finish();
