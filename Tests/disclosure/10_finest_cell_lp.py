"""Attack 10: the strongest LP attacker over a purpose's whole release -- at the level of the records.

The analyst reads every declared table of purpose "mig" (released by attacks 04 and 05) and sets up
one LP whose variables are the finest cells of the cube over the union of the tables' dimensions
(every combination of their categories: what the records themselves could be), each >= 0. Every
published cell is an equation (the sum of its finest cells), every withheld cell is >= 1 (zeros are
published). Unlike the cell-level LP of attack 05 this includes every Fréchet bound between tables
that share dimensions. For each primary cell (truth from table_audit, read as the auditor only to
score) it maximises the cell: the guarantee (Docs/GUARANTEES.md D4) is that the maximum is at least
x + K - 1 for true value x.
"""
import itertools
import os
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Attacker, Refused, Tap, lit, require_api, settings  # noqa: E402


def main():
    tap = Tap()
    if not require_api(tap, "migstat.declared_report(text,text)", "migstat.declared_tables(text)",
                       "migstat.table_audit(text,text)"):
        return 1
    att = Attacker("analyst")
    # the tables of the latest release (what the analyst can read together)
    tables = [(r[0], r[1].strip("{}").split(",")) for r in att.sql(
        "SELECT d.name, d.dims FROM migstat.declared_tables('mig') d "
        "WHERE d.name IN (SELECT unnest(r.tables) FROM (SELECT tables FROM migstat.programme_releases('mig') "
        "ORDER BY run DESC LIMIT 1) r) ORDER BY d.name")]
    if not tap.ok(len(tables) >= 2, "analyst: purpose mig has a released programme of several tables (%d)" % len(tables)):
        return 1
    union = []
    for _, dims in tables:
        for d in dims:
            if d not in union:
                union.append(d)
    pub = {}
    for name, dims in tables:
        for cell, (value, conf) in att.declared_report("mig", name).items():
            key = tuple(cell[dims.index(d)] if d in dims else "_T" for d in union)
            pub[key] = None if conf == "C" else value
    cats = [sorted({k[j] for k in pub if k[j] != "_T"}) for j in range(len(union))]
    atoms = list(itertools.product(*cats))
    index = {a: i for i, a in enumerate(atoms)}
    keys = list(pub)
    rows, cols = [], []
    for r, k in enumerate(keys):
        for a in itertools.product(*[cats[j] if k[j] == "_T" else [k[j]] for j in range(len(union))]):
            rows.append(r)
            cols.append(index[a])
    A = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), len(atoms)))
    eq = [i for i, k in enumerate(keys) if pub[k] is not None]
    ge = [i for i, k in enumerate(keys) if pub[k] is None]
    tap.diag("union %s: %d finest cells, %d published cells, %d withheld" % (union, len(atoms), len(eq), len(ge)))

    st = settings()
    k_plain, k_special = int(st["threshold"]), int(st["threshold_special"])
    special = {"ethnicity", "disability", "migration_status"}
    auditor = Attacker("auditor")
    short, checked = [], 0
    for name, dims in tables:
        kk = k_special if special & set(dims) else k_plain
        for r in auditor.sql("SELECT array_to_string(cell_dims, '|'), value, status FROM migstat.table_audit('mig', %s)" % lit(name)):
            if r[2] != "primary":
                continue
            cell = r[0].split("|")
            key = tuple(cell[dims.index(d)] if d in dims else "_T" for d in union)
            x = int(r[1])
            res = linprog(-A[keys.index(key)].toarray()[0], A_ub=-A[ge], b_ub=-np.ones(len(ge)), A_eq=A[eq],
                          b_eq=np.array([pub[keys[i]] for i in eq], float), bounds=(0, None), method="highs")
            checked += 1
            top = float("inf") if res.status == 3 else -res.fun
            if res.status not in (0, 3) or top < x + kk - 1 - 1e-6:
                short.append("%s %s: true %d, LP max %s (status %d), needs >= %d" % (name, key, x, top, res.status, x + kk - 1))
    tap.ok(checked > 0 and not short,
           "analyst: over the finest cells of the whole release, no primary cell's LP maximum is below x + K - 1 (%d checked)" % checked,
           *short[:15])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
