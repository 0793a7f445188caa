#!/usr/bin/env bash
# The README's second command: runs the whole test suite against a real PostgreSQL it starts.
#   1. installs what is missing, starts the project's private PostgreSQL cluster;
#   2. swift test: unit tests of every module and the integration tests (real server, real
#      migstat binary, psql); MIGSTAT_REQUIRE_DB=1 turns a missing database into a failure;
#   3. the SQL suites (access control proofs, reports) under Scripts/test-sql-*.sh, each
#      connecting as a login user of each role;
#   4. the demo, and its HTML report checked in headless Chromium (screenshot, no console error).
# Exit status is non-zero if anything failed.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

ensure_base_packages
command -v swift >/dev/null || fatal "Swift 6.3 is required"
Scripts/pg.sh start
eval "$(Scripts/pg.sh env)"
export MIGSTAT_REQUIRE_DB=1
export MIGSTAT_BIN_DIR
log "building"
swift build --build-tests 2>&1 | tail -n 1
MIGSTAT_BIN_DIR=$(swift build --show-bin-path)

status=0
log "swift test"
set +e
swift test --skip-build --no-parallel 2>&1 | tee .pg-test.log
swift_status=${PIPESTATUS[0]}
set -e
[ "$swift_status" -eq 0 ] || status=1
# A run that executed no test is not a pass.
grep -qE "Test run with [1-9][0-9]* tests?" .pg-test.log || { log "swift test ran no test"; status=1; }
for suite in Scripts/test-sql-*.sh; do
    [ -x "$suite" ] || continue
    log "$suite"
    "$suite" || status=1
done
rm -f .pg-test.log
# The HTML reports (the demo's declared pyramid sex_age, and a flexible sex x age table) opened in a
# real headless browser: a screenshot is taken and any console error fails the run
# (Scripts/check-html-report.sh). Uses the demo database (rebuilt by demo.sh).
log "HTML report in headless Chromium"
if Scripts/demo.sh >.pg-demo.log 2>&1 \
    && PGDATABASE=migstat_demo MIGSTAT_KEY_DIR=.demo/keys "$MIGSTAT_BIN_DIR/migstat" report --table sex_age \
        --purpose labour_2024 --format html --output .pg-report.html --dsn user=demo_analyst \
    && grep -q '<h1>Entries and exits by sex and age</h1>' .pg-report.html \
    && ! grep -qE '<sup>[AD]</sup>' .pg-report.html \
    && Scripts/check-html-report.sh .pg-report.html .pg-report.png \
    && PGDATABASE=migstat_demo MIGSTAT_KEY_DIR=.demo/keys "$MIGSTAT_BIN_DIR/migstat" report --by sex,age \
        --format html --output .pg-report.html --dsn user=demo_analyst \
    && grep -q 'Values are perturbed' .pg-report.html \
    && Scripts/check-html-report.sh .pg-report.html .pg-report.png; then
    log "HTML report: ok"
else
    log "HTML report: FAILED (see .pg-demo.log)"
    status=1
fi
rm -f .pg-report.html .pg-report.png
# The demo's last lines, pasted as printed into a fresh shell, run a report as demo_analyst.
log "the demo's lines to continue by hand"
Scripts/test-demo-continue.sh .pg-demo.log || status=1
if [ $status -ne 0 ]; then log "FAILED"; else log "all suites passed"; fi
exit $status
