#!/usr/bin/env bash
# Mapping-profile benchmark (issue 12): `migstat import` of a file through a profile against the
# canonical import of the equivalent canonical file, in the same run, alternating.
#
#   Scripts/bench-profile.sh [ROWS]          default: 1000000
#
# Environment:
#   BENCH_RUNS   pairs of measurements (default 3): canonical, profile, canonical, profile, ...; the
#                ratio profile/canonical is reported for the best of each and as the median of the
#                pairs' ratios (each pair ran back to back, so a pair's ratio is the least affected by
#                other load on the machine).
#   MIGSTAT_BIN  benchmark this migstat binary instead of building one (`swift build -c release`).
#
# The canonical file is Scripts/generate-batch.py's (seed 1); the profile file is the same rows
# rewritten into a source's layout: `;` as delimiter, every header renamed (Cyrillic), event_date as
# DD.MM.YYYY, sex and direction as local codes (Ж/М/Д/Н, Въезд/Выезд: x-codes), age as a birth date
# (DD.MM.YYYY, age derived at the event date), both UTF-8. The profile is registered for the source
# (`migstat profile add`), so the import takes the registered-profile path. Both imports run as the
# same loader into a scratch database migstat_bench_profile (recreated), each batch withdrawn after its
# run; a checkpoint before each. The figure is migstat's own rows_per_second (wall clock of the whole
# import, commit included) and its peak RSS. A benchmark, not a test: it reports and exits 0.
# See Benchmarks/README.md, "Mapping profiles".
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

ROWS=${1:-1000000}
RUNS=${BENCH_RUNS:-3}
for n in "$ROWS" "$RUNS"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || fatal "usage: $0 [ROWS] (a positive whole number; BENCH_RUNS too)"
done

ensure_base_packages
ensure_packages time
if [ -n "${MIGSTAT_BIN:-}" ]; then
    BIN=$MIGSTAT_BIN
    log "benchmarking $BIN (MIGSTAT_BIN; not building)"
else
    command -v swift >/dev/null || fatal "Swift 6.3 is required (https://www.swift.org/install/)"
    log "building migstat (release)"
    swift build -c release --product migstat 2>&1 | tail -n 1
    BIN=$(swift build -c release --show-bin-path)/migstat
fi
[ -x "$BIN" ] || fatal "no migstat binary at $BIN"

Scripts/pg.sh start
eval "$(Scripts/pg.sh env)"
export PGDATABASE=migstat_bench_profile
export PGOPTIONS="-c client_min_messages=warning"
BENCH=$MIGSTAT_ROOT/.bench/profile
export MIGSTAT_KEY_DIR=$BENCH/keys
mkdir -p "$BENCH"
rm -rf "$MIGSTAT_KEY_DIR"
PURPOSE=bench
ADMIN=bench_profile_admin
LOADER=bench_profile_loader

log "recreating database $PGDATABASE"
psql -q -X -d postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" \
    -c "CREATE DATABASE $PGDATABASE" >/dev/null
init=$("$BIN" db init 2>&1) || { printf '%s\n' "$init" >&2; fatal "migstat db init failed"; }
for who in $ADMIN $LOADER; do
    psql -q -X -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$who') THEN CREATE ROLE $who LOGIN; END IF; END \$\$"
done
psql -q -X -v ON_ERROR_STOP=1 -c "GRANT migstat_admin TO $ADMIN" -c "GRANT CONNECT ON DATABASE $PGDATABASE TO $ADMIN"
"$BIN" purpose add "$PURPOSE" --description "Profile benchmark (synthetic data)" --retain-until "1 year" \
    --dsn "user=$ADMIN" >/dev/null 2>&1
"$BIN" access grant $LOADER loader --purpose "$PURPOSE" --dsn "user=$ADMIN" >/dev/null

# --- the two files and the profile, generated once per size ------------------------------------------
CANONICAL=$BENCH/canonical-$ROWS.csv
MAPPED=$BENCH/profile-$ROWS.csv
PROFILE=$BENCH/profile.yaml
if [ ! -s "$CANONICAL" ]; then
    log "generating $CANONICAL ($ROWS rows)"
    python3 Scripts/generate-batch.py --rows "$ROWS" --seed 1 "$CANONICAL.tmp"
    mv "$CANONICAL.tmp" "$CANONICAL"
fi
python3 - "$CANONICAL" "$MAPPED" "$PROFILE" <<'PY'
import csv, datetime, os, sys
canonical, mapped, profile = sys.argv[1:]
HEADERS = {
    "record_id": "№ записи", "person_id": "Паспорт", "event_date": "Дата", "direction": "Направление",
    "sex": "Пол", "age": "Дата рождения", "nationality": "Гражданство", "country": "Страна",
    "region": "Область", "reason": "Цель", "occupation": "Занятие", "worker_category": "Категория",
    "ethnicity": "Национальность", "migration_status": "Статус", "disability": "Инвалидность",
}
SEX = {"F": "Ж", "M": "М", "_O": "Д", "_U": "Н"}
DIRECTION = {"IN": "Въезд", "OUT": "Выезд"}
with open(profile, "w", encoding="utf-8") as f:
    f.write("# Written by Scripts/bench-profile.sh: the benchmark's source layout.\n"
            "name: bench-profile\npath: profile.csv\nformat: csv\nencoding: utf-8\n"
            "dialect:\n  delimiter: \";\"\n  header: true\n"
            "schema:\n  fieldsMatch: exact\n  fields:\n")
    for name, source in HEADERS.items():
        if name == "age":
            f.write("    - name: birth_date\n      type: date\n      format: \"%%d.%%m.%%Y\"\n      x-source: %s\n" % source)
            continue
        f.write("    - name: %s\n" % name)
        if name == "event_date":
            f.write("      type: date\n      format: \"%d.%m.%Y\"\n")
        elif name in ("disability",):
            f.write("      type: string\n")
        f.write("      x-source: %s\n" % source)
        if name == "sex":
            f.write("      x-codes: {%s}\n" % ", ".join("%s: %s" % (v, k) for k, v in SEX.items()))
        if name == "direction":
            f.write("      x-codes: {%s}\n" % ", ".join("%s: %s" % (v, k) for k, v in DIRECTION.items()))
if os.path.exists(mapped) and os.path.getmtime(mapped) >= os.path.getmtime(canonical):
    sys.exit(0)
def birth_date(event, age):
    # A birth date giving exactly `age` completed years at the event: the day after the event's date,
    # age + 1 years earlier (29 February: 1 March).
    y, m, d = (int(p) for p in event.split("-"))
    try:
        born = datetime.date(y - int(age) - 1, m, d) + datetime.timedelta(days=1)
    except ValueError:
        born = datetime.date(y - int(age) - 1, 3, 1)
    return born.strftime("%d.%m.%Y")
with open(canonical, newline="", encoding="utf-8") as src, open(mapped + ".tmp", "w", newline="", encoding="utf-8") as dst:
    reader = csv.reader(src)
    header = next(reader)
    writer = csv.writer(dst, delimiter=";", lineterminator="\n")
    writer.writerow([HEADERS[h] for h in header])
    i = {h: k for k, h in enumerate(header)}
    for row in reader:
        event = row[i["event_date"]]
        if row[i["age"]]:
            row[i["age"]] = birth_date(event, row[i["age"]])
        y, m, d = event.split("-")
        row[i["event_date"]] = "%s.%s.%s" % (d, m, y)
        row[i["sex"]] = SEX.get(row[i["sex"]], row[i["sex"]])
        row[i["direction"]] = DIRECTION.get(row[i["direction"]], row[i["direction"]])
        writer.writerow(row)
os.replace(mapped + ".tmp", mapped)
PY
"$BIN" profile add bench-source "$PROFILE" --replace --dsn "user=$ADMIN" >/dev/null 2>"$BENCH/add.err" \
    || { cat "$BENCH/add.err" >&2; fatal "profile add failed"; }
log "profile check of the first rows:"
"$BIN" profile check "$PROFILE" "$MAPPED" --rows 1 | head -n 12 >&2 || true

now() { date +%s.%N; }
settle() { psql -q -X -v ON_ERROR_STOP=1 -c "CHECKPOINT" >/dev/null; }

# run KIND FILE SOURCE: one import as the loader; sets RATE (rows/s, empty on failure), RSS (kB) and CPU
# (migstat's own user + system seconds: where a profile costs, and less disturbed by other load than
# the wall clock).
run() {
    local kind=$1 file=$2 source=$3 out=$BENCH/$1.out usage=$BENCH/$1.usage status=0 batch accepted user sys
    settle
    /usr/bin/time -f '%M %U %S' -o "$usage" \
        "$BIN" import "$file" --source "$source" --purpose "$PURPOSE" --json --dsn "user=$LOADER" \
        >"$out" 2>"$BENCH/$kind.err" || status=$?
    read -r RSS user sys < <(tail -n 1 "$usage")
    CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    RATE=""
    if [ "$status" -ne 0 ] || ! grep -q '"outcome": "committed"' "$out"; then
        log "$kind import failed (exit $status):"
        cat "$out" "$BENCH/$kind.err" >&2
        return 0
    fi
    accepted=$(sed -n 's/.*"accepted": \([0-9]*\).*/\1/p' "$out")
    [ "$accepted" = "$ROWS" ] || log "warning: $kind: $accepted of $ROWS rows accepted (see $out)"
    RATE=$(sed -n 's/.*"rows_per_second": \([0-9]*\).*/\1/p' "$out")
    batch=$(sed -n 's/.*"batch": \([0-9]*\).*/\1/p' "$out")
    "$BIN" batches withdraw "$batch" --reason "benchmark run" --dsn "user=$LOADER" >/dev/null
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
RATIOS=()
CPU_RATIOS=()
BEST_C=0 BEST_P=0 RSS_C=0 RSS_P=0
printf '%-5s %16s %16s %8s %14s %12s %10s\n' pair "canonical rows/s" "profile rows/s" ratio "canonical CPU" "profile CPU" "CPU ratio"
for ((r = 1; r <= RUNS; r++)); do
    run canonical "$CANONICAL" bench-canonical
    c=$RATE c_cpu=$CPU; RSS_C=$(( RSS > RSS_C ? RSS : RSS_C ))
    run profile "$MAPPED" bench-source
    p=$RATE p_cpu=$CPU; RSS_P=$(( RSS > RSS_P ? RSS : RSS_P ))
    if [ -z "$c" ] || [ -z "$p" ]; then
        printf '%-5s %16s %16s %8s\n' "$r" "${c:-failed}" "${p:-failed}" "-"
        continue
    fi
    ratio=$(awk -v a="$p" -v b="$c" 'BEGIN { printf "%.3f", a / b }')
    # Rows per CPU second of migstat itself, profile over canonical (same rows: canonical CPU / profile CPU).
    cpu_ratio=$(awk -v a="$c_cpu" -v b="$p_cpu" 'BEGIN { printf "%.3f", a / b }')
    RATIOS+=("$ratio")
    CPU_RATIOS+=("$cpu_ratio")
    (( c > BEST_C )) && BEST_C=$c
    (( p > BEST_P )) && BEST_P=$p
    printf '%-5s %16s %16s %8s %13ss %11ss %10s\n' "$r" "$c" "$p" "$ratio" "$c_cpu" "$p_cpu" "$cpu_ratio"
done
[ ${#RATIOS[@]} -gt 0 ] || fatal "no pair of imports succeeded"
MEDIAN=$(printf '%s\n' "${RATIOS[@]}" | median)
CPU_MEDIAN=$(printf '%s\n' "${CPU_RATIOS[@]}" | median)
BEST=$(awk -v a="$BEST_P" -v b="$BEST_C" 'BEGIN { printf "%.3f", a / b }')
printf '%-5s %16s %16s %8s\n' best "$BEST_C" "$BEST_P" "$BEST"
echo "median of the pairs' ratios: $MEDIAN (${#RATIOS[@]} pairs; target >= 0.9); client CPU ratio (median): $CPU_MEDIAN"
echo "max RSS: canonical $((RSS_C / 1024)) MB, profile $((RSS_P / 1024)) MB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
