#!/usr/bin/env bash
# Benchmark of a purge (issue 10): a purpose of N records (default 1,000,000, loaded with SQL as
# Tests/sql/reports/bench_data.sql does, through begin_batch/finish_batch as the superuser), then
# migstat.purge_execute + migstat.purge_verify timed, while a flexible report on ANOTHER purpose runs
# at the same time (it must not be blocked: its time is compared with the same report run alone).
#   Scripts/bench-purge.sh [N]            (MIGSTAT_BIN_DIR=DIR: a built migstat, no release build)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
if ! Scripts/pg.sh status >/dev/null 2>&1; then Scripts/pg.sh start; fi
eval "$(Scripts/pg.sh env)"
BIN=${MIGSTAT_BIN_DIR:-}
if [ -z "$BIN" ]; then
    swift build -c release --product migstat >&2
    BIN=$(swift build -c release --show-bin-path)
fi
DB=migstat_benchpurge_$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
OUT=$(mktemp -d)
export MIGSTAT_KEY_DIR=$OUT/keys
trap 'cleanup' EXIT
createdb "$DB"
"$BIN/migstat" db init --schemas-dir Schemas --dsn "dbname=$DB" >/dev/null 2>&1
ANALYST=bpurge_an_$(od -An -tx1 -N3 /dev/urandom | tr -d ' \n')
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ANALYST" >/dev/null 2>&1 || true
    rm -rf "$OUT"
}
# N records of purpose bench (to be purged), N/2 of purpose kept, with the report benchmark's generator.
echo "# loading $N records into purpose bench and $((N / 2)) into purpose kept" >&2
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows="$N" -v seed=0.42 -f Tests/sql/reports/bench_data.sql >/dev/null
sed -e "s/'bench'/'kept'/g" -e "s/'bench-src'/'kept-src'/g" Tests/sql/reports/bench_data.sql >"$OUT/kept_data.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows="$((N / 2))" -v seed=0.17 -f "$OUT/kept_data.sql" >/dev/null
# a third purpose, so that a filter on one purpose is within the flexible tables' bounds
sed -e "s/'bench'/'third'/g" -e "s/'bench-src'/'third-src'/g" Tests/sql/reports/bench_data.sql >"$OUT/third_data.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows=10000 -v seed=0.33 -f "$OUT/third_data.sql" >/dev/null
psql -X -q -d "$DB" -c "CREATE ROLE $ANALYST LOGIN" >/dev/null
"$BIN/migstat" access grant "$ANALYST" analyst --dsn "dbname=$DB" >/dev/null
psql -X -q -d "$DB" -c "VACUUM ANALYZE" >/dev/null
psql -X -q -d "$DB" -c "SELECT p.name, count(*) FROM migstat.records r JOIN migstat.purpose p ON p.id = r.purpose_id GROUP BY 1 ORDER BY 1"
psql -X -q -d "$DB" -c "SELECT migstat.purpose_end('bench', 'benchmark')" >/dev/null

report() { # the flexible report of purpose kept, through the CLI as its analyst; prints its time in ms
    local t0 t1
    t0=$(date +%s%N)
    "$BIN/migstat" report --by sex,direction,nationality --filter purpose=kept --format csv \
        --dsn "dbname=$DB user=$ANALYST" >/dev/null || { echo "the report failed" >&2; exit 1; }
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}
alone=$(report)
echo "report on purpose kept, alone: ${alone} ms"

# The report runs; while it runs, the purge (execute, then verify in a new transaction).
(report > "$OUT/concurrent_ms") &
rp=$!
sleep 0.3
t0=$(date +%s%N)
id=$(psql -X -qAt -d "$DB" -c "SELECT migstat.purge_execute('bench')")
t1=$(date +%s%N)
verification=$(psql -X -qAt -d "$DB" -c "SELECT migstat.purge_verify($id)")
t2=$(date +%s%N)
wait $rp
concurrent=$(cat "$OUT/concurrent_ms")
echo "purge_execute ($N records): $(( (t1 - t0) / 1000000 )) ms"
echo "purge_verify (CHECKPOINT, catalog, files): $(( (t2 - t1) / 1000000 )) ms"
echo "purge total: $(( (t2 - t0) / 1000000 )) ms"
echo "report of purpose kept started 0.3 s before the purge: ${concurrent} ms (alone: ${alone} ms)"
psql -X -q -d "$DB" -c "SELECT rows_dropped, cardinality(relations) AS relations, cardinality(files) AS files FROM migstat.purge"
echo "verification: $verification"
case "$verification" in *'"ok": true'*) ;; *) echo "verification not ok" >&2; exit 1 ;; esac
