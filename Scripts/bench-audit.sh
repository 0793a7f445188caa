#!/usr/bin/env bash
# Audit log benchmark (issue 11; figures in Benchmarks/README.md, "Audit log"). No assertions.
#
#   Scripts/bench-audit.sh [--entries N] [--clients C] [--seconds S]
#
# 1. A scratch database (migstat db init) with N audit entries (default 1,000,000) written as
#    migstat_owner and sealed set-wise (the same leaf and node hashes audit_seal computes; audit
#    verify recomputes all of them), 50 users x 4 actions.
#    Times, end to end through the CLI: `audit list --user --action` (the last 50 of one user and
#    action), `audit list --since` (one hour), `audit verify` (leaves and nodes hashed by the client)
#    and, in the same run, the server-side `migstat.audit_verify()`, `audit head`, `audit prove`, and
#    audit_seal of 1,000 new entries. MIGSTAT_BIN=path/to/migstat times another build (e.g. release).
# 2. Report throughput: C analysts (default 8) running `migstat.report(ARRAY['sex'])` in a loop for S
#    seconds (pgbench, one transaction per report) on the sample data, with auditing as shipped, in a
#    scratch copy with migstat.audit switched off (a no-op), and in a scratch copy with the old
#    append (one advisory lock held to the end of the caller's transaction); and the same with every
#    client also holding an idle open transaction after one report (the old design's queue).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ENTRIES=1000000 CLIENTS=8 SECONDS_=20
while [ $# -gt 0 ]; do
    case $1 in
        --entries) ENTRIES=$2; shift ;;
        --clients) CLIENTS=$2; shift ;;
        --seconds) SECONDS_=$2; shift ;;
        *) fatal "unknown option $1" ;;
    esac
    shift
done
ensure_base_packages
eval "$("$MIGSTAT_ROOT/Scripts/pg.sh" env)"
psql -X -q -At -c 'SELECT 1' >/dev/null 2>&1 || "$MIGSTAT_ROOT/Scripts/pg.sh" start
BIN=${MIGSTAT_BIN:-$(cd "$MIGSTAT_ROOT" && swift build --show-bin-path)/migstat}
[ -x "$BIN" ] || (cd "$MIGSTAT_ROOT" && swift build --product migstat >&2)
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
RUN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
DB=bench_audit_$RUN ANALYST=bench_audit_${RUN}_analyst
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-audit.XXXXXX")
chmod 755 "$TMP"
cleanup() {
    set +e
    for d in "$DB" "${DB}_off" "${DB}_lock"; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1; done
    local roles
    roles=$(psql -X -At -d postgres -c "SELECT string_agg(quote_ident(rolname), ',') FROM pg_roles WHERE rolname LIKE 'migstat\_%' AND rolname LIKE '%bench%'" 2>/dev/null)
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$ANALYST\"" >/dev/null 2>&1
    [ -n "$roles" ] && psql -X -q -d postgres -c "DROP ROLE IF EXISTS $roles" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l | xargs printf '%.3f'; }

psql -X -q -d postgres -c "CREATE DATABASE \"$DB\""
"$BIN" db init --dsn "dbname=$DB" >/dev/null 2>&1
log "database $DB: writing $ENTRIES entries"
t0=$(date +%s.%N)
sql <<SQL
SET ROLE migstat_owner;
INSERT INTO migstat.audit_log (seq, at, actor, action, details)
SELECT nextval('migstat.audit_seq'), now() - ($ENTRIES - g) * interval '1 second', 'user_' || (g % 50),
       (ARRAY['report.run', 'batch.import', 'extract', 'access.grant'])[1 + (g / 50) % 4],
       jsonb_build_object('n', g, 'rows', g % 1000)
  FROM generate_series(1, $ENTRIES) g;
INSERT INTO migstat.audit_pending SELECT seq FROM migstat.audit_log ON CONFLICT DO NOTHING;
-- Set-wise seal: leaves in seq order, then every complete subtree level by level.
WITH d AS (DELETE FROM migstat.audit_pending RETURNING seq)
INSERT INTO migstat.audit_tree (level, idx, hash, seq, sealed_at)
SELECT 0, (SELECT coalesce(max(idx) + 1, 0) FROM migstat.audit_tree WHERE level = 0) + row_number() OVER (ORDER BY a.seq) - 1,
       migstat.audit_leaf_hash(a), a.seq, now()
  FROM migstat.audit_log a JOIN d USING (seq);
DO \$\$
DECLARE l int := 1; n bigint;
BEGIN
    LOOP
        INSERT INTO migstat.audit_tree (level, idx, hash)
        SELECT l, c.idx / 2, sha256('\x01'::bytea || c.hash || r.hash)
          FROM migstat.audit_tree c JOIN migstat.audit_tree r ON r.level = c.level AND r.idx = c.idx + 1
         WHERE c.level = l - 1 AND c.idx % 2 = 0
           AND NOT EXISTS (SELECT 1 FROM migstat.audit_tree p WHERE p.level = l AND p.idx = c.idx / 2);
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT WHEN n = 0 AND NOT EXISTS (SELECT 1 FROM migstat.audit_tree WHERE level = l);
        l := l + 1;
    END LOOP;
END
\$\$;
RESET ROLE;
ANALYZE migstat.audit_log;
ANALYZE migstat.audit_tree;
SQL
t1=$(date +%s.%N)
SETUP=$(echo "$t1 - $t0" | bc -l | xargs printf '%.1f')
D="--dsn dbname=$DB"
LIST_UA=$(secs "$BIN" audit list $D --user user_7 --action extract --last 50)
LIST_UA_JSON=$(secs "$BIN" audit list $D --user user_7 --action extract --last 50 --format json)
LIST_SINCE=$(secs "$BIN" audit list $D --since "$(sql -c "SELECT now() - interval '1 hour'")" --last 5000)
VERIFY=$(secs "$BIN" audit verify $D)
# The same checks inside the database (migstat.audit_verify(), SHA-256 by PostgreSQL), same run.
SQL_VERIFY=$(secs sql -c "SELECT problem FROM migstat.audit_verify()")
HEAD=$(secs "$BIN" audit head $D)
"$BIN" audit head $D >"$TMP/cp"
PROVE=$(secs "$BIN" audit prove $((ENTRIES / 2)) $D --output "$TMP/p.json")
CHECK=$(secs "$BIN" audit check-proof "$TMP/p.json")
SEAL=$(secs sql -c "SET ROLE migstat_owner; SELECT count(migstat.audit('bench.seal', '{}')) FROM generate_series(1, 1000)" -c "SELECT migstat.audit_seal()")
VERIFY_HEAD=$(secs "$BIN" audit verify $D --head "$TMP/cp")
"$BIN" audit verify $D --head "$TMP/cp" >&2

# ---- report throughput ----------------------------------------------------------------------------
log "report throughput: $CLIENTS analysts, $SECONDS_ s each run"
export MIGSTAT_KEY_DIR=$TMP/keys
"$BIN" purpose add bench --description "audit benchmark" --retain-until "5 years" $D >/dev/null 2>&1
"$BIN" import "$MIGSTAT_ROOT/SampleData/border-2024.csv" --source border --purpose bench $D >/dev/null 2>&1
psql -X -q -d "$DB" -c "CREATE ROLE \"$ANALYST\" LOGIN; GRANT migstat_analyst TO \"$ANALYST\"; GRANT CONNECT ON DATABASE \"$DB\" TO \"$ANALYST\""
psql -X -q -d postgres -c "CREATE DATABASE \"${DB}_off\" TEMPLATE \"$DB\"" -c "CREATE DATABASE \"${DB}_lock\" TEMPLATE \"$DB\""
# Auditing off: migstat.audit does nothing.
psql -X -q -d "${DB}_off" -c "SET ROLE migstat_owner" -c "CREATE OR REPLACE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}', p_purpose_id smallint DEFAULT NULL, p_batch_id integer DEFAULT NULL) RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS 'SELECT 0::bigint'"
# The old append: one advisory lock held to the end of the caller's transaction.
psql -X -q -d "${DB}_lock" -c "SET ROLE migstat_owner" -c "CREATE OR REPLACE FUNCTION migstat.audit(p_action text, p_details jsonb DEFAULT '{}', p_purpose_id smallint DEFAULT NULL, p_batch_id integer DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS \$f\$ DECLARE v_seq bigint := nextval('migstat.audit_seq'); BEGIN PERFORM pg_advisory_xact_lock(hashtext('migstat.audit_log')); PERFORM 1 FROM migstat.audit_log ORDER BY seq DESC LIMIT 1; INSERT INTO migstat.audit_log (seq, at, actor, action, purpose_id, batch_id, details) VALUES (v_seq, clock_timestamp(), session_user, p_action, p_purpose_id, p_batch_id, coalesce(p_details, '{}')); RETURN v_seq; END \$f\$"
echo "SELECT count(*) FROM migstat.report(ARRAY['sex']);" >"$TMP/report.sql"
# The same report followed by 200 ms inside the transaction (a client streaming its output, or idle).
printf 'BEGIN;\nSELECT count(*) FROM migstat.report(ARRAY['"'"'sex'"'"']);\nSELECT pg_sleep(0.2);\nCOMMIT;\n' >"$TMP/report_hold.sql"
tps() { "$PGBENCH" -n -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_" -f "$TMP/$2" -U "$ANALYST" "$1" 2>/dev/null \
            | awk '/^tps/ {printf "%.1f", $3; exit}'; }
ON=$(tps "$DB" report.sql); OFF=$(tps "${DB}_off" report.sql); LOCK=$(tps "${DB}_lock" report.sql)
ON_H=$(tps "$DB" report_hold.sql); OFF_H=$(tps "${DB}_off" report_hold.sql); LOCK_H=$(tps "${DB}_lock" report_hold.sql)
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

cat <<OUT
audit benchmark ($(nproc) cores, PostgreSQL $(sql -c "SHOW server_version"), $ENTRIES entries)
  setup (write + set-wise seal)                  ${SETUP} s
  audit list --user --action (last 50)           ${LIST_UA} s   (json ${LIST_UA_JSON} s)
  audit list --since 1 hour (≤5000)              ${LIST_SINCE} s
  audit verify (all entries, hashed client-side)  ${VERIFY} s
  SELECT migstat.audit_verify() (in the server)  ${SQL_VERIFY} s   (client/server $(echo "$VERIFY / $SQL_VERIFY" | bc -l | xargs printf '%.2f'))
  audit verify --head (+ consistency proof)      ${VERIFY_HEAD} s
  audit head                                     ${HEAD} s
  audit prove SEQ / check-proof (offline)        ${PROVE} s / ${CHECK} s
  1,000 audit() + audit_seal                     ${SEAL} s
report throughput, $CLIENTS analysts, ${SECONDS_} s (tps; ratio to auditing off)
  autocommit reports      shipped ${ON}  off ${OFF}  old lock ${LOCK}   shipped/off $(ratio "$ON" "$OFF")  old/off $(ratio "$LOCK" "$OFF")
  report + 200 ms in txn   shipped ${ON_H}  off ${OFF_H}  old lock ${LOCK_H}   shipped/off $(ratio "$ON_H" "$OFF_H")  old/off $(ratio "$LOCK_H" "$OFF_H")
OUT
