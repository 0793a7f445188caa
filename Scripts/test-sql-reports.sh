#!/usr/bin/env bash
# Tests of Schemas/0006_reports.sql (migstat.report, estimates, coverage) against the private
# PostgreSQL (Scripts/pg.sh). Creates its own database with a random name, applies every
# Schemas/0*.sql in order, loads the code lists, builds test data with known counts, runs
# Tests/sql/reports/[0-9]*.sql and drops everything it created (database, login roles, the
# database's compartment roles).
#
#   Scripts/test-sql-reports.sh              run the checks; prints "ok - name" / "not ok - name"
#                                            and "N passed, M failed"; exit 1 on any failure
#   Scripts/test-sql-reports.sh --bench N    also generate N synthetic records and print the
#                                            benchmark timings (no assertions)
#   Scripts/test-sql-reports.sh --bench-only N   only the benchmark
#   Scripts/test-sql-reports.sh --keep       keep the database and roles (prints their names)
#
# Check files print lines "ok - ..." / "not ok - ..." (psql -At); a file that stops on an SQL
# error counts as one failure. Files named *_as_analyst.sql run as a login granted only
# migstat_analyst, *_as_loader.sql as a loader of purpose "flows", others as the superuser.
set -euo pipefail
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
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        local r roles
        roles="$ANALYST $LOADER $AUDITOR"
        if [ -n "$tag" ]; then
            roles="$roles $(psql -X -At -d postgres -c "SELECT string_agg(quote_ident(rolname), ' ') FROM pg_roles WHERE rolname LIKE 'migstat\_${tag}\_%'")"
        fi
        for r in $roles; do
            psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$OUT"
    exit $rc
}
trap cleanup EXIT

createdb "$DB"
for f in Schemas/0[0-9][0-9][0-9]_*.sql; do
    psql_su -1 -f "$f" >/dev/null
done
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")

# Code lists: ids 1..n per dimension in sort_order.
psql_su >/dev/null <<'SQL'
CREATE TEMP TABLE code_csv (dimension text, code text, label text, parent text, level smallint, sort_order integer);
\copy code_csv FROM 'Schemas/codes/spec.csv' CSV HEADER
\copy code_csv FROM 'Schemas/codes/country.csv' CSV HEADER
\copy code_csv FROM 'Schemas/codes/region.csv' CSV HEADER
\copy code_csv FROM 'Schemas/codes/isco08.csv' CSV HEADER
\copy code_csv FROM 'Schemas/codes/ethnicity-kg.csv' CSV HEADER
INSERT INTO migstat.code (dimension, id, code, label, parent, level, sort_order)
SELECT dimension, row_number() OVER (PARTITION BY dimension ORDER BY sort_order), code, label, nullif(parent, ''),
       level, sort_order
  FROM code_csv;
SQL

# Login roles; fixture.sql grants them their roles (and CONNECT) with migstat.access_grant.
psql -X -q -d "$DB" -c "CREATE ROLE $ANALYST LOGIN; CREATE ROLE $LOADER LOGIN; CREATE ROLE $AUDITOR LOGIN;" >/dev/null

passed=0
failed=0
record() { # $1 = file, reads the file's output on stdin
    local line
    while IFS= read -r line; do
        case "$line" in
            "ok - "*) passed=$((passed + 1)); echo "$line" ;;
            "not ok - "*) failed=$((failed + 1)); echo "$line" ;;
            "#"*) echo "$line" ;;
        esac
    done
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
        name=$(basename "$f" .sql)
        user=postgres
        case "$name" in
            *_as_analyst) user=$ANALYST ;;
            *_as_loader) user=$LOADER ;;
        esac
        if psql -X -At -v ON_ERROR_STOP=1 -U "$user" -d "$DB" -v analyst="$ANALYST" -v loader="$LOADER" \
                -v auditor="$AUDITOR" -f "$f" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
            record "$f" <"$OUT/$name.out"
        else
            record "$f" <"$OUT/$name.out"
            echo "not ok - $name stopped on an error:"
            sed 's/^/#   /' "$OUT/$name.err"
            failed=$((failed + 1))
        fi
        if grep -q '^not ok' "$OUT/$name.out" && [ -s "$OUT/$name.err" ]; then
            sed 's/^/#   /' "$OUT/$name.err"
        fi
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
