#!/usr/bin/env bash
# Tests of migstat.report, estimates and coverage against the private PostgreSQL (Scripts/pg.sh),
# in pgTAP run by pg_prove. Creates its own database with a random name and builds it with the real
# installer (`migstat db init`: schema and shipped code lists), installs pgTAP in its own schema
# `tap`, builds test data with known counts (Tests/sql/reports/fixture.sql, with psql as the
# superuser), runs the pgTAP files Tests/sql/reports/[0-9]*.sql and drops everything it created
# (database, login roles, the database's compartment roles). See Tests/sql/README.md.
#
#   Scripts/test-sql-reports.sh              run the checks; prints one line per check
#                                            ("ok N - name" / "not ok N - name") and last
#                                            "N passed, M failed"; exit 1 on any failure
#   Scripts/test-sql-reports.sh --bench N    also generate N synthetic records and print the
#                                            benchmark timings (no assertions)
#   Scripts/test-sql-reports.sh --bench-only N   only the benchmark
#   Scripts/test-sql-reports.sh --keep       keep the database and roles (prints their names)
#
# Files named *_as_analyst.sql run connected as a login granted only migstat_analyst,
# *_as_loader.sql as a loader of purpose "flows", *_as_auditor.sql as an auditor (pg_prove -U,
# never SET ROLE), the others as the superuser. A file that dies half-way or does not run its
# planned number of checks counts as one more failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_base_packages
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bench=0
bench_only=0
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --bench) bench=${2:?--bench needs a row count}; shift 2 ;;
        --bench-only) bench=${2:?--bench-only needs a row count}; bench_only=1; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--bench N | --bench-only N] [--keep]" >&2; exit 2 ;;
    esac
done

if ! Scripts/pg.sh status >/dev/null 2>&1; then
    Scripts/pg.sh start
fi
eval "$(Scripts/pg.sh env)"

suffix=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
DB=migstat_reptest_$suffix
ANALYST=reptest_${suffix}_analyst
LOADER=reptest_${suffix}_loader
AUDITOR=reptest_${suffix}_auditor
OUT=$(mktemp -d)
tag=""

psql_su() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

cleanup() {
    local rc=$?
    if [ "$keep" = 1 ]; then
        echo "# kept database $DB, roles $ANALYST $LOADER $AUDITOR (tag $tag)" >&2
    else
        drop_suite_objects "$DB" "$tag" $ANALYST $LOADER $AUDITOR
    fi
    rm -rf "$OUT"
    exit $rc
}
trap cleanup EXIT

bin_init=${MIGSTAT_INIT_BIN:-$(swift build --show-bin-path)/migstat}
if [ ! -x "$bin_init" ]; then
    swift build --product migstat >&2
fi
createdb "$DB"
"$bin_init" db init --dsn "dbname=$DB" >"$OUT/db-init.log" 2>&1 || {
    cat "$OUT/db-init.log" >&2
    echo "not ok - migstat db init"
    echo "0 passed, 1 failed"
    exit 1
}
psql_su -c "CREATE SCHEMA tap; CREATE EXTENSION pgtap SCHEMA tap; GRANT USAGE ON SCHEMA tap TO PUBLIC" >/dev/null
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")

# Login roles; fixture.sql grants them their roles (and CONNECT) with migstat.access_grant.
psql -X -q -d "$DB" -c "CREATE ROLE $ANALYST LOGIN; CREATE ROLE $LOADER LOGIN; CREATE ROLE $AUDITOR LOGIN;" >/dev/null

passed=0
failed=0
record() { # reads "ok - ..." / "not ok - ..." lines of a check the script makes itself on stdin
    local line
    while IFS= read -r line; do
        case "$line" in
            "ok - "*) passed=$((passed + 1)); echo "$line" ;;
            "not ok - "*) failed=$((failed + 1)); echo "$line" ;;
            "#"*) echo "$line" ;;
        esac
    done
}
# run_tap USER FILE: the pgTAP file run by pg_prove connected as USER; its check lines are printed
# and counted, and a file that dies, exits non-zero or misses its plan is one more failure.
run_tap() {
    local user=$1 f=$2 name rc=0 p n
    name=$(basename "$f" .sql)
    pg_prove --verbose --nocolor --norc -U "$user" -d "$DB" --set analyst="$ANALYST" --set loader="$LOADER" \
        --set auditor="$AUDITOR" "$f" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
    echo "# $name as $user"
    grep -E '^(not )?ok [0-9]+|^#' "$OUT/$name.out" || true
    p=$(grep -cE '^ok [0-9]+' "$OUT/$name.out" || true)
    n=$(grep -cE '^not ok [0-9]+' "$OUT/$name.out" || true)
    passed=$((passed + p))
    failed=$((failed + n))
    if grep -qE '^ *(Parse errors|Non-zero exit status|Dubious|No subtests run)' "$OUT/$name.out" || { [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; }; then
        failed=$((failed + 1))
        echo "not ok - $name ran to completion with its plan (pg_prove exit $rc):"
        grep -E '^ *(Parse errors|Non-zero exit status|Dubious|No subtests run)' "$OUT/$name.out" | sed 's/^ */#   /' || true
        sed 's/^/#   /' "$OUT/$name.err"
    elif [ "$n" -gt 0 ] && [ -s "$OUT/$name.err" ]; then
        sed 's/^/#   /' "$OUT/$name.err"
    fi
}

if [ "$bench_only" = 0 ]; then
    # Test data and helpers (schema t, superuser only).
    psql_su -v loader="$LOADER" -v analyst="$ANALYST" -v auditor="$AUDITOR" -f Tests/sql/reports/fixture.sql >"$OUT/fixture.out" 2>&1 || {
        cat "$OUT/fixture.out" >&2
        echo "not ok - fixture"
        echo "0 passed, 1 failed"
        exit 1
    }
    for f in Tests/sql/reports/[0-9]*.sql; do
        user=postgres
        case "$(basename "$f" .sql)" in
            *_as_analyst) user=$ANALYST ;;
            *_as_loader) user=$LOADER ;;
            *_as_auditor) user=$AUDITOR ;;
        esac
        run_tap "$user" "$f"
    done
    # The fine GROUP BY inside migstat.report (CREATE TEMP TABLE ... AS from PL/pgSQL) runs in
    # parallel: auto_explain's plan of that statement, with parallel plans made cheap so that the
    # small fixture qualifies.
    plan=$(psql -X -q -d "$DB" 2>&1 >/dev/null <<'SQL' || true
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_level = notice;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(*) FROM migstat.report(ARRAY['sex', 'age', 'nationality']);
SQL
)
    if printf '%s\n' "$plan" | awk '/Query Text: CREATE TEMP TABLE migstat_rep_raw/ {f = 1; next}
                                     /Query Text:/ {f = 0} f && /Workers Launched: [1-9]/ {found = 1}
                                     END {exit !found}'; then
        record x <<<"ok - the fine GROUP BY runs in parallel inside migstat.report (Workers Launched)"
    else
        record x <<<"not ok - the fine GROUP BY runs in parallel inside migstat.report (Workers Launched)"
        printf '%s\n' "$plan" | grep -A12 'migstat_rep_raw' | sed 's/^/#   /' | head -20
    fi
fi

if [ "$bench" != 0 ]; then
    echo "# benchmark: $bench records (2 parallel workers at most; no assertions)"
    psql_su -v rows="$bench" -v seed=0.42 -f Tests/sql/reports/bench_data.sql >/dev/null
    bench_out=$(psql -X -q -At -d "$DB" -f Tests/sql/reports/bench.sql)
    printf '%s\n' "$bench_out" | sed 's/^/# /'
    # The command-line tool itself, as an analyst login: migstat report ... --format csv (wall clock,
    # best of 3, output to /dev/null), against the plain GROUP BY of the same dimensions above.
    bin=${MIGSTAT_BIN:-$(swift build -c release --show-bin-path 2>/dev/null)/migstat}
    if [ -x "$bin" ]; then
        psql_su -c "GRANT migstat_analyst TO $ANALYST" -c "GRANT CONNECT ON DATABASE \"$DB\" TO $ANALYST" >/dev/null
        for dims in sex,age,nationality sex,age,direction,reason,migration_status sex,age,nationality,reason,migration_status; do
            best=
            for _ in 1 2 3; do
                t0=$(date +%s%N)
                "$bin" report --by "$dims" --format csv --dsn "dbname=$DB user=$ANALYST" >/dev/null
                ms=$(( ($(date +%s%N) - t0) / 1000000 ))
                [ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
            done
            plain=$(printf '%s\n' "$bench_out" | awk -v d="${dims//,/, }" 'index($0, d " ") == 1 && $0 ~ / plain / {
                for (i = 1; i <= NF; i++) if ($(i + 1) == "ms") { print $i; exit } }')
            ratio=$( [ -n "$plain" ] && awk -v a="$best" -v b="$plain" 'BEGIN { printf "%.2f", a / b }' || echo "?")
            printf '# %-48s %-8s %8s ms  = %s x plain (CLI, csv, best of 3)\n' "${dims//,/, }" "migstat" "$best" "$ratio"
        done
    else
        echo "# (no release migstat binary at $bin: build it with swift build -c release to time the CLI)"
    fi
fi

if [ "$bench_only" = 0 ]; then
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
fi
