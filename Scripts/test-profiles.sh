#!/usr/bin/env bash
# Mapping profiles against the Frictionless Data validator (PyPI `frictionless`): every profile under
# SampleData/profiles/ (and any PROFILE given) must be a valid Data Resource descriptor, so that a
# profile is a standard descriptor with only migstat's x-source and x-codes added. A descriptor the
# validator must refuse is checked too (so a validator that accepts anything fails the suite).
# A missing validator is installed with pip; if it still cannot be imported the suite FAILS.
#
#   Scripts/test-profiles.sh [PROFILE...]
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

if ! python3 -c "import frictionless, yaml" 2>/dev/null; then
    log "installing the Frictionless validator (pip install frictionless)"
    python3 -m pip install --quiet frictionless pyyaml >/dev/null 2>&1 || true
fi
python3 -c "import frictionless, yaml" 2>/dev/null || fatal "the Frictionless validator (python3 -m pip install frictionless) is missing: the profiles cannot be validated"

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(SampleData/profiles/*.yaml)
python3 - "${profiles[@]}" <<'PY'
import sys
import yaml
from frictionless import Resource

passed = failed = 0
def check(name, descriptor, expect_valid):
    global passed, failed
    report = Resource.validate_descriptor(descriptor)
    if report.valid == expect_valid:
        passed += 1
        print("ok - %s %s" % (name, "is a valid Data Resource" if expect_valid else "is refused, as it must be"))
    else:
        failed += 1
        messages = "; ".join(m[0] for m in report.flatten(["message"])) or "accepted"
        print("not ok - %s: %s" % (name, messages))

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        descriptor = yaml.safe_load(f)
    check(path, descriptor, True)
    # Without migstat's keys the descriptor is still the same standard resource.
    for field in descriptor.get("schema", {}).get("fields", []):
        field.pop("x-source", None)
        field.pop("x-codes", None)
    check(path + " (without x-source, x-codes)", descriptor, True)
check("a field of an unknown type", {"name": "bad", "path": "bad.csv",
      "schema": {"fields": [{"name": "sex", "type": "nonsense"}]}}, False)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
