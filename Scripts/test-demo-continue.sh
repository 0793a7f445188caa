#!/usr/bin/env bash
# The demo's last lines ("To continue by hand, ..."), pasted as printed into a fresh shell that has
# nothing of the demo's environment (env -i, another folder), run a report as demo_analyst.
#
#   Scripts/test-demo-continue.sh [DEMO_OUTPUT]   the demo's saved output; without it, runs Scripts/demo.sh
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

output=${1:-}
if [ -z "$output" ]; then
    output=$(mktemp)
    trap 'rm -f "$output"' EXIT
    Scripts/demo.sh >"$output" 2>&1 || { tail -n 20 "$output"; fatal "Scripts/demo.sh failed"; }
fi
lines=$(sed -n '/^To continue by hand, paste these lines into a shell/,$p' "$output" | tail -n +2 | sed '/^$/d')
[ -n "$lines" ] || fatal "the demo's output has no lines to continue by hand"
printf '%s\n' "$lines" | sed 's/^/    /'
work=$(mktemp -d)
set +e
(cd "$work" && env -i HOME="$HOME" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb bash -e -c "$lines") \
    >"$work/out" 2>"$work/err"
rc=$?
set -e
status=0
if [ "$rc" -ne 0 ]; then
    log "the pasted lines failed (exit $rc)"; cat "$work/err"; status=1
elif [ "$(grep -c . "$work/out")" -lt 8 ] || grep -q '^error:' "$work/err" || ! grep -q 'USAGE: migstat' "$work/out" \
     || ! grep -qiE '(^| )(F|Female)( |$)' "$work/out"; then
    log "the pasted lines printed no report and no help"; cat "$work/out" "$work/err"; status=1
else
    log "the demo's last lines run a report as demo_analyst: ok"
fi
rm -rf "$work"
exit $status
