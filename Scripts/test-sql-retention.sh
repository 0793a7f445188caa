#!/usr/bin/env bash
# Tests of retention (issue 10: purposes that end, purges that really delete, statistics that
# outlive them) against the private PostgreSQL (Scripts/pg.sh), in pgTAP run by pg_prove. Creates
# its own database with a random name, built by the real installer (`migstat db init`), logins for
# an administrator, a loader, an analyst and an auditor, loads Tests/sql/retention/fixture.sql as
# the superuser, runs Tests/sql/retention/[0-9]*.sql -- a file named *_as_<kind>.sql connected as
# that login (pg_prove -U, never SET ROLE), the others as the superuser -- and drops everything.
#   Scripts/test-sql-retention.sh [--keep]
# Prints "ok N - ..." / "not ok N - ..." and last "N passed, M failed"; exit 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_base_packages
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
keep=0
[ "${1:-}" = --keep ] && keep=1
if ! Scripts/pg.sh status >/dev/null 2>&1; then Scripts/pg.sh start; fi
eval "$(Scripts/pg.sh env)"

suffix=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
DB=migstat_rettest_$suffix
P=rettest_${suffix}_
KINDS=(admin loader analyst auditor)
OUT=$(mktemp -d)
tag=""
cleanup() {
    local rc=$?
    if [ "$keep" = 1 ]; then
        echo "# kept database $DB, logins ${P}* (tag $tag)" >&2
    else
        local kinds=("${KINDS[@]/#/$P}")
        drop_suite_objects "$DB" "$tag" "${kinds[@]}"
    fi
    rm -rf "$OUT"
    exit $rc
}
trap cleanup EXIT

bin=${MIGSTAT_INIT_BIN:-$(swift build --show-bin-path)/migstat}
[ -x "$bin" ] || swift build --product migstat >&2
createdb "$DB"
"$bin" db init --dsn "dbname=$DB" >"$OUT/db-init.log" 2>&1 || { cat "$OUT/db-init.log" >&2; echo "not ok - migstat db init"; echo "0 passed, 1 failed"; exit 1; }
psql -X -q -d "$DB" -c "CREATE SCHEMA tap; CREATE EXTENSION pgtap SCHEMA tap; GRANT USAGE ON SCHEMA tap TO PUBLIC" >/dev/null
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
for k in "${KINDS[@]}"; do psql -X -q -d "$DB" -c "CREATE ROLE \"$P$k\" LOGIN" >/dev/null; done
psql -X -q -d "$DB" -c "GRANT migstat_admin TO \"${P}admin\"; GRANT CONNECT ON DATABASE \"$DB\" TO \"${P}admin\"" >/dev/null
if ! psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v prefix="$P" -f Tests/sql/retention/fixture.sql >"$OUT/fixture.out" 2>&1; then
    cat "$OUT/fixture.out" >&2; echo "not ok - fixture"; echo "0 passed, 1 failed"; exit 1
fi

passed=0
failed=0
for f in Tests/sql/retention/[0-9]*.sql; do
    name=$(basename "$f" .sql)
    user=postgres
    case "$name" in *_as_*) user=$P${name##*_as_} ;; esac
    rc=0
    pg_prove --verbose --nocolor --norc -U "$user" -d "$DB" --set prefix="$P" "$f" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
    echo "# $name as $user"
    grep -E '^(not )?ok [0-9]+|^#' "$OUT/$name.out" || true
    p=$(grep -cE '^ok [0-9]+' "$OUT/$name.out" || true)
    n=$(grep -cE '^not ok [0-9]+' "$OUT/$name.out" || true)
    passed=$((passed + p)); failed=$((failed + n))
    if grep -qE '^ *(Parse errors|Non-zero exit status|Dubious|No subtests run)' "$OUT/$name.out" || { [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; }; then
        failed=$((failed + 1))
        echo "not ok - $name ran to completion with its plan (pg_prove exit $rc):"
        sed 's/^/#   /' "$OUT/$name.err"
    fi
done
# A purge killed half-way (the DROP waits for a reader's lock; its backend is terminated): the
# purpose is intact; a second run completes it.
check() { if [ "$1" = "$2" ]; then passed=$((passed + 1)); echo "ok - $3"; else failed=$((failed + 1)); echo "not ok - $3 (got '$1', wanted '$2')"; fi; }
sq() { psql -X -q -At -d "$DB" -c "$1" 2>>"$OUT/crash.err"; }
echo "# a purge killed half-way"
crash_rows=$(sq "SELECT count(*) FROM migstat.records r JOIN migstat.purpose p ON p.id = r.purpose_id WHERE p.name = 'crash'")
sq "SELECT migstat.purpose_end('crash', 'killed-purge test')" >/dev/null
crash_batch=$(sq "SELECT min(b.id) FROM migstat.batch b JOIN migstat.purpose p ON p.id = b.purpose_id WHERE p.name = 'crash'")
psql -X -q -d "$DB" -c "BEGIN; LOCK TABLE migstat_data.batch_$crash_batch IN ACCESS SHARE MODE; SELECT pg_sleep(60); COMMIT;" >/dev/null 2>&1 &
reader=$!
sleep 1
psql -X -q -d "$DB" -v application_name=x -c "SET application_name = 'migstat-crash-purge'; SELECT migstat.purge_execute('crash')" >"$OUT/crash.out" 2>&1 &
purger=$!
waited=0
until [ "$(sq "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migstat-crash-purge' AND wait_event_type = 'Lock'")" = 1 ] || [ $waited -ge 30 ]; do
    sleep 1; waited=$((waited + 1))
done
check "$(sq "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migstat-crash-purge' AND wait_event_type = 'Lock'")" 1 \
      "the purge is half-way: its DROP waits for a reader's lock"
sq "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'migstat-crash-purge'" >/dev/null
wait "$purger" 2>/dev/null || true
kill "$reader" 2>/dev/null || true
sq "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$reader" 2>/dev/null || true
check "$(sq "SELECT status FROM migstat.purpose WHERE name = 'crash'")" closed "killed half-way: the purpose is intact (closed, not purged)"
check "$(sq "SELECT count(*) FROM migstat.records r JOIN migstat.purpose p ON p.id = r.purpose_id WHERE p.name = 'crash'")" "$crash_rows" \
      "killed half-way: every record is still there ($crash_rows)"
check "$(sq "SELECT count(*) FROM migstat.purge g JOIN migstat.purpose p ON p.id = g.purpose_id WHERE p.name = 'crash'")" 0 \
      "killed half-way: no purge was recorded"
purge_id=$(sq "SELECT migstat.purge_execute('crash')")
check "$(sq "SELECT migstat.purge_verify($purge_id) ->> 'ok'")" true "a second run completes the purge, verified"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
