"""Attack 5: the programme LP (issue 9): linked declared tables attacked at once.

The admin declares (and releases) three tables of purpose "mig" that share margins: sex x age, sex x direction,
age x direction (five-year bands: the programme's classification). The analyst reads every declared
table of the purpose (these three and any declared before, e.g. attack 4's) and solves one LP over
all of them (lp.py: a cell of one table and a cell of another are the same cell when their
coordinates over the union of the dimensions are equal). Checked:

  * the same cell has the same value and the same flag in every table that shows it;
  * no withheld cell is pinned exactly by the joint LP;
  * for every primary cell of every table (table_audit as the auditor; K = threshold, or
    threshold_special for a table with a special category) the joint LP maximum is >= x + K - 1;
  * the joint LP interval contains table_audit's certified interval.
"""
import importlib
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Refused, Tap, lit, require_api, settings, su  # noqa: E402
import lp  # noqa: E402

t4 = importlib.import_module("04_declared_lp")
TABLES = [("sex_age", "Sex by age", ["sex", "age"]), ("sex_dir", "Sex by direction", ["sex", "direction"]),
          ("age_dir", "Age by direction", ["age", "direction"])]


def programme(att, purpose):
    rows = att.sql("SELECT name, array_to_string(dims, '|') FROM migstat.declared_tables(%s) WHERE retired_at IS NULL "
                   "ORDER BY name" % lit(purpose))
    return [(r[0], r[1].split("|")) for r in rows]


def attack(tap, role, purpose, st):
    """Reads the whole programme as `role` and runs the joint LP; returns False if it could not."""
    att = Attacker(role)
    try:
        tabs = programme(att, purpose)
    except Refused as e:
        tap.ok(False, "%s lists the declared tables of %s" % (role, purpose), str(e))
        return False
    read = []
    for name, dims in tabs:
        try:
            read.append((name, dims, att.declared_report(purpose, name)))
        except Refused as e:
            tap.ok(False, "%s reads %s.%s" % (role, purpose, name), str(e))
            return False
    union, cells, conflicts = lp.merge([(d, r) for _n, d, r in read])
    tap.ok(not conflicts, "%s: the same cell has the same value and flag in every declared table of %s (%d tables, %d cells)"
           % (role, purpose, len(read), len(cells)),
           *["%s: %s" % (c, [(read[i][0], v, s) for i, v, s in x]) for c, x in conflicts[:10]])
    iv = lp.intervals(union, cells)
    pinned = [c for c, (a, b) in iv.items() if b - a < 1e-6]
    short, notcont, nprim = [], [], 0
    for name, dims, res in read:
        K = int(st["threshold_special"] if set(dims) & t4.SPECIAL_DIMS else st["threshold"])
        au = t4.audit(purpose, name)
        for k, (x, status, lo, hi) in au.items():
            if status != "primary":
                continue
            nprim += 1
            coord = tuple(k[dims.index(d)] if d in dims else "_T" for d in union)
            a, b = iv.get(coord, (None, None))
            if a is None:
                short.append((name, k, x, "not withheld for the reader"))
                continue
            if b < x + K - 1 - 1e-6:
                short.append((name, k, x, "LP [%.2f, %.2f], K %d" % (a, b, K)))
            if a > lo + 1e-6 or (hi is not None and b < hi - 1e-6):
                notcont.append((name, k, x, "certified [%s, %s], LP [%.2f, %.2f]" % (lo, hi, a, b)))
    tap.diag("%s: joint LP over %s: %d cells, %d withheld, %d primary (table, cell) pairs, %d pinned, %d short of x+K-1"
             % (role, ", ".join(n for n, _d, _r in read), len(cells), len(iv), nprim, len(pinned), len(short)))
    tap.ok(not pinned, "%s: no withheld cell of the programme is pinned exactly by the joint LP" % role,
           *["%s: LP %s" % (c, iv[c]) for c in pinned[:10]])
    tap.ok(not short, "%s: the joint LP maximum of every primary cell of every declared table is >= x + K - 1" % role,
           *["%s %s: true %d, %s" % s for s in short[:15]])
    tap.ok(not notcont, "%s: the joint LP interval of every primary cell contains table_audit's certified interval" % role,
           *["%s %s: true %d, %s" % s for s in notcont[:15]])
    return True


def main():
    tap = Tap()
    if not require_api(tap, *t4.SIGS, "migstat.declared_tables(text)"):
        return 1
    for name, title, dims in TABLES:
        if not t4.declare(tap, "admin", "mig", name, title, dims):
            return 1
    tap.ok(True, "admin declares %s of purpose mig" % ", ".join(t[0] for t in TABLES))
    # Tables declared after a release are released with the next batches (a release of the same
    # batches keeps what the earlier one published, and these tables cannot be protected that way):
    # the next import comes first (as the superuser, the loader's path).
    su("SELECT dcx.load('late', 'mig', 'gen_other')")
    if not t4.release(tap, "admin", "mig"):
        return 1
    attack(tap, "analyst", "mig", settings())
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
