"""Attack 6: attacks 1 and 4 again, as a steward (read access to purpose "other" only: no grant on
purpose "mig", no special-category clearance) and as an admin (promised no record-level data).
The bounds and the perturbation must hold for them exactly as for an analyst: the same checks, with
fewer people (DISC_PAIRS_ROLES, default 30 pairs) to keep the run short. For attack 4 they read the
declared special-category tables of "mig" (declared by attack 4, or here if it did not run) --
if a role may not read them at all, that is a refusal and passes.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Refused, Tap, require_api, settings, truth  # noqa: E402

t1 = importlib.import_module("01_complement_one_person")
t4 = importlib.import_module("04_declared_lp")
PAIRS = int(os.environ.get("DISC_PAIRS_ROLES", "30"))


def main():
    tap = Tap()
    if not require_api(tap, t1.SIGNATURE, *t4.SIGS, "migstat.declared_tables(text)"):
        return 1
    pairs = t1.targets(PAIRS, seed=6)
    st = settings()
    K = int(st["threshold_special"])
    recs = truth()
    have = {r[0] for r in Attacker("admin").sql("SELECT name FROM migstat.declared_tables('mig') WHERE retired_at IS NULL")}
    missing = [t for t in t4.TABLES if t[0] not in have]
    for name, title, dims in missing:
        if not t4.declare(tap, "admin", "mig", name, title, dims):
            return 1
    if missing and not t4.release(tap, "admin", "mig"):
        return 1
    for role in ("steward", "admin"):
        t1.attack(tap, role, pairs)
        att = Attacker(role)
        for name, _title, dims in t4.TABLES:
            try:
                res = att.declared_report("mig", name)
            except Refused as e:
                tap.ok(True, "%s: declared_report mig.%s refused (%s)" % (role, name, e.sqlstate), str(e))
                continue
            t4.check_table(tap, role, "mig", name, dims, res, K, recs)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
