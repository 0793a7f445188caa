"""Attack 4: the within-table LP attack on declared special-category tables (issue 9).

The admin declares (and releases: migstat.programme_release) two special-category tables of purpose "mig": disability x nationality, and the
issue's 560-cell table age (five-year bands, 20 with the total) x disability (4) x migration status
(7). The analyst reads each with migstat.declared_report and, for each table on its own, solves the
min / max LP of every withheld cell (lp.py: published cells, additivity, withheld >= 1, published
zeros). Checked, with the truth from migstat.table_audit (as the auditor) and from the records (as
the superuser), only for the assertions:

  * flags: a withheld cell has obs_value NULL and conf_status C, never A or D; published cells carry
    the exact count;
  * for every primary cell (true x in 1..K-1, K = threshold_special: these tables use special
    categories) the LP maximum is >= x + K - 1 (the guarantee), so no primary cell is pinned;
  * the LP interval contains table_audit's certified interval (lp min <= certified lower, lp max >=
    certified upper; an unbounded certificate needs an unbounded LP);
  * table_audit lists exactly the cells the analyst sees withheld.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Refused, Tap, lit, require_api, settings, truth  # noqa: E402
import lp  # noqa: E402

SIGS = ["migstat.declare_table(text,text,text,text[],jsonb,text,text)", "migstat.declared_report(text,text)",
        "migstat.table_audit(text,text)", "migstat.programme_release(text)"]
SPECIAL_DIMS = {"ethnicity", "disability", "migration_status"}
TABLES = [("dis_nat", "Disability by nationality", ["disability", "nationality"]),
          ("age_dis_ms", "Age by disability by migration status", ["age", "disability", "migration_status"])]


def five_year(age):
    if age is None:
        return "_Z"
    if age < 5:
        return "Y_LT5"
    if age >= 85:
        return "Y_GE85"
    return "Y%d-%d" % (age // 5 * 5, age // 5 * 5 + 4)


def truth_cube(dims, recs, age_label=five_year):
    """Checker side: {coord with '_T' margins: count} over the records."""
    from itertools import product
    cube = {}
    for r in recs:
        vals = [age_label(r["age"]) if d == "age" else (r[d] if r[d] not in ("", None) else "_Z") for d in dims]
        for mask in product((0, 1), repeat=len(dims)):
            k = tuple("_T" if m else v for v, m in zip(vals, mask))
            cube[k] = cube.get(k, 0) + 1
    return cube


def declare(tap, role, purpose, name, title, dims, bands=None):
    att = Attacker(role)
    try:
        att.sql("SELECT migstat.declare_table(%s, %s, %s, ARRAY[%s]::text[], '{}'::jsonb, %s, NULL)"
                % (lit(purpose), lit(name), lit(title), ", ".join(lit(d) for d in dims), lit(bands)))
        return True
    except Refused as e:
        tap.ok(False, "%s declares %s.%s" % (role, purpose, name), str(e))
        return False


def release(tap, role, purpose):
    """Releases the purpose's programme (declared tables are published only from a release)."""
    try:
        run = Attacker(role).sql("SELECT migstat.programme_release(%s)" % lit(purpose))[0][0]
        tap.ok(True, "%s releases the programme of %s (run %s)" % (role, purpose, run))
        return True
    except Refused as e:
        tap.ok(False, "%s releases the programme of %s" % (role, purpose), str(e))
        return False


def audit(purpose, table):
    aud = Attacker("auditor")
    rows = aud.sql("SELECT array_to_string(cell_dims, '|'), value, status, lower_bound, upper_bound "
                   "FROM migstat.table_audit(%s, %s)" % (lit(purpose), lit(table)))
    return {tuple(r[0].split("|")): (int(r[1]), r[2], float(r[3]) if r[3] != "" else None,
                                     float(r[4]) if r[4] != "" else math.inf if r[2] == "primary" else None)
            for r in rows}


def check_table(tap, who, purpose, name, dims, res, K, recs):
    """Flags, exact published counts, LP vs the guarantee and the certificates."""
    bad_flags = [(k, v) for k, v in res.items() if (v[0] is None) != (v[1] == "C") or v[1] in ("A", "D")]
    tap.ok(not bad_flags, "%s: %s: withheld cells are NULL with conf_status C, never A or D (%d cells, %d withheld)"
           % (who, name, len(res), sum(1 for v in res.values() if v[0] is None)),
           *["%s: %s" % x for x in bad_flags[:10]])
    cube = truth_cube(dims, recs)
    wrong = [(k, v[0], cube.get(k, 0)) for k, v in res.items() if v[0] is not None and v[0] != cube.get(k, 0)]
    tap.ok(not wrong, "%s: %s: every published cell is the exact count" % (who, name),
           *["%s: published %s, true %s" % x for x in wrong[:10]])
    union, cells, _ = lp.merge([(dims, res)])
    iv = lp.intervals(union, cells)
    au = audit(purpose, name)
    withheld = {k for k, v in res.items() if v[0] is None}
    tap.ok(set(au) == withheld, "%s: %s: table_audit lists exactly the cells the reader sees withheld" % (who, name),
           "only in table_audit: %s" % sorted(set(au) - withheld)[:5], "only withheld: %s" % sorted(withheld - set(au))[:5])
    prim = {k: v for k, v in au.items() if v[1] == "primary"}
    short = [(k, v[0], iv[k]) for k, v in prim.items() if k in iv and iv[k][1] < v[0] + K - 1 - 1e-6]
    pinned = [k for k, (a, b) in iv.items() if b - a < 1e-6]
    tap.diag("%s: %s: %d withheld (%d primary), LP: %d pinned exactly, primary cells with max < x+K-1: %d, "
             "narrowest primary upward room %s" % (who, name, len(withheld), len(prim), len(pinned), len(short),
                                                    min((iv[k][1] - v[0] for k, v in prim.items() if k in iv), default=None)))
    tap.ok(not short and prim.keys() <= iv.keys(),
           "%s: %s: the LP maximum of every primary cell (true x in 1..%d) is >= x + %d" % (who, name, K - 1, K - 1),
           *["%s: true %d, LP [%.2f, %.2f]" % (k, x, a, b) for k, x, (a, b) in short[:15]])
    tap.ok(not pinned, "%s: %s: no withheld cell is pinned exactly by the LP" % (who, name),
           *["%s: LP %s, true %s" % (k, iv[k], au.get(k, ("?",))[0]) for k in pinned[:10]])
    notcont = [(k, v, iv[k]) for k, v in prim.items() if k in iv and
               (iv[k][0] > v[2] + 1e-6 or (v[3] is not None and iv[k][1] < v[3] - 1e-6))]
    tap.ok(not notcont, "%s: %s: the LP interval of every primary cell contains table_audit's certified interval" % (who, name),
           *["%s: true %d, certified [%s, %s], LP [%.2f, %.2f]" % (k, v[0], v[2], v[3], a, b) for k, v, (a, b) in notcont[:10]])
    return iv, au


def main():
    tap = Tap()
    if not require_api(tap, *SIGS):
        return 1
    st = settings()
    K = int(st["threshold_special"])
    recs = truth()
    for name, title, dims in TABLES:
        if not declare(tap, "admin", "mig", name, title, dims):
            return 1
    tap.ok(True, "admin declares the special-category tables %s of purpose mig" % ", ".join(t[0] for t in TABLES))
    if not release(tap, "admin", "mig"):
        return 1
    att = Attacker("analyst")
    for name, _title, dims in TABLES:
        try:
            res = att.declared_report("mig", name)
        except Refused as e:
            tap.ok(False, "analyst reads mig.%s" % name, str(e))
            continue
        check_table(tap, "analyst", "mig", name, dims, res, K, recs)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
