#!/usr/bin/env bash
# Disclosure-control attacks (issue 9), written as a determined insider would write them: Python 3
# scripts (Tests/disclosure/[0-9]*.py) that call psql connected as an analyst, steward, admin or
# padding (loader + analyst) login and try to single people out with nothing but migstat.report,
# migstat.coverage and the declared tables. The truth they are scored against is read as the
# superuser by the scripts' checker code, never by the attacking code.
#
# Creates its own database with a random name, builds it with the real installer (`migstat db
# init`), creates the logins (granted with migstat.access_grant), loads ~5,000 synthetic records
# with a fixed seed as the superuser through begin_batch / INSERT / finish_batch
# (Tests/disclosure/data.sql; record_key is the database's default), runs every attack and drops
# everything it created (database, logins, the database's compartment roles).
#
#   Scripts/test-sql-disclosure.sh            run the checks; prints "ok N - name" / "not ok N - name"
#                                             and last "N passed, M failed"; exit 1 on any failure
#   Scripts/test-sql-disclosure.sh --keep     keep the database and logins (prints their names)
#   Scripts/test-sql-disclosure.sh --only 04  run only the attack files whose name starts with 04
#
# A missing prerequisite (PostgreSQL, the migstat binary, python3-scipy / python3-numpy, a function
# of the API under attack) is a failure, never a skip. A script that dies or prints no check is one
# more failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_base_packages
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

keep=0
only=
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=1; shift ;;
        --only) only=${2:?--only needs a prefix}; shift 2 ;;
        *) echo "usage: $0 [--keep] [--only PREFIX]" >&2; exit 2 ;;
    esac
done

passed=0
failed=0
fail_now() { # a failed prerequisite: one failure, the total, exit 1
    echo "not ok - $1"
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
}

if ! python3 -c 'import numpy, scipy.optimize' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-numpy python3-scipy >/dev/null 2>&1 || true
    fi
    python3 -c 'import numpy, scipy.optimize' 2>/dev/null || fail_now "python3 with numpy and scipy (apt-get install python3-numpy python3-scipy)"
fi

if ! Scripts/pg.sh status >/dev/null 2>&1; then
    Scripts/pg.sh start
fi
eval "$(Scripts/pg.sh env)"
[ -r "${MIGSTAT_PG_LOG:-}" ] || fail_now "the server log is readable (MIGSTAT_PG_LOG=${MIGSTAT_PG_LOG:-unset})"

suffix=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
DB=migstat_disc_$suffix
ANALYST=disc_${suffix}_analyst
STEWARD=disc_${suffix}_steward
ADMIN=disc_${suffix}_admin
AUDITOR=disc_${suffix}_auditor
PADDER=disc_${suffix}_padder
LOGINS="$ANALYST $STEWARD $ADMIN $AUDITOR $PADDER"
OUT=$(mktemp -d)
tag=""

psql_su() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

cleanup() {
    local rc=$?
    if [ "$keep" = 1 ]; then
        echo "# kept database $DB, logins $LOGINS (tag $tag)" >&2
    else
        drop_suite_objects "$DB" "$tag" $LOGINS
    fi
    rm -rf "$OUT"
    exit $rc
}
trap cleanup EXIT

bin_init=${MIGSTAT_INIT_BIN:-$(swift build --show-bin-path)/migstat}
if [ ! -x "$bin_init" ]; then
    swift build --product migstat >&2 || fail_now "swift build --product migstat"
fi
createdb "$DB"
"$bin_init" db init --dsn "dbname=$DB" >"$OUT/db-init.log" 2>&1 || {
    sed 's/^/#   /' "$OUT/db-init.log"
    fail_now "migstat db init"
}
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
for r in $LOGINS; do
    psql -X -q -d "$DB" -c "CREATE ROLE $r LOGIN" >/dev/null
done
psql_su -v analyst="$ANALYST" -v steward="$STEWARD" -v admin="$ADMIN" -v auditor="$AUDITOR" -v padder="$PADDER" \
    -f Tests/disclosure/data.sql >"$OUT/data.out" 2>&1 || {
    sed 's/^/#   /' "$OUT/data.out"
    fail_now "synthetic data (Tests/disclosure/data.sql)"
}
echo "# database $DB: $(psql -X -At -d "$DB" -c "SELECT count(*) FROM migstat.records") records"

export DISC_DB=$DB DISC_ANALYST=$ANALYST DISC_STEWARD=$STEWARD DISC_ADMIN=$ADMIN DISC_AUDITOR=$AUDITOR \
       DISC_PADDER=$PADDER DISC_SUPERUSER=${PGUSER:-postgres} DISC_OUT=$OUT
export PYTHONDONTWRITEBYTECODE=1

for f in Tests/disclosure/[0-9]*.py; do
    name=$(basename "$f" .py)
    case "$name" in "$only"*) ;; *) continue ;; esac
    echo "# $name"
    rc=0
    python3 "$f" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
    cat "$OUT/$name.out"
    p=$(grep -cE '^ok ' "$OUT/$name.out" || true)
    n=$(grep -cE '^not ok ' "$OUT/$name.out" || true)
    passed=$((passed + p))
    failed=$((failed + n))
    if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ] || [ "$((p + n))" -eq 0 ]; then
        failed=$((failed + 1))
        echo "not ok - $name ran to completion (exit $rc)"
    fi
    if [ -s "$OUT/$name.err" ] && { [ "$rc" -ne 0 ] || [ "$n" -gt 0 ]; }; then
        tail -n 30 "$OUT/$name.err" | sed 's/^/#   /'
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
