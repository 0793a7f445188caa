#!/usr/bin/env bash
# Checks an HTML report (migstat report --format html) in a real browser: renders it with headless
# Chromium to a PNG screenshot (for a person to look at) and fails if the page logs any console
# message (script errors, blocked loads, CSP violations: a report page has no scripts and needs
# nothing but itself, so it logs nothing at all), if the page cannot be loaded, or if the
# screenshot is missing or empty.
#
#   Scripts/check-html-report.sh REPORT.html OUT.png
#
# Installs Debian's chromium if it is missing. Exit status 0 ok, 1 problem found, 2 usage.
. "$(dirname "$0")/lib.sh"

if [ $# -ne 2 ]; then
    printf 'usage: %s HTMLFILE OUTPNG\n' "$(basename "$0")" >&2
    exit 2
fi
html=$1
png=$2
[ -f "$html" ] && [ -s "$html" ] || fatal "$html: missing or empty"

ensure_packages chromium python3
command -v chromium >/dev/null || fatal "chromium is not installed"

url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$html")
png_abs=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve())' "$png")
mkdir -p "$(dirname "$png_abs")"
rm -f "$png_abs"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chrome=(chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
        --no-default-browser-check --disable-extensions --disable-background-networking --hide-scrollbars
        --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --log-level=0)

# 1. The screenshot.
if ! timeout 120 "${chrome[@]}" --window-size=1280,2000 --screenshot="$png_abs" "$url" \
        >"$work/shot.out" 2>"$work/shot.log"; then
    cat "$work/shot.log" >&2
    fatal "chromium failed to take the screenshot"
fi
# 2. The DOM after load (proves the page parsed), with the console log.
if ! timeout 120 "${chrome[@]}" --virtual-time-budget=2000 --dump-dom "$url" \
        >"$work/dom.html" 2>"$work/dom.log"; then
    cat "$work/dom.log" >&2
    fatal "chromium failed to load the page"
fi

status=0
# Console messages reach stderr as `...:CONSOLE(line)] "message", source: ...`; uncaught exceptions and
# refused loads (CSP) are console errors too.
if grep -hE 'CONSOLE|Uncaught|Refused to|Failed to load|net::ERR_' "$work/shot.log" "$work/dom.log" \
        | grep -v 'ERR_BLOCKED_BY_CLIENT' >"$work/console.txt"; then
    log "console messages while rendering $html:"
    sed 's/^/  /' "$work/console.txt" >&2
    status=1
fi
if ! grep -q '</html>' "$work/dom.html"; then
    log "the page did not load ($html): empty DOM"
    status=1
fi
if [ ! -s "$png_abs" ] || [ "$(head -c 8 "$png_abs" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    log "no screenshot: $png_abs is missing, empty or not a PNG"
    status=1
fi
if [ "$status" -eq 0 ]; then
    log "ok: $html renders without console errors; screenshot $png_abs ($(stat -c %s "$png_abs") bytes)"
fi
exit "$status"
