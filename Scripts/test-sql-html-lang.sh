#!/usr/bin/env bash
# Reports in Russian and Kyrgyz (issue 13, item 4), rendered as HTML and opened in headless Chromium.
# Builds its own database with the real installer (`migstat db init`: schema, code lists and their
# ru/ky labels), imports a synthetic batch (Scripts/generate-batch.py) as a loader, renders
# `report --by sex,age --format html --lang ru|ky` and a declared-style layout of nationality x sex as
# an administrator, checks each page (its lang attribute, Cyrillic headings and labels, Kyrgyz letters
# in the Kyrgyz page, no English legend left) and opens it with Scripts/check-html-report.sh
# (screenshot, no console message). Also the text table in both languages. Drops everything it made.
#
#   Scripts/test-sql-html-lang.sh           prints "ok - ..." / "not ok - ..." and "N passed, M failed"
#   MIGSTAT_SCREENSHOT_DIR=DIR ...          keep the screenshots (report-ru.png, report-ky.png, ...) in DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_base_packages
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if ! Scripts/pg.sh status >/dev/null 2>&1; then
    Scripts/pg.sh start
fi
eval "$(Scripts/pg.sh env)"

suffix=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
DB=migstat_langtest_$suffix
ADMIN=langtest_${suffix}_admin
LOADER=langtest_${suffix}_loader
OUT=$(mktemp -d)
SHOTS=${MIGSTAT_SCREENSHOT_DIR:-$OUT}
mkdir -p "$SHOTS"
tag=""

cleanup() {
    local rc=$?
    drop_suite_objects "$DB" "$tag" $ADMIN $LOADER
    rm -rf "$OUT"
    exit $rc
}
trap cleanup EXIT

bin=${MIGSTAT_BIN:-$(swift build --show-bin-path)/migstat}
[ -x "$bin" ] || swift build --product migstat >&2
export MIGSTAT_KEY_DIR="$OUT/keys"
mkdir -p "$MIGSTAT_KEY_DIR"

passed=0
failed=0
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@" >"$OUT/check.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok - $name"
    else
        failed=$((failed + 1))
        echo "not ok - $name"
        sed 's/^/# /' "$OUT/check.log"
    fi
}

createdb "$DB"
"$bin" db init --dsn "dbname=$DB" >"$OUT/db-init.log" 2>&1 || { cat "$OUT/db-init.log" >&2; fatal "db init failed"; }
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
psql -X -q -d postgres -c "CREATE ROLE $ADMIN LOGIN; CREATE ROLE $LOADER LOGIN" >/dev/null
psql -X -q -d "$DB" -c "GRANT migstat_admin TO $ADMIN; GRANT CONNECT ON DATABASE $DB TO $ADMIN" >/dev/null
as_admin=(--dsn "dbname=$DB user=$ADMIN")
"$bin" purpose add flows --description "language test" --retain-until "5 years" "${as_admin[@]}" >/dev/null 2>&1
"$bin" access grant "$LOADER" loader --purpose flows "${as_admin[@]}" >/dev/null 2>&1
python3 Scripts/generate-batch.py --rows 3000 --seed 13 "$OUT/batch.csv" >/dev/null
"$bin" import "$OUT/batch.csv" --source border --purpose flows --dsn "dbname=$DB user=$LOADER" >/dev/null 2>&1 \
    || fatal "import failed"

check "the shipped ru and ky labels are in migstat.code_label" \
    test "$(psql -X -At -d "$DB" -c "SELECT count(DISTINCT lang) FROM migstat.code_label WHERE lang IN ('ru','ky')")" = 2

page_checks() { # page_checks FILE LANG WORDS...
    local file=$1 lang=$2
    shift 2
    grep -q "<html lang=\"$lang\">" "$file" || { echo "no <html lang=\"$lang\">"; return 1; }
    local word
    for word in "$@"; do
        grep -qF -- "$word" "$file" || { echo "missing: $word"; return 1; }
    done
    # No English words of the page left (headings, legend, footer).
    ! grep -qE '>(Table|Charts|Legend|Estimates)<|Codes follow SDMX conventions|Not published \(CONF' "$file" \
        || { echo "English left on the page"; return 1; }
}

for lang in ru ky; do
    case $lang in
        ru) words=("Таблица" "Диаграммы" "Возрастная группа" "Женщины" "Мужчины" "Всего" "Половозрастная пирамида") ;;
        ky) words=("Таблица" "Диаграммалар" "Курак тобу" "Аялдар" "Эркектер" "Бардыгы" "Жыныстык-курактык пирамида") ;;
    esac
    "$bin" report --by sex,age --format html --lang "$lang" --output "$OUT/report-$lang.html" "${as_admin[@]}" \
        >/dev/null 2>"$OUT/report-$lang.err" || { cat "$OUT/report-$lang.err"; }
    check "html $lang: lang attribute, Cyrillic headings, labels and legend" page_checks "$OUT/report-$lang.html" "$lang" "${words[@]}"
    check "html $lang: opens in headless Chromium without console messages (screenshot $SHOTS/report-$lang.png)" \
        Scripts/check-html-report.sh "$OUT/report-$lang.html" "$SHOTS/report-$lang.png"
    "$bin" report --by nationality,sex --format html --lang "$lang" --output "$OUT/nat-$lang.html" "${as_admin[@]}" \
        >/dev/null 2>&1 || true
    check "html $lang: nationality x sex with country names from iso-codes" \
        page_checks "$OUT/nat-$lang.html" "$lang" "$([ $lang = ru ] && echo Киргизия || echo Кыргызстан)"
    check "html $lang: nationality x sex opens in headless Chromium (screenshot $SHOTS/nat-$lang.png)" \
        Scripts/check-html-report.sh "$OUT/nat-$lang.html" "$SHOTS/nat-$lang.png"
    COLUMNS=100 "$bin" report --by sex,direction --lang "$lang" "${as_admin[@]}" >"$OUT/table-$lang.txt" 2>&1 || true
    check "table $lang: words and labels" grep -qE "$([ $lang = ru ] && echo 'Условные обозначения' || echo 'Шарттуу белгилер')" "$OUT/table-$lang.txt"
done
check "the Kyrgyz page uses Kyrgyz letters" grep -qE '[өүң]' "$OUT/report-ky.html"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
