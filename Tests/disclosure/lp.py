"""The LP attacker of attacks 4-6: the tightest interval of each withheld cell of one or several
declared tables that a linear-programming attacker can prove from what it was given.

Knowledge (as issue 9 states it): every published cell of every table read, additivity (every
margin "_T" equals the sum of its categories, along each dimension, with every other coordinate
fixed), withheld cells >= 1 (zeros are published), cells >= 0. Cells of different tables are the
same cell when their coordinates over the union of the tables' dimensions are equal (a dimension a
table does not have is "_T" there). Solved with scipy.optimize.linprog (HiGHS), one min and one max
per withheld cell; a max that is unbounded is +inf.
"""
import math

import numpy as np
from scipy.optimize import linprog


def merge(tables):
    """tables: list of (dims, {cell tuple: (value or None, conf_status)}). Returns (union dims, {coord:
    (value, status)}, conflicts: [(coord, [(table no, value, status)...])]) where a coord is a tuple
    over the union dims."""
    union = []
    for dims, _ in tables:
        for d in dims:
            if d not in union:
                union.append(d)
    cells, seen = {}, {}
    for i, (dims, res) in enumerate(tables):
        for k, vs in res.items():
            coord = tuple(k[dims.index(d)] if d in dims else "_T" for d in union)
            seen.setdefault(coord, []).append((i, vs[0], vs[1]))
            cells.setdefault(coord, vs)
    conflicts = [(c, v) for c, v in seen.items() if len({(x[1], x[2]) for x in v}) > 1]
    return union, cells, conflicts


def equations(union, cells):
    """Additivity: [(margin coord, [child coords])] for every margin whose categories are all known."""
    cats = [sorted({c[j] for c in cells if c[j] != "_T"}) for j in range(len(union))]
    eqs = []
    for c in cells:
        for j in range(len(union)):
            if c[j] != "_T":
                continue
            kids = [c[:j] + (v,) + c[j + 1:] for v in cats[j]]
            if kids and all(k in cells for k in kids):
                eqs.append((c, kids))
    return eqs


def intervals(union, cells):
    """{withheld coord: (lp min, lp max)} under the knowledge above."""
    var = [c for c, (v, _s) in cells.items() if v is None]
    idx = {c: i for i, c in enumerate(var)}
    if not var:
        return {}
    rows, rhs = [], []
    for m, kids in equations(union, cells):
        terms = [m] + kids
        if not any(t in idx for t in terms):
            continue
        row = np.zeros(len(var))
        b = 0.0
        for t, sign in [(m, 1.0)] + [(k, -1.0) for k in kids]:
            if t in idx:
                row[idx[t]] += sign
            else:
                b -= sign * cells[t][0]
        rows.append(row)
        rhs.append(b)
    A = np.array(rows) if rows else None
    b = np.array(rhs) if rows else None
    bounds = [(1, None)] * len(var)
    out = {}
    for c, i in idx.items():
        obj = np.zeros(len(var))
        obj[i] = 1.0
        lo = linprog(obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
        hi = linprog(-obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
        if lo.status == 2 or hi.status == 2:
            raise RuntimeError("the published cells and additivity are infeasible together (cell %s)" % (c,))
        lmin = lo.fun if lo.status == 0 else -math.inf
        lmax = -hi.fun if hi.status == 0 else math.inf
        out[c] = (lmin, lmax)
    return out
