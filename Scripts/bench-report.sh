#!/usr/bin/env bash
# Report benchmark, whole commands as a user waits for them (issue 9 item 7): for each table shape,
# BENCH_RUNS rounds (default 3), each round timing, one after the other on the same database,
#   plain   psql -c "CREATE TEMP TABLE t AS SELECT <dims>, count(*) FROM migstat.records GROUP BY <dims>"
#           (superuser; the reference of Tests/sql/reports/bench.sql: a parallel GROUP BY, nothing returned)
#   exact   psql COPY (SELECT * FROM migstat.report_exact(<dims>)) TO STDOUT > /dev/null   (superuser)
#   sql     psql COPY (SELECT * FROM migstat.report(<dims>)) TO STDOUT > /dev/null         (analyst)
#   cli     migstat report --by <dims> --format csv > /dev/null                            (analyst)
# then prints the median of each and the ratios to plain (and sql / exact) of the same run.
#
#   Scripts/bench-report.sh                      # 10,000,000 synthetic records in a new database (dropped after)
#   Scripts/bench-report.sh --rows 3000000       # another size
#   Scripts/bench-report.sh --db p9bench --analyst p9an   # an existing database with bench data and an analyst login
#   BENCH_RUNS=5 MIGSTAT_BIN=/path/to/migstat Scripts/bench-report.sh ...   # more runs; a given binary (no build)
#   BENCH_SHAPES="sex,age,nationality" Scripts/bench-report.sh ...        # other shapes (space-separated)
#
# A benchmark, not a test: it prints figures and exits 0 whatever they are.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

rows=10000000
db=""
analyst=""
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=${2:?}; shift 2 ;;
        --db) db=${2:?}; shift 2 ;;
        --analyst) analyst=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--rows N | --db NAME --analyst LOGIN] [--keep]" >&2; exit 2 ;;
    esac
done
runs=${BENCH_RUNS:-3}
shapes=${BENCH_SHAPES:-"sex,age,nationality,reason,migration_status sex,age,nationality"}

Scripts/pg.sh status >/dev/null 2>&1 || Scripts/pg.sh start
eval "$(Scripts/pg.sh env)"

bin=${MIGSTAT_BIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product migstat >&2
    bin=$(swift build -c release --show-bin-path)/migstat
fi

created=0
if [ -z "$db" ]; then
    db=migstat_rbench_$rows
    analyst=rbench_analyst
    created=1
    dropdb --if-exists "$db" >/dev/null 2>&1
    createdb "$db"
    "$bin" db init --dsn "dbname=$db" >/dev/null
    echo "# generating $rows records in $db" >&2
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v rows="$rows" -v seed=0.42 -f Tests/sql/reports/bench_data.sql >/dev/null
    psql -X -q -d "$db" -c "DROP ROLE IF EXISTS $analyst" >/dev/null 2>&1 || true
    psql -X -q -d "$db" -c "CREATE ROLE $analyst LOGIN" >/dev/null
    "$bin" access grant "$analyst" analyst --dsn "dbname=$db" >/dev/null
    psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
fi
[ -n "$analyst" ] || { echo "--db needs --analyst LOGIN (an analyst of the bench data's purpose)" >&2; exit 2; }
cleanup() {
    if [ "$created" = 1 ] && [ "$keep" = 0 ]; then
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS $analyst" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

now() { date +%s.%N; }
# band expression of the report's five-year bands (Tests/sql/reports/bench.sql)
plain_sql() {
    local cols="" d
    for d in ${1//,/ }; do
        case "$d" in
            age) cols+="CASE WHEN age IS NULL THEN 0 WHEN age >= 85 THEN 18 ELSE age / 5 + 1 END, " ;;
            reason) cols+="coalesce(reason, 0), " ;;
            *) cols+="$d, " ;;
        esac
    done
    local n i groups=""
    n=$(echo "$1" | tr ',' '\n' | wc -l)
    for i in $(seq 1 "$n"); do groups+="${groups:+, }$i"; done
    echo "CREATE TEMP TABLE bench_out AS SELECT ${cols}count(*) FROM migstat.records GROUP BY $groups"
}
array_sql() { echo "ARRAY['${1//,/\',\'}']"; }

time_cmd() { # prints seconds of the command (stdout discarded)
    local t0 t1
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

out=$(mktemp -d)
nrec=$(psql -X -At -d "$db" -c "SELECT count(*) FROM migstat.records")
echo "# $db: $nrec records; $runs rounds of plain, exact, sql, cli (alternating); load $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -q -At -d "$db" -c "SELECT count(*) FROM migstat.records" >/dev/null   # warm the cache
for shape in $shapes; do
    key=${shape//,/_}
    plain=$(plain_sql "$shape")
    arr=$(array_sql "$shape")
    for r in $(seq 1 "$runs"); do
        time_cmd psql -X -q -d "$db" -c "$plain" >>"$out/$key.plain"
        time_cmd psql -X -q -d "$db" -c "COPY (SELECT * FROM migstat.report_exact($arr)) TO STDOUT" >>"$out/$key.exact"
        time_cmd psql -X -q -d "dbname=$db user=$analyst" -c "COPY (SELECT * FROM migstat.report($arr)) TO STDOUT" >>"$out/$key.sql"
        time_cmd "$bin" report --dsn "dbname=$db user=$analyst" --by "$shape" --format csv >>"$out/$key.cli"
    done
    cells=$("$bin" report --dsn "dbname=$db user=$analyst" --by "$shape" --format csv | tail -n +2 | wc -l)
    p=$(median <"$out/$key.plain"); e=$(median <"$out/$key.exact"); s=$(median <"$out/$key.sql"); c=$(median <"$out/$key.cli")
    echo "## --by $shape ($cells cells), medians of $runs runs (all runs in seconds)"
    for k in plain exact sql cli; do
        m=$(median <"$out/$key.$k")
        printf '%-6s %7.2f s  %6.2f x plain   (%s)\n' "$k" "$m" "$(echo "$m / $p" | bc -l)" "$(sort -g "$out/$key.$k" | xargs printf '%.2f ' )"
    done
    printf 'perturbed / exact (sql): %.2f\n' "$(echo "$s / $e" | bc -l)"
done
rm -rf "$out"
